"""WebSocket connections driven in-process."""

from __future__ import annotations

import logging

import pytest

from bareasgi import Application, ClientDisconnect, Info, RouteMatches, WebSocket, WebSocketScope
from bareasgi.types import Message

from .peer import call, websocket_scope

pytestmark = pytest.mark.anyio

CONNECT: Message = {"type": "websocket.connect"}


async def echo(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.accept(subprotocol="chat", headers=[(b"x-room", str(matches["room"]).encode())])
    while (message := await web_socket.receive()) is not None:
        await web_socket.send(message)
    await web_socket.close()


def echo_app() -> Application:
    app = Application()
    app.ws_router.add("/chat/<room:int>", echo)
    return app


async def test_text_and_bytes_frames_are_echoed_until_the_client_leaves() -> None:
    inputs: list[Message] = [
        CONNECT,
        {"type": "websocket.receive", "text": "hello"},
        {"type": "websocket.receive", "bytes": b"\x00\x01"},
        {"type": "websocket.disconnect", "code": 1000},
    ]
    exchange = await call(echo_app(), websocket_scope("/chat/7", ["chat"]), inputs)
    assert exchange.sent == [
        {"type": "websocket.accept", "subprotocol": "chat", "headers": [(b"x-room", b"7")]},
        {"type": "websocket.send", "text": "hello"},
        {"type": "websocket.send", "bytes": b"\x00\x01"},
    ]


async def test_no_route_closes_before_accepting() -> None:
    exchange = await call(echo_app(), websocket_scope("/nowhere"), [CONNECT])
    assert [m["type"] for m in exchange.sent] == ["websocket.close"]


async def test_a_handler_failing_after_accept_closes_with_1011_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        raise RuntimeError("bug")

    app = Application()
    app.ws_router.add("/", broken)
    exchange = await call(app, websocket_scope("/"), [CONNECT])
    assert exchange.sent[-1]["type"] == "websocket.close" and exchange.sent[-1]["code"] == 1011
    assert [r.levelno for r in caplog.records if r.name == "bareasgi"] == [logging.ERROR]


async def test_send_after_the_client_left_raises_and_close_is_harmless(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outcome: list[str] = []

    async def handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        assert await web_socket.receive() is None
        assert await web_socket.receive() is None
        await web_socket.close()
        try:
            await web_socket.send("anyone?")
        except ClientDisconnect:
            outcome.append("disconnect")

    app = Application()
    app.ws_router.add("/", handler)
    inputs: list[Message] = [CONNECT, {"type": "websocket.disconnect", "code": 1001}]
    exchange = await call(app, websocket_scope("/"), inputs)
    assert [m["type"] for m in exchange.sent] == ["websocket.accept"]
    assert outcome == ["disconnect"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_handler_returning_without_closing_is_closed_for_it() -> None:
    async def handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        await web_socket.send("bye")

    app = Application()
    app.ws_router.add("/", handler)
    exchange = await call(app, websocket_scope("/"), [CONNECT])
    assert exchange.sent[-1] == {"type": "websocket.close", "code": 1000, "reason": ""}
