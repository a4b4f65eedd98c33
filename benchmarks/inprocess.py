"""In-process driver: each application called directly, with prepared scopes.

The driver is the least a server could be: a scope built once per scenario, a
``receive`` that hands out prepared messages and a ``send`` that drops what it is
given. Every peer's response to every scenario is recorded and checked once before
any timing, together with the number of tasks it created. Then the rounds: in each,
every scenario is timed on every peer in turn (the order rotated from round to round),
as a batch of calls long enough to read the clock reliably. The tables give the
median over rounds of the time per call, and of the ratio to raw within each round.
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .apps import PEERS, AppFactory, AsgiApp
from .scenarios import WS_TEXT, Response, Scenario

BUILD_ROUTES = 10_000
"""Routes in the application whose build time and memory are measured."""

WS_MESSAGES = 200
"""Messages echoed per WebSocket connection; the time reported is per message."""

_DISCONNECT = {"type": "http.disconnect"}
T = TypeVar("T")


class Exchange:
    """The server side of one scenario, reused for every call.

    ``receive`` hands out the prepared messages; once they run out, it waits until the
    response is complete and then reports a disconnect, as uvicorn does. ``send``
    drops messages unless ``recorded`` is a list.
    """

    __slots__ = ("complete", "index", "messages", "recorded", "waiter")

    def __init__(self, messages: Sequence[dict[str, Any]]) -> None:
        self.messages = messages
        self.index = 0
        self.complete = False
        self.waiter: asyncio.Future[None] | None = None
        self.recorded: list[dict[str, Any]] | None = None

    async def receive(self) -> dict[str, Any]:
        index = self.index
        if index < len(self.messages):
            self.index = index + 1
            return self.messages[index]
        if not self.complete:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
        return _DISCONNECT

    async def send(self, message: dict[str, Any]) -> None:
        if self.recorded is not None:
            self.recorded.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            self.complete = True
            if self.waiter is not None:
                self.waiter.set_result(None)
                self.waiter = None


def scope_of(scenario: Scenario) -> dict[str, Any]:
    """The scope uvicorn would give for ``scenario``, with the same keys."""
    path = scenario.path
    scope: dict[str, Any] = {
        "type": "websocket" if scenario.is_websocket else "http",
        "asgi": {"version": "3.0", "spec_version": "2.4" if scenario.is_websocket else "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "ws" if scenario.is_websocket else "http",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "state": {},
        "path": path,
        "raw_path": path.encode(),
        "query_string": scenario.query,
    }
    if scenario.is_websocket:
        scope["subprotocols"] = []
        scope["extensions"] = {"websocket.http.response": {}}
    else:
        scope["method"] = scenario.method
        if scenario.body:
            scope["headers"] = [
                (b"host", b"127.0.0.1:8000"),
                (b"content-length", str(len(scenario.body)).encode()),
            ]
            if scenario.content_type:
                scope["headers"].append((b"content-type", scenario.content_type))
    return scope


def messages_of(scenario: Scenario) -> list[dict[str, Any]]:
    """What ``receive`` hands out for one call of ``scenario``."""
    if scenario.is_websocket:
        echo = {"type": "websocket.receive", "text": WS_TEXT}
        return [
            {"type": "websocket.connect"},
            *([echo] * WS_MESSAGES),
            {"type": "websocket.disconnect", "code": 1000},
        ]
    body, parts = scenario.body, scenario.parts
    if parts > 1 and body:
        size = -(-len(body) // parts)
        chunks = [body[start : start + size] for start in range(0, len(body), size)]
        return [
            {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
            for index, chunk in enumerate(chunks)
        ]
    return [{"type": "http.request", "body": body, "more_body": False}]


def response_of(scenario: Scenario, sent: list[dict[str, Any]]) -> Response:
    """The response the recorded messages make up (for a WebSocket: its echoes)."""
    if scenario.is_websocket:
        replies = [message for message in sent if message["type"] == "websocket.send"]
        accepted = bool(sent) and sent[0]["type"] == "websocket.accept"
        texts = {message.get("text") for message in replies}
        body = WS_TEXT.encode() if len(replies) == WS_MESSAGES and texts == {WS_TEXT} else b""
        return Response(200 if accepted else 403, {}, body, len(replies))
    start = [message for message in sent if message["type"] == "http.response.start"]
    if len(start) != 1:
        return Response(0, {}, b"", 0)
    chunks = [m["body"] for m in sent if m["type"] == "http.response.body" and m.get("body")]
    finals = [m for m in sent if m["type"] == "http.response.body" and not m.get("more_body")]
    status = start[0]["status"] if len(finals) == 1 and sent[-1] is finals[0] else 0
    return Response(status, dict(start[0]["headers"]), b"".join(chunks), len(chunks))


@dataclass
class Case:
    """One scenario on one peer: its app, scope and exchange, and its timings."""

    peer: str
    scenario: Scenario
    app: AsgiApp
    scope: dict[str, Any]
    exchange: Exchange
    number: int = 1
    tasks: int = 0  # tasks created by one call
    seconds: list[float] = field(default_factory=list)  # per call (per message), by round

    @property
    def per_call(self) -> int:
        return WS_MESSAGES if self.scenario.is_websocket else 1

    async def call(self) -> None:
        exchange = self.exchange
        exchange.index = 0
        exchange.complete = False
        await self.app(self.scope, exchange.receive, exchange.send)

    async def batch(self, number: int) -> float:
        """Seconds per call (per message) over ``number`` calls."""
        return await timed_calls(self.app, self.scope, self.exchange, number) / self.per_call


async def timed_calls(app: AsgiApp, scope: dict[str, Any], exchange: Exchange, number: int) -> float:
    """Seconds per call of ``app`` over ``number`` calls, each with ``exchange`` afresh."""
    receive, send = exchange.receive, exchange.send
    start = time.perf_counter()
    for _ in range(number):
        exchange.index = 0
        exchange.complete = False
        await app(scope, receive, send)
    # Tasks the calls left to the loop (a stream's watcher, cancelled when the body
    # ended) take their last step at its next turn: it is part of the calls' cost.
    await asyncio.sleep(0)
    return (time.perf_counter() - start) / number


def new_case(peer: str, scenario: Scenario, app: AsgiApp | None = None) -> Case:
    """A case of ``scenario`` on ``peer``: its own application unless ``app`` is given."""
    exchange = Exchange(messages_of(scenario))
    if app is None:
        app = PEERS[peer](*scenario.app_key)
    return Case(peer, scenario, app, scope_of(scenario), exchange)


class CheckFailed(AssertionError):
    """A peer answered a scenario wrongly."""


async def check(case: Case) -> Response:
    """Call once, recording: raise :class:`CheckFailed` unless the answer is right.

    Also counts the tasks the call created.
    """
    loop = asyncio.get_running_loop()
    created = 0

    def count(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        nonlocal created
        created += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    case.exchange.recorded = []
    loop.set_task_factory(count)
    try:
        await case.call()
    finally:
        loop.set_task_factory(None)
        sent, case.exchange.recorded = case.exchange.recorded, None
    response = response_of(case.scenario, sent)
    fault = case.scenario.check(response)
    if fault is not None:
        raise CheckFailed(f"{case.peer}, {case.scenario.name}: {fault}")
    case.tasks = created
    return response


async def calibrate(case: Case, batch_seconds: float) -> None:
    """Choose the calls per batch so that one batch takes about ``batch_seconds``."""
    number = 1
    while True:
        elapsed = await case.batch(number) * number * case.per_call
        if elapsed >= batch_seconds / 5 or number >= 1 << 22:
            break
        number *= 4
    case.number = max(1, round(number * batch_seconds / max(elapsed, 1e-9)))


@dataclass
class Build:
    """What building a peer's application with N routes costs."""

    seconds: list[float] = field(default_factory=list)
    bytes_per_route: float = 0.0


