"""Load: the application under a real uvicorn, held under load with faults, and its figures.

Run ``python -m benchmarks.load`` for the full run, or scale it down::

    python -m benchmarks.load --requests 2000 --connections 50 --streams 50 --websockets 100

It starts :mod:`benchmarks.load_app` under uvicorn in a subprocess on 127.0.0.1 (a
port the kernel picks), drives it from this process, and stops it at the end,
whatever happened. Three scenarios, each bounded in count and in time:

- ``requests``: many requests over many keep-alive connections, mixing plaintext,
  typed routes, POST bodies echoed, 404s, 405s and handlers that raise. Every answer
  is checked; the server's memory (VmRSS) is read after a warm-up and at the end.
- ``streams``: concurrent clients of endless streamed responses that leave at random
  moments (mid-request, before or after the headers, after some chunks, after a
  while), closing or aborting their connection. The application counts the body
  generators started and finalised; both must agree, and no task may be left.
- ``websockets``: concurrent echo connections, all open at once; a tenth are dropped
  abruptly (the TCP connection aborted, no close frame) at random moments, and every
  other one must get every echo.

One line per scenario gives its figures; the exit status is 1 if any scenario lost
anything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from .load_app import HOST, raise_open_file_limit

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 10.0
SETTLE_TIMEOUT = 10.0  # for the server to finish with clients that have gone
MEMORY_LIMIT_MB = 10.0
TRANSPORT_ERRORS = (
    OSError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
    asyncio.TimeoutError,
    ValueError,  # a response head that does not parse
)


@dataclass(frozen=True)
class Plan:
    """How much load: the full run by default."""

    requests: int = 50_000
    connections: int = 200
    warmup: int = 5_000
    streams: int = 500
    websockets: int = 1_000
    ws_messages: int = 10
    drop_share: float = 0.1
    seed: int = 2024
    time_limit: float = 120.0  # seconds, per scenario


@dataclass
class Result:
    """One scenario's figures, and whether it lost anything."""

    name: str
    ok: bool
    line: str
    figures: dict[str, float] = field(default_factory=dict)


# The server.


@dataclass
class Server:
    """The uvicorn subprocess serving the load application."""

    process: asyncio.subprocess.Process
    port: int

    def rss_mb(self) -> float:
        """The server's resident memory (VmRSS), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc status")

    async def stats(self) -> dict[str, int]:
        connection = Http(self.port)
        try:
            status, body = await connection.request("GET", "/stats")
        finally:
            await connection.aclose()
        if status != 200:
            raise RuntimeError(f"GET /stats answered {status}")
        stats: dict[str, int] = json.loads(body)
        return stats


@asynccontextmanager
async def running_server() -> AsyncIterator[Server]:
    """Start the load application under uvicorn; stop it on the way out, whatever happened.

    What the server writes to stderr is shown only if starting or running it failed.
    """
    with tempfile.TemporaryFile() as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.load_app",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
        try:
            server = Server(process, await _read_port(process))
            await _wait_until_serving(server)
            yield server
        except BaseException:
            errors.seek(0)
            sys.stderr.write(errors.read().decode("utf-8", "replace")[-4000:])
            raise
        finally:
            try:
                await _stop(process)
            finally:
                if process.returncode is None:  # the graceful stop was itself interrupted
                    process.kill()


async def _read_port(process: asyncio.subprocess.Process) -> int:
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
    except asyncio.TimeoutError:
        line = b""
    if not line.strip().isdigit():
        raise RuntimeError(f"the server did not start (it said {line!r})")
    return int(line)


async def _wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            await server.stats()
            return
        except (OSError, asyncio.IncompleteReadError):
            if time.monotonic() > deadline or server.process.returncode is not None:
                raise
            await asyncio.sleep(0.05)


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Interrupt the server (uvicorn shuts down gracefully); kill it if it hangs."""
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()


# An HTTP/1.1 client: just what the load needs, fast enough not to be the bottleneck.


