"""Server driver: each application under uvicorn, loaded over loopback from another process.

Every peer's applications are started once, each in its own uvicorn process pinned to
one core (:mod:`benchmarks.serve`), and each scenario's answer from each is checked
once. Then the rounds: in each, every scenario is loaded on every peer in turn (the
order rotated from round to round) for a fixed time, by ``wrk`` when it is installed
and by :mod:`benchmarks.client` otherwise (always for WebSocket echoes), pinned to
another core. Each run also reads the server's CPU time (user and system, from
/proc) before and after, for its CPU time per request. Only 127.0.0.1 is ever
contacted; every load run is bounded in time and in count, and every process started
is stopped before the driver returns.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .inprocess import WS_MESSAGES
from .scenarios import WS_TEXT, Response, Scenario
from .serve import HOST, pin

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30.0  # for a server to print its port (10,000 Starlette routes take a while)
GRACE_SECONDS = 15.0  # beyond a load run's own duration, before it is killed


@dataclass
class Server:
    """One peer's application with ``routes`` numbered routes and ``middlewares``, under uvicorn."""

    peer: str
    routes: int
    middlewares: int
    process: subprocess.Popen[str]
    port: int


def cores() -> tuple[int, int]:
    """The core for the servers and the one for the load generator (the same if only one)."""
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    return available[0], available[-1]


