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
    """What the application sent during one call."""

    sent: list[Message] = field(default_factory=list)
    received: int = 0

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


async def call(
    app: AsgiApp,
    scope: HttpScope | WebSocketScope | dict[str, Any],
    inputs: Sequence[Message] = (),
    *,
    disconnect_after_sends: int | None = None,
    send_error_after: int | None = None,
    on_send: Callable[[Message], Awaitable[None]] | None = None,
) -> Exchange:
    """Run ``app`` once, as a server would.

    ``receive`` gives ``inputs`` in order; after them it waits until the response is
    complete (or the client "leaves") and then reports a disconnect, as real servers
    do. ``disconnect_after_sends``: the client leaves once that many messages were
    sent. ``send_error_after``: ``send`` raises ``OSError`` from that message on (ASGI
    spec 2.4 behaviour after a disconnect).
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
        if send_error_after is not None and len(exchange.sent) >= send_error_after:
            raise OSError("connection lost")
        exchange.sent.append(message)
        if on_send is not None:
            await on_send(message)
        finished = message["type"] == "http.response.body" and not message.get("more_body", False)
        left = disconnect_after_sends is not None and len(exchange.sent) >= disconnect_after_sends
        if finished or left or message["type"] == "websocket.close":
            gone.set()
        await anyio.lowlevel.checkpoint()

    with anyio.fail_after(5):
        await app(scope, receive, send)
    return exchange