class Http:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request; its status and whole body."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        reader, writer = self.reader, self.writer
        head = f"{method} {path} HTTP/1.1\r\nhost: {HOST}\r\n"
        if body or method == "POST":
            head += f"content-length: {len(body)}\r\n"
        writer.write(head.encode("ascii") + b"\r\n" + body)
        status, headers = parse_head(await reader.readuntil(b"\r\n\r\n"))
        if b"content-length" in headers:
            data = await reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            data = b"".join([chunk async for chunk in read_chunks(reader)])
        else:
            data = b""
        if headers.get(b"connection") == b"close":
            self.close()
        return status, data

    def close(self) -> None:
        """Close the connection now; the next request opens another."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def aclose(self) -> None:
        """Close the connection and wait until it is closed."""
        writer = self.writer
        self.close()
        if writer is not None:
            try:
                await writer.wait_closed()
            except OSError:
                pass  # reset by the server: closed either way


def parse_head(head: bytes) -> tuple[int, dict[bytes, bytes]]:
    """The status and headers (names lower-case) of a response head."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def read_chunks(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """The chunks of a chunked body, until the last (empty) one."""
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return
        chunk = await reader.readexactly(size + 2)
        yield chunk[:-2]


# Scenario 1: requests.


@dataclass(frozen=True)
class Request:
    """One request of the mix, with the answer it must get."""

    kind: str
    method: str
    path: str
    body: bytes
    status: int
    expected: bytes | Any  # the body, or the JSON it must decode to

    def check(self, status: int, body: bytes) -> bool:
        if status != self.status:
            return False
        if isinstance(self.expected, bytes):
            return body == self.expected
        return bool(json.loads(body) == self.expected)


def make_request(rng: random.Random) -> Request:
    """A request of the mix: a quarter plaintext, a quarter typed routes, a fifth POST
    bodies echoed (empty to 100 kB), a tenth 404s, a twentieth 405s, the rest (15 %)
    handlers that raise."""
    draw = rng.random()
    if draw < 0.25:
        return Request("plaintext", "GET", "/plaintext", b"", 200, b"Hello, World!")
    if draw < 0.35:
        n = rng.randrange(-(10**12), 10**12)
        return Request("typed", "GET", f"/user/{n}", b"", 200, {"id": n})
    if draw < 0.43:
        order, n = uuid.UUID(int=rng.getrandbits(128)), rng.randrange(1000)
        return Request(
            "typed", "GET", f"/order/{order}/item/{n}", b"", 200, {"order": str(order), "n": n}
        )
    if draw < 0.50:
        day = rng.randrange(1, 29)
        weekday = time.strptime(f"2024-02-{day:02d}", "%Y-%m-%d").tm_wday + 1
        return Request("typed", "GET", f"/day/2024-02-{day:02d}", b"", 200, {"weekday": weekday})
    if draw < 0.70:
        body = rng.randbytes(rng.choice([0, 10, 1000, 16_000, 100_000]))
        return Request("post", "POST", "/echo", body, 200, body)
    if draw < 0.80:
        path = rng.choice(["/nowhere", "/user/forty-two", "/day/2023-02-29", "/plaintext/", "/ws"])
        return Request("404", "GET", path, b"", 404, b"Not Found")
    if draw < 0.85:
        return Request("405", "POST", "/plaintext", b"", 405, b"Method Not Allowed")
    return Request("raise", "GET", "/raise", b"", 500, b"Internal Server Error")


@dataclass
class Tally:
    sent: int = 0
    transport_errors: int = 0
    wrong: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> int:
        return self.transport_errors + self.wrong


async def _hold_requests(
    connections: list[Http], count: int, rng: random.Random, tally: Tally
) -> None:
    requests = iter([make_request(rng) for _ in range(count)])

    async def worker(connection: Http) -> None:
        for request in requests:
            tally.sent += 1
            tally.by_kind[request.kind] = tally.by_kind.get(request.kind, 0) + 1
            try:
                status, body = await asyncio.wait_for(
                    connection.request(request.method, request.path, request.body), REQUEST_TIMEOUT
                )
            except TRANSPORT_ERRORS:
                tally.transport_errors += 1
                connection.close()
                continue
            if not request.check(status, body):
                tally.wrong += 1

    await asyncio.gather(*(worker(connection) for connection in connections))


async def requests_scenario(server: Server, plan: Plan) -> Result:
    rng = random.Random(plan.seed)
    connections = [Http(server.port) for _ in range(plan.connections)]
    warm, tally = Tally(), Tally()
    try:
        await _hold_requests(connections, plan.warmup, rng, warm)
        before = await server.stats()
        rss_before = server.rss_mb()
        started = time.monotonic()
        await _hold_requests(connections, plan.requests, rng, tally)
        elapsed = time.monotonic() - started
        rss_after = server.rss_mb()
        after = await server.stats()
    finally:
        await asyncio.gather(*(connection.aclose() for connection in connections))
    raised = tally.by_kind.get("raise", 0)
    logged = after["handler_errors_logged"] - before["handler_errors_logged"]
    server_errors = after["server_errors_logged"] - before["server_errors_logged"]
    growth = rss_after - rss_before
    failures = tally.failures + warm.failures
    ok = failures == 0 and logged == raised and server_errors == 0 and growth < MEMORY_LIMIT_MB
    line = (
        f"requests: {tally.sent} requests, {plan.connections} connections, {failures} failures "
        f"({tally.transport_errors + warm.transport_errors} transport, "
        f"{tally.wrong + warm.wrong} wrong); errors logged {logged} for {raised} raising, "
        f"{server_errors} by uvicorn; memory {growth:+.1f} MB after warm-up "
        f"({rss_before:.1f} -> {rss_after:.1f} MB); {elapsed:.1f} s, {tally.sent / elapsed:.0f}/s"
    )
    figures: dict[str, float] = {
        "requests": tally.sent, "connections": plan.connections, "failures": failures,
        "raised": raised, "logged": logged, "memory_growth_mb": growth,
    }  # fmt: skip
    return Result("requests", ok, line, figures)


# Scenario 2: streams left at random moments.

MOMENTS = ("mid-request", "after-request", "after-headers", "after-chunks", "after-a-while")


async def _leave_a_stream(port: int, rng: random.Random) -> tuple[str, bool]:
    """One client of an endless stream, leaving at a random moment; whether all it got was right."""
    moment = rng.choice(MOMENTS)
    mode = rng.choice(["tick", "wait"])
    request = f"GET /stream/{mode} HTTP/1.1\r\nhost: {HOST}\r\n\r\n".encode("ascii")
    reader, writer = await asyncio.open_connection(HOST, port)
    right = True
    try:
        if moment == "mid-request":
            writer.write(request[: rng.randrange(1, len(request) - 1)])
            await asyncio.sleep(rng.uniform(0, 0.02))
        else:
            writer.write(request)
            if moment == "after-request":
                await asyncio.sleep(rng.uniform(0, 0.005))
            else:
                status, headers = parse_head(await reader.readuntil(b"\r\n\r\n"))
                right = status == 200 and headers.get(b"transfer-encoding") == b"chunked"
                chunks = read_chunks(reader)
                wanted = 1 if mode == "wait" else rng.randrange(1, 30)
                if moment == "after-chunks":
                    for _ in range(wanted):
                        right = right and await anext(chunks) == b"tick\n"
                elif moment == "after-a-while":
                    right = right and await anext(chunks) == b"tick\n"
                    await asyncio.sleep(rng.uniform(0, 0.2))
    finally:
        if rng.random() < 0.5:
            writer.transport.abort()  # a reset, as from a client that crashed
        else:
            writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
    return moment, right


async def _settle(server: Server, done: Callable[[dict[str, int]], bool]) -> dict[str, int]:
    """The server's stats once ``done`` holds of them, or after SETTLE_TIMEOUT."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        stats = await server.stats()
        if done(stats) or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.05)


