"""The WebSocket fault matrix: clients that leave, sends that fail, handlers that raise.

As for HTTP, whatever happens: the application returns or lets the server's
cancellation through; its messages keep the ASGI order (at most one accept, before
any send; at most one close, and nothing after it; after a send that raised, only
the close); no
task is left running; an error is logged exactly when a handler or the server failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
import pytest

from bareasgi import Application, Info, RouteMatches, WebSocket, WebSocketScope
from bareasgi.types import Message, WebSocketRequestCallback

from ..unit.peer import Exchange, call, websocket_scope

pytestmark = pytest.mark.anyio

Handler = Callable[[anyio.Event], WebSocketRequestCallback]

CONNECT: Message = {"type": "websocket.connect"}
DISCONNECT: Message = {"type": "websocket.disconnect", "code": 1001}


def text(value: str) -> Message:
    return {"type": "websocket.receive", "text": value}


def echoes(waiting: anyio.Event) -> WebSocketRequestCallback:
    async def handler(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        await web_socket.accept()
        waiting.set()
        while (message := await web_socket.receive()) is not None:
            await web_socket.send(message)
        await web_socket.close()

    return handler


def only_sends(waiting: anyio.Event) -> WebSocketRequestCallback:
    async def handler(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        await web_socket.accept()
        while True:
            await web_socket.send("tick")
            await anyio.sleep(0.001)

    return handler


def raises_before_accepting(waiting: anyio.Event) -> WebSocketRequestCallback:
    async def handler(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        raise RuntimeError("the handler failed: secret detail")

    return handler


def raises_after_accepting(waiting: anyio.Event) -> WebSocketRequestCallback:
    async def handler(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        await web_socket.accept()
        await web_socket.send("hello")
        raise RuntimeError("the handler failed: secret detail")

    return handler


def returns_without_closing(waiting: anyio.Event) -> WebSocketRequestCallback:
    async def handler(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        await web_socket.accept()
        await web_socket.send("bye")

    return handler


def waits(waiting: anyio.Event) -> WebSocketRequestCallback:
    async def handler(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        await web_socket.accept()
        waiting.set()
        await anyio.sleep_forever()

    return handler


@dataclass(frozen=True)
class Case:
    handler: Handler
    inputs: list[Message] = field(default_factory=lambda: [CONNECT])
    leave_after: int | None = None
    send_fails_after: int | None = None
    send_error: type[Exception] = OSError
    cancel: bool = False
    # Expected: the message types sent (those send accepted), and errors logged.
    sent: list[str] = field(default_factory=list)
    close_code: int | None = None
    errors: int = 0


ACCEPT, SEND, CLOSE = "websocket.accept", "websocket.send", "websocket.close"

ROWS: dict[str, Case] = {
    "leaves-before-the-handshake": Case(echoes, [DISCONNECT]),
    "leaves-after-accept": Case(echoes, [CONNECT, DISCONNECT], sent=[ACCEPT]),
    "leaves-mid-echo": Case(
        echoes, [CONNECT, text("a"), text("b"), DISCONNECT], sent=[ACCEPT, SEND, SEND]
    ),
    "leaves-while-the-handler-only-sends": Case(
        only_sends, [CONNECT, DISCONNECT], send_fails_after=3, sent=[ACCEPT, SEND, SEND]
    ),
    "send-fails-at-accept": Case(echoes, send_fails_after=0),
    "send-fails-mid-echo": Case(
        echoes, [CONNECT, text("a"), text("b")], send_fails_after=2, sent=[ACCEPT, SEND]
    ),
    # The server refuses the send and then the close: both logged, neither raised to it.
    "server-refuses-a-send": Case(
        echoes,
        [CONNECT, text("a")],
        send_fails_after=1,
        send_error=RuntimeError,
        sent=[ACCEPT],
        errors=2,
    ),
    "odd-message-is-skipped": Case(
        echoes, [CONNECT, {"type": "http.request"}, text("a"), DISCONNECT], sent=[ACCEPT, SEND]
    ),
    "handler-raises-before-accepting": Case(
        raises_before_accepting, sent=[CLOSE], close_code=1000, errors=1
    ),
    "handler-raises-after-accepting": Case(
        raises_after_accepting, sent=[ACCEPT, SEND, CLOSE], close_code=1011, errors=1
    ),
    "handler-returns-without-closing": Case(
        returns_without_closing, sent=[ACCEPT, SEND, CLOSE], close_code=1000
    ),
    "cancelled-while-the-handler-receives": Case(echoes, cancel=True, sent=[ACCEPT]),
    "cancelled-while-the-handler-waits": Case(waits, cancel=True, sent=[ACCEPT]),
}


def assert_websocket_order(exchange: Exchange) -> None:
    kinds = [m["type"] for m in exchange.attempted]
    assert kinds.count(ACCEPT) <= 1 and kinds.count(CLOSE) <= 1, kinds
    if ACCEPT in kinds:
        assert kinds.index(ACCEPT) == 0, kinds
    else:
        assert SEND not in kinds, kinds
    if CLOSE in kinds:
        assert kinds.index(CLOSE) == len(kinds) - 1, kinds
    failed = len(exchange.sent)  # the first send that raised, if any did
    assert kinds[failed + 1 :] in ([], [CLOSE]), f"sent after send raised: {kinds}"


@pytest.mark.parametrize("case", list(ROWS.values()), ids=list(ROWS))
async def test_fault(case: Case, caplog: pytest.LogCaptureFixture) -> None:
    waiting = anyio.Event()
    app = Application()
    app.ws_router.add("/", case.handler(waiting))
    exchange = await call(
        app,
        websocket_scope("/"),
        case.inputs,
        disconnect_after_sends=case.leave_after,
        send_error_after=case.send_fails_after,
        send_error=case.send_error,
        cancel_on=waiting if case.cancel else None,
    )
    assert_websocket_order(exchange)
    assert exchange.outcome == ("cancelled" if case.cancel else "returned")
    assert [m["type"] for m in exchange.sent] == case.sent
    if case.close_code is not None:
        assert exchange.sent[-1]["code"] == case.close_code
    assert exchange.tasks_left == set()
    errors = [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]
    assert len(errors) == case.errors, [r.getMessage() for r in errors]
