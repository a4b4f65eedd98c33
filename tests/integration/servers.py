"""Real servers for the integration tier: uvicorn, hypercorn-on-trio and granian, each in a thread.

Every server is bound to 127.0.0.1 on a port the kernel picks before it starts, and
is stopped in ``finally`` whatever the test did. Clients run in the test's own event
loop, so a server that hangs cannot hang the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

import anyio
import granian.server.embed
import httpx
import hypercorn.config
import hypercorn.trio
import pytest
import trio
import uvicorn
from granian.constants import Interfaces
from granian.log import LogLevels
from hypercorn.typing import ASGIFramework

from bareasgi import Application

HOST = "127.0.0.1"
START_TIMEOUT = 5.0
STOP_TIMEOUT = 5.0

UvicornHttp = Literal["h11", "httptools"]
ServerKind = Literal["uvicorn-h11", "uvicorn-httptools", "hypercorn-trio", "granian"]
SERVER_KINDS: tuple[ServerKind, ...] = ("uvicorn-h11", "uvicorn-httptools", "hypercorn-trio", "granian")


@dataclass(frozen=True)
class Running:
    """A server that is accepting connections on ``127.0.0.1:port``."""

    port: int
    kind: ServerKind

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}"

    def client(self) -> httpx.AsyncClient:
        """An HTTP client for this server; ignores proxy settings from the environment."""
        return httpx.AsyncClient(base_url=self.url, timeout=5.0, trust_env=False)


class ServerDidNotStart(Exception):
    """The server thread ended before the server was accepting connections."""

    def __init__(self, exit_code: object) -> None:
        super().__init__(f"the server did not start (exit code {exit_code!r})")
        self.exit_code = exit_code


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, 0))
    except BaseException:
        sock.close()
        raise
    return sock


def _wait_started(started: Callable[[], bool], thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not started():
        if not thread.is_alive():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server in {thread.name} did not start in {START_TIMEOUT}s")
        time.sleep(0.005)


@contextmanager
def run_uvicorn(app: Application, *, http: UvicornHttp = "httptools") -> Iterator[Running]:
    """Serve ``app`` with uvicorn (lifespan on) in a thread, on a pre-bound socket.

    Raises :class:`ServerDidNotStart` when uvicorn gives up during startup, as it does
    when the application's startup fails.
    """
    sock = _bound_socket()
    port: int = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host=HOST,
        port=port,
        http=http,
        log_level="warning",
        log_config=None,  # keep the test process's logging as pytest set it up
        lifespan="on",
        timeout_graceful_shutdown=1,  # a handler that never ends cannot hang the tier
    )
    server = uvicorn.Server(config)
    exit_codes: list[object] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except SystemExit as exit_:  # uvicorn's way of reporting a failed startup
            exit_codes.append(exit_.code)

    thread = threading.Thread(target=serve, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        _wait_started(lambda: server.started, thread)
        if not server.started:
            raise ServerDidNotStart(exit_codes[0] if exit_codes else None)
        yield Running(port, "uvicorn-h11" if http == "h11" else "uvicorn-httptools")
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        sock.close()
    if thread.is_alive():
        raise RuntimeError(f"uvicorn on port {port} did not stop in {STOP_TIMEOUT}s")


@dataclass
class _TrioServer:
    token: trio.lowlevel.TrioToken | None = None
    stop: trio.Event | None = None
    binds: list[str] = field(default_factory=list)
    error: BaseException | None = None


@contextmanager
def run_hypercorn_trio(app: Application) -> Iterator[Running]:
    """Serve ``app`` with hypercorn on trio in a thread, on a port the kernel picks."""
    config = hypercorn.config.Config()
    config.bind = [f"{HOST}:0"]
    config.graceful_timeout = 1.0
    config.loglevel = "WARNING"
    config.errorlog = logging.getLogger("hypercorn.error")  # a logger: used as is, no handler added
    state = _TrioServer()
    asgi: ASGIFramework = app  # an Application is accepted where hypercorn types its own events
    ready = threading.Event()

    async def main() -> None:
        state.token = trio.lowlevel.current_trio_token()
        state.stop = trio.Event()
        async with trio.open_nursery() as nursery:
            state.binds = await nursery.start(
                partial(hypercorn.trio.serve, asgi, config, shutdown_trigger=state.stop.wait)
            )
            ready.set()

    def serve() -> None:
        try:
            trio.run(main)
        except BaseException as error:  # handed to the test thread, which re-raises it
            state.error = error
        finally:
            ready.set()

    thread = threading.Thread(target=serve, name="hypercorn-trio", daemon=True)
    thread.start()
    try:
        if not ready.wait(START_TIMEOUT):
            raise TimeoutError(f"hypercorn did not start in {START_TIMEOUT}s")
        if not state.binds:
            raise ServerDidNotStart(state.error)
        yield Running(int(state.binds[0].rsplit(":", 1)[1]), "hypercorn-trio")
    finally:
        if state.token is not None and state.stop is not None and thread.is_alive():
            try:
                trio.from_thread.run_sync(state.stop.set, trio_token=state.token)
            except trio.RunFinishedError:
                pass  # it stopped on its own
        thread.join(STOP_TIMEOUT)
    if thread.is_alive():
        raise RuntimeError(f"hypercorn did not stop in {STOP_TIMEOUT}s")
    if state.error is not None:
        raise state.error


# granian configures logging when a server is made: its loggers are handed to the
# test process's handlers here (pytest's, which the leak check reads), as uvicorn's are.
GRANIAN_LOGGING = {
    "loggers": {
        "_granian": {"handlers": [], "propagate": True},
        "granian.access": {"handlers": [], "level": "WARNING", "propagate": False},
    }
}


@dataclass
class _GranianServer:
    server: granian.server.embed.Server | None = None
    loop: asyncio.AbstractEventLoop | None = None
    error: BaseException | None = None


@contextmanager
def run_granian(app: Application) -> Iterator[Running]:
    """Serve ``app`` with granian's embedded server (ASGI, lifespan on) on asyncio in a thread.

    granian binds its own listening socket, with ``SO_REUSEPORT``, and does not say
    which port it got; so the port comes from a socket the kernel binds here, with
    the same option, and kept bound (never listening) until granian has stopped.
    """
    placeholder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    placeholder.bind((HOST, 0))
    port: int = placeholder.getsockname()[1]
    state = _GranianServer()
    ready = threading.Event()

    async def main() -> None:
        state.loop = asyncio.get_running_loop()
        state.server = granian.server.embed.Server(
            app,
            address=HOST,
            port=port,
            interface=Interfaces.ASGI,
            log_level=LogLevels.warning,
            log_dictconfig=GRANIAN_LOGGING,
        )
        ready.set()
        await state.server.serve()

    def serve() -> None:
        try:
            asyncio.run(main())
        except BaseException as error:  # handed to the test thread, which re-raises it
            state.error = error
        finally:
            ready.set()

    thread = threading.Thread(target=serve, name=f"granian-{port}", daemon=True)
    thread.start()
    try:
        if not ready.wait(START_TIMEOUT):
            raise TimeoutError(f"granian did not start in {START_TIMEOUT}s")
        _wait_started(lambda: _accepts(port), thread)
        if not thread.is_alive():
            raise ServerDidNotStart(state.error)
        yield Running(port, "granian")
    finally:
        if state.loop is not None and state.server is not None and thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop has closed: it stopped on its own
                state.loop.call_soon_threadsafe(state.server.stop)
        thread.join(STOP_TIMEOUT)
        placeholder.close()
    if thread.is_alive():
        raise RuntimeError(f"granian on port {port} did not stop in {STOP_TIMEOUT}s")


def _accepts(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def run_server(kind: ServerKind, app: Application) -> Iterator[Running]:
    """Serve ``app`` on the server ``kind``."""
    if kind == "hypercorn-trio":
        with run_hypercorn_trio(app) as running:
            yield running
    elif kind == "granian":
        with run_granian(app) as running:
            yield running
    else:
        with run_uvicorn(app, http="h11" if kind == "uvicorn-h11" else "httptools") as running:
            yield running


def errors_from(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    """The records at ERROR or above from ``logger`` (or its children) so far."""
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.ERROR
        and (record.name == logger or record.name.startswith(logger + "."))
    ]


async def wait_until(predicate: Callable[[], bool], timeout: float = 1.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass; its last answer."""
    deadline = anyio.current_time() + timeout
    while not predicate():
        if anyio.current_time() >= deadline:
            return predicate()
        await anyio.sleep(0.005)
    return True
