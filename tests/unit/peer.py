"""A scripted ASGI server: feeds the application input and records what it sends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from bareasgi.types import HttpScope, Message, WebSocketScope

AsgiApp = Callable[[Any, Any, Any], Awaitable[None]]


def http_scope(
    method: str = "GET",
    path: str = "/",
    *,
    query_string: bytes = b"",
    headers: Sequence[tuple[bytes, bytes]] = (),
    extensions: dict[str, dict[object, object]] | None = None,
) -> HttpScope:
    """An HTTP scope as a server on ASGI spec 2.3 would give it."""
    scope: HttpScope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string,
        "root_path": "",
        "headers": list(headers),
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    if extensions is not None:
        scope["extensions"] = extensions
    return scope


def websocket_scope(path: str = "/", subprotocols: Sequence[str] = ()) -> WebSocketScope:
    """A WebSocket scope."""
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "path": path,
        "headers": [],
        "subprotocols": list(subprotocols),
    }


def request_messages(body: bytes, split: str = "whole") -> list[Message]:
    """The ``http.request`` messages carrying ``body``.

    ``whole``: one message. ``bytes``: one byte per message. ``trailing``: the whole
    body, then an empty final message.
    """
    if split == "whole":
        return [{"type": "http.request", "body": body, "more_body": False}]
    if split == "bytes":
        messages: list[Message] = [
            {"type": "http.request", "body": body[i : i + 1], "more_body": True}
            for i in range(len(body))
        ]
        return [*messages, {"type": "http.request", "body": b"", "more_body": False}]
    assert split == "trailing"
    return [
        {"type": "http.request", "body": body, "more_body": True},
        {"type": "http.request", "body": b"", "more_body": False},
    ]


@dataclass
class Exchange:
    """What the application sent during one call, and how the call ended.

    ``sent``: the messages ``send`` accepted; ``attempted``: every message given to
    ``send``, including one it raised for. ``outcome``: ``returned``, or ``cancelled``
    when the server cancelled the call (see ``cancel_on``) and the application let the
    cancellation through. ``tasks_left``: tasks running after the call that were not
    before it (see :func:`running_tasks`).
    """

    sent: list[Message] = field(default_factory=list)
    received: int = 0
    attempted: list[Message] = field(default_factory=list)
    outcome: str = "running"
    tasks_left: set[int] = field(default_factory=set)

    @property
    def start(self) -> Message:
        """The one ``http.response.start`` message."""
        starts = [m for m in self.sent if m["type"] == "http.response.start"]
        assert len(starts) == 1, f"expected one response start, got {self.sent!r}"
        return starts[0]

    @property
    def status(self) -> int:
        status: int = self.start["status"]
        return status

    @property
    def headers(self) -> dict[bytes, bytes]:
        return {name: value for name, value in self.start["headers"]}

    @property
    def body(self) -> bytes:
        """The body; asserts the response was completed with ``more_body=False``."""
        bodies = [m for m in self.sent if m["type"] == "http.response.body"]
        assert bodies and not bodies[-1].get("more_body", False), f"incomplete: {self.sent!r}"
        return b"".join(m.get("body", b"") for m in bodies)

    @property
    def completed(self) -> bool:
        return any(
            m["type"] == "http.response.body" and not m.get("more_body", False) for m in self.sent
        )

    @property
    def started(self) -> bool:
        """Whether an ``http.response.start`` was sent."""
        return any(m["type"] == "http.response.start" for m in self.sent)

    def assert_http_order(self) -> None:
        """Assert the sends followed the ASGI HTTP order, whatever the outcome.

        At most one ``http.response.start``, first; body messages only after it;
        nothing after the final body message; nothing after a ``send`` that raised.
        """
        kinds = [m["type"] for m in self.attempted]
        assert kinds.count("http.response.start") <= 1, f"two response starts: {kinds}"
        if kinds:
            assert kinds[0] == "http.response.start", f"a body before the start: {kinds}"
        finals = [
            i
            for i, m in enumerate(self.attempted)
            if m["type"] == "http.response.body" and not m.get("more_body", False)
        ]
        assert not finals or finals[0] == len(kinds) - 1, f"sent after the end: {kinds}"
        assert len(self.attempted) - len(self.sent) <= 1, f"sent after send raised: {kinds}"


async def call(
    app: AsgiApp,
    scope: HttpScope | WebSocketScope | dict[str, Any],
    inputs: Sequence[Message] = (),
    *,
    disconnect_after_sends: int | None = None,
    send_error_after: int | None = None,
    send_error: type[Exception] = OSError,
    on_send: Callable[[Message], Awaitable[None]] | None = None,
    cancel_on: anyio.Event | None = None,
) -> Exchange:
    """Run ``app`` once, as a server would.

    ``receive`` gives ``inputs`` in order; after them it waits until the response is
    complete (or the client "leaves") and then reports a disconnect, as real servers
    do. ``disconnect_after_sends``: the client leaves once that many messages were
    sent. ``send_error_after``: ``send`` raises ``send_error`` (by default ``OSError``,
    the ASGI spec 2.4 behaviour after a disconnect) from that message on.
    ``cancel_on``: the server cancels the call once this event is set, as servers do
    on shutdown.
    """
    exchange = Exchange()
    pending = list(inputs)
    gone = anyio.Event()

    async def receive() -> Message:
        exchange.received += 1
        if pending:
            return pending.pop(0)
        await gone.wait()
        if scope["type"] == "websocket":
            return {"type": "websocket.disconnect", "code": 1000}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        exchange.attempted.append(message)
        if send_error_after is not None and len(exchange.sent) >= send_error_after:
            raise send_error("connection lost")
        exchange.sent.append(message)
        if on_send is not None:
            await on_send(message)
        finished = message["type"] == "http.response.body" and not message.get("more_body", False)
        left = disconnect_after_sends is not None and len(exchange.sent) >= disconnect_after_sends
        if finished or left or message["type"] == "websocket.close":
            gone.set()
        await anyio.lowlevel.checkpoint()

    async def run() -> None:
        try:
            await app(scope, receive, send)
        except anyio.get_cancelled_exc_class():
            exchange.outcome = "cancelled"
            raise
        exchange.outcome = "returned"

    before = running_tasks()
    with anyio.fail_after(5):
        if cancel_on is None:
            await run()
        else:
            async with anyio.create_task_group() as task_group:
                task_group.start_soon(_cancel_when_set, cancel_on, task_group.cancel_scope)
                await run()
                task_group.cancel_scope.cancel()
    for _ in range(3):  # let anything the call left behind get scheduled
        await anyio.lowlevel.checkpoint()
    exchange.tasks_left = running_tasks() - before
    return exchange


async def _cancel_when_set(event: anyio.Event, scope: anyio.CancelScope) -> None:
    await event.wait()
    scope.cancel()


def running_tasks() -> set[int]:
    """The ids of every task of the event loop, on asyncio and on trio alike."""
    return {task.id for task in anyio.get_running_tasks()}