def build_apps(
    peers: Sequence[str], keys: Sequence[tuple[int, int]]
) -> dict[tuple[str, tuple[int, int]], AsgiApp]:
    """Every peer's application for each (routes, middlewares) key."""
    return {(peer, key): PEERS[peer](*key) for peer in peers for key in sorted(set(keys))}


def measure_builds(peers: Sequence[str], routes: int, repeats: int = 3) -> dict[str, Build]:
    """The time to build each peer's application with ``routes`` routes, and its memory."""
    builds = {peer: Build() for peer in peers}
    for _ in range(repeats):
        for peer in peers:
            gc.collect()
            start = time.perf_counter()
            PEERS[peer](routes)
            builds[peer].seconds.append(time.perf_counter() - start)
    for peer in peers:
        builds[peer].bytes_per_route = _bytes_per_route(PEERS[peer], routes)
    return builds


def _bytes_per_route(factory: AppFactory, count: int) -> float:
    """Memory held by an idle application, per route, over the same app with none."""
    held = []
    for routes in (0, count):
        gc.collect()
        tracemalloc.start()
        try:
            app = factory(routes)
            gc.collect()
            held.append(tracemalloc.get_traced_memory()[0])
        finally:
            tracemalloc.stop()
        del app
    return (held[1] - held[0]) / count


@dataclass
class Results:
    """Everything the in-process run measured."""

    peers: list[str]
    cases: dict[tuple[str, str], Case]  # by (scenario name, peer)
    builds: dict[str, Build]
    rounds: int


async def _run(
    peers: Sequence[str],
    scenarios: Sequence[Scenario],
    rounds: int,
    batch_seconds: float,
    with_builds: bool,
    progress: Callable[[str], None],
) -> Results:
    keys = sorted({s.app_key for s in scenarios})
    progress(f"building {len(peers)} peers x {len(keys)} applications")
    apps = build_apps(peers, keys)
    builds = measure_builds(peers, BUILD_ROUTES) if with_builds else {}
    cases: dict[tuple[str, str], Case] = {}
    for scenario in scenarios:
        for peer in peers:
            case = new_case(peer, scenario, apps[(peer, scenario.app_key)])
            await check(case)
            cases[(scenario.name, peer)] = case
    progress(f"checked {len(cases)} responses; calibrating")
    for case in cases.values():
        await calibrate(case, batch_seconds)
    for round_ in range(rounds):
        progress(f"round {round_ + 1} of {rounds}")
        for scenario in scenarios:
            shift = round_ % len(peers)
            for peer in [*peers[shift:], *peers[:shift]]:
                case = cases[(scenario.name, peer)]
                gc.collect()
                case.seconds.append(await case.batch(case.number))
    for case in cases.values():
        await check(case)  # still right after all those calls
    return Results(list(peers), cases, builds, rounds)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop when installed, as under the server driver; asyncio's otherwise."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run_in_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to the end in a new loop of :func:`new_event_loop`."""
    loop = new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def run(
    peers: Sequence[str],
    scenarios: Sequence[Scenario],
    *,
    rounds: int = 7,
    batch_seconds: float = 0.05,
    with_builds: bool = True,
    progress: Callable[[str], None] = lambda line: None,
) -> Results:
    """Check, then time, every scenario on every peer; see the module docstring.

    ``with_builds``: also time building each application with :data:`BUILD_ROUTES`
    routes, and measure its memory per route.
    """
    return run_in_loop(_run(peers, scenarios, rounds, batch_seconds, with_builds, progress))