def start_server(
    peer: str,
    routes: int,
    middlewares: int,
    cpu: int,
    wrapper: Sequence[str] = (),
    start_seconds: float = START_SECONDS,
) -> Server:
    """Start ``python -m benchmarks.serve`` (run by ``wrapper``, if any) and wait for its port."""
    process = subprocess.Popen(
        [
            *wrapper, sys.executable, "-m", "benchmarks.serve",
            peer, str(routes), str(cpu), str(middlewares),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        port = _read_port(process, start_seconds)
    except BaseException:
        stop_server(process)
        raise
    return Server(peer, routes, middlewares, process, port)


def _read_port(process: subprocess.Popen[str], start_seconds: float) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + start_seconds
    line = ""
    while not line and time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline().strip()
    if not line.isdigit():
        raise RuntimeError(f"a server did not start (exit code {process.poll()}, said {line!r})")
    port = int(line)
    while time.monotonic() < deadline:  # the port is bound; wait until uvicorn accepts
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server on port {port} never accepted a connection")


def stop_server(process: subprocess.Popen[str]) -> None:
    """Stop a server: SIGTERM (uvicorn shuts down), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


@contextmanager
def servers(
    peers: Sequence[str], keys: Sequence[tuple[int, int]], cpu: int
) -> Iterator[dict[tuple[str, tuple[int, int]], Server]]:
    """Every peer's application for every (routes, middlewares) key, stopped on the way out."""
    started: dict[tuple[str, tuple[int, int]], Server] = {}
    try:
        for peer in peers:
            for routes, middlewares in keys:
                started[(peer, (routes, middlewares))] = start_server(peer, routes, middlewares, cpu)
        yield started
    finally:
        for server in started.values():
            stop_server(server.process)


# --- checking one answer ----------------------------------------------------------------


def fetch(port: int, scenario: Scenario) -> Response:
    """One request of ``scenario``, its chunked body counted chunk by chunk."""
    with socket.create_connection((HOST, port), timeout=10) as sock, sock.makefile("rb") as stream:
        head = f"{scenario.method} {scenario.path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        if scenario.body:
            head += f"Content-Length: {len(scenario.body)}\r\n"
        sock.sendall(head.encode("ascii") + b"\r\n" + scenario.body)
        status = int(stream.readline().split()[1])
        headers: dict[bytes, bytes] = {}
        while (line := stream.readline().rstrip(b"\r\n")) != b"":
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = stream.read(int(headers[b"content-length"]))
            return Response(status, headers, body, 1 if body else 0)
        chunks = []
        while (size := int(stream.readline().split(b";")[0], 16)) > 0:
            chunks.append(stream.read(size))
            stream.readline()
        return Response(status, headers, b"".join(chunks), len(chunks))


def fetch_websocket(port: int, scenario: Scenario) -> Response:
    """A few echoes over one connection, as a response the scenario can check."""
    from websockets.sync.client import connect

    with connect(f"ws://{HOST}:{port}{scenario.path}", open_timeout=10) as web_socket:
        replies = []
        for _ in range(3):
            web_socket.send(WS_TEXT)
            replies.append(web_socket.recv(timeout=10))
    body = WS_TEXT.encode() if set(replies) == {WS_TEXT} else b""
    return Response(200, {}, body, WS_MESSAGES)


def check(server: Server, scenario: Scenario) -> None:
    """Raise ``AssertionError`` unless ``server`` answers ``scenario`` as expected."""
    if scenario.is_websocket:
        response = fetch_websocket(server.port, scenario)
    else:
        response = fetch(server.port, scenario)
    fault = scenario.check(response)
    if fault is not None:
        raise AssertionError(f"{server.peer} under uvicorn, {scenario.name}: {fault}")


# --- load -------------------------------------------------------------------------------


@dataclass
class Load:
    """One load run's outcome."""

    rate: float  # requests (WebSocket: messages) per second
    client: str
    unexpected: int  # responses with a status the scenario does not expect
    done: int  # requests (WebSocket: messages) completed


def cpu_seconds(process: subprocess.Popen[str]) -> tuple[float, float] | None:
    """The CPU time ``process`` has used so far, in user mode and in the kernel's;
    ``None`` without /proc.

    A server's CPU time per request is a steadier measure than its requests per second
    on a shared machine: a server kept off its core for a while serves fewer requests,
    but each costs it the same CPU time.
    """
    try:
        stat = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick  # utime and stime


def _pinned(cpu: int) -> Callable[[], None]:
    return lambda: pin(cpu)


def load_wrk(
    wrk: str, port: int, scenario: Scenario, seconds: float, connections: int, cpu: int
) -> Load:
    """Load with ``wrk`` (one thread); a Lua script sends a POST's body."""
    command = [
        wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
    ]  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if scenario.method != "GET":  # a body of the scenario's size (its bytes are checked once)
            script.write(f'wrk.method = "{scenario.method}"\n')
            script.write(f'wrk.body = string.rep("x", {len(scenario.body)})\n')
            script.write('wrk.headers["Content-Type"] = "application/octet-stream"\n')
    try:
        command += ["-s", script.name, f"http://{HOST}:{port}{scenario.path}"]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=seconds + GRACE_SECONDS,
            preexec_fn=_pinned(cpu),
        )
    finally:
        os.unlink(script.name)
    output = result.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    requests = re.search(r"(\d+) requests in", output)
    if result.returncode != 0 or rate is None or requests is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {output} {result.stderr}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    timeouts = re.search(r"Socket errors:.*?timeout (\d+)", output)
    bad = int(non_2xx.group(1)) if non_2xx else 0
    unexpected = int(requests.group(1)) - bad if scenario.status >= 300 else bad
    unexpected += int(timeouts.group(1)) if timeouts else 0
    return Load(float(rate.group(1)), "wrk", unexpected, int(requests.group(1)))


def load_python(
    port: int,
    scenario: Scenario,
    seconds: float,
    connections: int,
    cpu: int,
    max_requests: int | None = None,
) -> Load:
    """Load with :mod:`benchmarks.client` in a process of its own, for ``seconds`` or
    ``max_requests`` requests (WebSocket: messages), whichever ends first."""
    command = [
        sys.executable, "-m", "benchmarks.client", "--port", str(port),
        "--path", scenario.path, "--method", scenario.method,
        "--body-size", str(len(scenario.body)), "--connections", str(connections),
        "--seconds", str(seconds), "--cpu", str(cpu),
    ]  # fmt: skip
    if max_requests is not None:
        command += ["--max-requests", str(max_requests)]
    if scenario.is_websocket:
        command.append("--websocket")
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=seconds + GRACE_SECONDS
    )
    if result.returncode != 0:
        raise RuntimeError(f"the Python client failed ({result.returncode}): {result.stderr}")
    outcome = json.loads(result.stdout)
    expected = "101" if scenario.is_websocket else str(scenario.status)
    unexpected = sum(n for status, n in outcome["statuses"].items() if status != expected)
    return Load(outcome["requests"] / outcome["seconds"], "python", unexpected, outcome["requests"])


