"""Real processes for the scale-out tier: a redis-server and uvicorn workers sharing it.

Each listens on 127.0.0.1 only. uvicorn picks its port through the kernel (``--port 0``)
and says which in its log; redis-server cannot (its ``--port 0`` turns TCP off), so its
port is one the kernel handed out and let go just before. Every process is stopped in
``finally``, and killed if it does not stop in time.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0
ROOT = Path(__file__).parent.parent.parent
RUNNING_ON = re.compile(rf"Uvicorn running on http://{re.escape(HOST)}:(?P<port>\d+)")
REDIS_SERVER = shutil.which("redis-server")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``process``, then kill it if it outlives the timeout."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


def answers_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    """A redis-server of the test's own, in ``directory``; ``restart()`` keeps its port and data."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--bind", HOST, "--port", str(self.port), "--dir", str(self.directory),
             "--save", "3600 1", "--appendonly", "no", "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while not answers_ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                stop(self.process)
                raise RuntimeError(f"redis-server did not start: {(self.directory / 'redis.log').read_text()}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop it as an administrator would (SIGTERM), which saves the data first."""
        if self.process is not None:
            stop(self.process)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    server = RedisServer(directory, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Worker:
    """A uvicorn process serving ``app`` on 127.0.0.1:``port``."""

    app: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}"


@contextmanager
def uvicorn_worker(app: str, redis_url: str, log: Path) -> Iterator[Worker]:
    """``uvicorn app`` in a process of its own, given ``REDIS_URL``, until the block ends."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", "0", "--lifespan", "on",
             "--log-level", "info", "--no-access-log", "--timeout-graceful-shutdown", "2"],
            cwd=ROOT, env={**os.environ, "REDIS_URL": redis_url}, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not (found := RUNNING_ON.search(log.read_text())):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn {app} did not start:\n{log.read_text()}")
            time.sleep(0.02)
        yield Worker(app, int(found["port"]))
    finally:
        stop(process)