async def streams_scenario(server: Server, plan: Plan) -> Result:
    rng = random.Random(plan.seed + 1)
    before = await server.stats()
    outcomes = await asyncio.gather(
        *(_leave_a_stream(server.port, random.Random(rng.random())) for _ in range(plan.streams)),
        return_exceptions=True,
    )
    failures = sum(
        1 for outcome in outcomes if isinstance(outcome, BaseException) or not outcome[1]
    )

    def settled(stats: dict[str, int]) -> bool:
        return (
            stats["streams_finalised"] == stats["streams_started"]
            and stats["tasks"] <= before["tasks"]
        )

    after = await _settle(server, settled)
    started = after["streams_started"] - before["streams_started"]
    finalised = after["streams_finalised"] - before["streams_finalised"]
    tasks_left = max(0, after["tasks"] - before["tasks"])
    errors = (after["handler_errors_logged"] - before["handler_errors_logged"]) + (
        after["server_errors_logged"] - before["server_errors_logged"]
    )
    ok = failures == 0 and finalised == started and tasks_left == 0 and errors == 0
    line = (
        f"streams: {plan.streams} connections leaving at random moments, {failures} failures; "
        f"generators finalised {finalised} / started {started}; tasks left {tasks_left}; "
        f"errors logged {errors}"
    )
    figures: dict[str, float] = {
        "connections": plan.streams, "failures": failures, "started": started,
        "finalised": finalised, "tasks_left": tasks_left, "errors": errors,
    }  # fmt: skip
    return Result("streams", ok, line, figures)


# Scenario 3: WebSocket echo, a tenth dropped.


@dataclass
class Echoes:
    expected: int = 0
    received: int = 0
    wrong: int = 0
    failures: int = 0