@dataclass
class Case:
    """One scenario on one peer's server, and its rates by round."""

    peer: str
    scenario: Scenario
    server: Server
    rates: list[float] = field(default_factory=list)
    cpu_per_request: list[float] = field(default_factory=list)  # server CPU µs, by round
    kernel_share: list[float] = field(default_factory=list)  # of that CPU time, by round
    client: str = ""
    unexpected: int = 0


@dataclass
class Results:
    """Everything the server driver measured."""

    peers: list[str]
    cases: dict[tuple[str, str], Case]  # by (scenario name, peer)
    rounds: int
    seconds: float
    connections: int
    cores: tuple[int, int]
    wrk: str | None


def run(
    peers: Sequence[str],
    scenarios: Sequence[Scenario],
    *,
    rounds: int = 3,
    seconds: float = 2.0,
    connections: int = 16,
    use_wrk: bool = True,
    progress: Callable[[str], None] = lambda line: None,
) -> Results:
    """Check, then load, every scenario on every peer; see the module docstring."""
    server_cpu, client_cpu = cores()
    wrk = shutil.which("wrk") if use_wrk else None
    chosen = [scenario for scenario in scenarios if scenario.server]
    keys = sorted({scenario.app_key for scenario in chosen})
    progress(f"starting {len(peers) * len(keys)} uvicorn servers on core {server_cpu}")
    with servers(peers, keys, server_cpu) as started:
        cases: dict[tuple[str, str], Case] = {}
        for scenario in chosen:
            for peer in peers:
                case = Case(peer, scenario, started[(peer, scenario.app_key)])
                check(case.server, scenario)
                cases[(scenario.name, peer)] = case
        progress(f"checked {len(cases)} responses; loading from core {client_cpu}")

        def load(case: Case, duration: float) -> Load:
            if wrk is not None and not case.scenario.is_websocket:
                return load_wrk(wrk, case.server.port, case.scenario, duration, connections, client_cpu)
            ws_connections = max(1, connections // 2)
            count = ws_connections if case.scenario.is_websocket else connections
            return load_python(case.server.port, case.scenario, duration, count, client_cpu)

        for case in cases.values():  # warm up: connections, caches, lazy imports
            load(case, 1.0)
        for round_ in range(rounds):
            progress(f"round {round_ + 1} of {rounds}")
            for scenario in chosen:
                shift = round_ % len(peers)
                for peer in [*peers[shift:], *peers[:shift]]:
                    case = cases[(scenario.name, peer)]
                    before = cpu_seconds(case.server.process)
                    outcome = load(case, seconds)
                    after = cpu_seconds(case.server.process)
                    case.rates.append(outcome.rate)
                    if before is not None and after is not None and outcome.done:
                        user, system = after[0] - before[0], after[1] - before[1]
                        case.cpu_per_request.append((user + system) / outcome.done * 1e6)
                        if user + system > 0:
                            case.kernel_share.append(system / (user + system))
                    case.client = outcome.client
                    case.unexpected += outcome.unexpected
        for case in cases.values():
            check(case.server, case.scenario)  # still right after the load
    return Results(
        list(peers), cases, rounds, seconds, connections, (server_cpu, client_cpu), wrk
    )