async def _echo(
    connection: ClientConnection, index: int, plan: Plan, drop_at: float | None, echoes: Echoes
) -> None:
    """Send ``plan.ws_messages`` texts and check each echo; or drop the connection part way."""
    rng = random.Random(index)
    for number in range(plan.ws_messages):
        text = f"{index}/{number}/" + "x" * rng.randrange(200)
        if drop_at is not None and number >= drop_at * plan.ws_messages:
            if rng.random() < 0.5:
                await connection.send(text)  # and leave before its echo
            connection.transport.abort()
            return
        await connection.send(text)
        if drop_at is None:
            echoes.expected += 1
        reply = await connection.recv()
        if drop_at is None:
            echoes.received += 1
            echoes.wrong += reply != text


async def websockets_scenario(server: Server, plan: Plan) -> Result:
    rng = random.Random(plan.seed + 2)
    before = await server.stats()
    url = f"ws://{HOST}:{server.port}/ws"
    echoes = Echoes()
    drops = {
        i: rng.random()
        for i in rng.sample(range(plan.websockets), int(plan.websockets * plan.drop_share))
    }

    async def open_one() -> ClientConnection:
        return await connect(url, open_timeout=30, ping_interval=None, compression=None, proxy=None)

    opened = await asyncio.gather(
        *(open_one() for _ in range(plan.websockets)), return_exceptions=True
    )
    connections = [c for c in opened if isinstance(c, ClientConnection)]
    echoes.failures += len(opened) - len(connections)  # all are open at once from here
    try:
        results = await asyncio.gather(
            *(_echo(c, i, plan, drops.get(i), echoes) for i, c in enumerate(connections)),
            return_exceptions=True,
        )
        echoes.failures += sum(1 for result in results if isinstance(result, BaseException))
    finally:
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)

    def settled(stats: dict[str, int]) -> bool:
        return stats["ws_finished"] == stats["ws_started"] and stats["tasks"] <= before["tasks"]

    after = await _settle(server, settled)
    started = after["ws_started"] - before["ws_started"]
    finished = after["ws_finished"] - before["ws_finished"]
    tasks_left = max(0, after["tasks"] - before["tasks"])
    errors = (after["handler_errors_logged"] - before["handler_errors_logged"]) + (
        after["server_errors_logged"] - before["server_errors_logged"]
    )
    lost = echoes.expected - echoes.received
    failures = echoes.failures + echoes.wrong
    survivors = plan.websockets - len(drops)
    ok = failures == 0 and lost == 0 and finished == started == plan.websockets
    ok = ok and tasks_left == 0 and errors == 0
    line = (
        f"websockets: {plan.websockets} connections, {len(drops)} dropped abruptly, "
        f"{failures} failures; echoes {echoes.received} / {echoes.expected} to {survivors} "
        f"survivors, {lost} lost; handlers finished {finished} / started {started}; "
        f"tasks left {tasks_left}; errors logged {errors}"
    )
    figures: dict[str, float] = {
        "connections": plan.websockets, "dropped": len(drops), "echoes": echoes.received,
        "lost": lost, "failures": failures, "started": started, "finished": finished,
        "tasks_left": tasks_left,
    }  # fmt: skip
    return Result("websockets", ok, line, figures)


# The run.

SCENARIOS = (requests_scenario, streams_scenario, websockets_scenario)


async def run(plan: Plan, report: Callable[[str], None] = print) -> list[Result]:
    """Run every scenario against one server; report each one's line as it ends."""
    raise_open_file_limit()
    results = []
    async with running_server() as server:
        for scenario in SCENARIOS:
            name = scenario.__name__.removesuffix("_scenario")
            try:
                result = await asyncio.wait_for(scenario(server, plan), plan.time_limit)
            except asyncio.TimeoutError:
                result = Result(name, False, f"{name}: did not finish in {plan.time_limit:.0f} s")
            results.append(result)
            report(result.line)
    return results


def main(argv: list[str] | None = None) -> int:
    defaults = Plan()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--requests", type=int, default=defaults.requests, help="timed requests")
    parser.add_argument(
        "--connections", type=int, default=defaults.connections, help="keep-alive connections"
    )
    parser.add_argument(
        "--warmup", type=int, default=defaults.warmup, help="requests before memory is read"
    )
    parser.add_argument(
        "--streams", type=int, default=defaults.streams, help="clients leaving endless streams"
    )
    parser.add_argument(
        "--websockets", type=int, default=defaults.websockets, help="echo connections at once"
    )
    parser.add_argument(
        "--ws-messages", type=int, default=defaults.ws_messages, help="echoes per connection"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--time-limit", type=float, default=defaults.time_limit, help="seconds per scenario"
    )
    args = parser.parse_args(argv)
    plan = Plan(
        requests=args.requests,
        connections=args.connections,
        warmup=args.warmup,
        streams=args.streams,
        websockets=args.websockets,
        ws_messages=args.ws_messages,
        seed=args.seed,
        time_limit=args.time_limit,
    )
    results = asyncio.run(run(plan))
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
