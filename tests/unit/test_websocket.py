"""WebSocket connections driven in-process."""

from __future__ import annotations

import logging

import pytest

from bareasgi import (
    Application,
    ClientDisconnect,
    Info,
    RouteMatches,
    WebSocket,
    WebSocketRequestCallback,
    WebSocketScope,
)
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


def recording(codes: list[int | None], then: str) -> WebSocketRequestCallback[Info, RouteMatches]:
    """A handler that notes ``web_socket.code`` before and after the connection ends.

    ``then``: ``receive`` (until the client goes), ``close`` (with 4000), ``raise``.
    """

    async def handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        codes.append(web_socket.code)
        await web_socket.accept()
        try:
            if then == "receive":
                while await web_socket.receive() is not None:
                    codes.append(web_socket.code)
            elif then == "close":
                await web_socket.close(4000, "done")
            else:
                raise RuntimeError("bug")
        finally:
            codes.append(web_socket.code)

    return handler


@pytest.mark.parametrize(
    ("then", "disconnect", "expected"),
    [
        ("receive", {"type": "websocket.disconnect", "code": 4001}, 4001),
        ("receive", {"type": "websocket.disconnect"}, 1005),
        ("close", None, 4000),
    ],
    ids=["client-code", "client-no-code", "server-close"],
)
async def test_code_is_the_close_code_once_closed(
    then: str, disconnect: Message | None, expected: int
) -> None:
    codes: list[int | None] = []
    app = Application()
    app.ws_router.add("/", recording(codes, then))
    inputs: list[Message] = [CONNECT, {"type": "websocket.receive", "text": "hi"}]
    await call(app, websocket_scope("/"), inputs + ([disconnect] if disconnect else []))
    assert codes[0] is None  # open: no code yet
    assert codes[-1] == expected
    if then == "receive":
        assert codes[1] is None  # still open after the first message


async def test_code_after_a_handler_failed_is_the_1011_sent(caplog: pytest.LogCaptureFixture) -> None:
    sockets: list[WebSocket] = []

    async def broken(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        sockets.append(web_socket)
        await web_socket.accept()
        raise RuntimeError("bug")

    app = Application()
    app.ws_router.add("/", broken)
    await call(app, websocket_scope("/"), [CONNECT])
    assert sockets[0].code == 1011


async def test_code_when_the_connection_dropped_is_1006() -> None:
    codes: list[int | None] = []

    async def handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        try:
            await web_socket.send("anyone?")
        finally:
            codes.append(web_socket.code)

    app = Application()
    app.ws_router.add("/", handler)
    await call(app, websocket_scope("/"), [CONNECT], send_error_after=1)  # send raises after accept
    assert codes == [1006]


@pytest.mark.parametrize(
    "content", [42, {"a": 1}, None, 3.5], ids=["int", "dict", "none", "float"]
)
async def test_send_refuses_what_is_neither_bytes_nor_str(content: object) -> None:
    refused: list[TypeError] = []

    async def handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        try:
            await web_socket.send(content)  # type: ignore[arg-type]  # the mistake under test
        except TypeError as error:
            refused.append(error)

    app = Application()
    app.ws_router.add("/", handler)
    exchange = await call(app, websocket_scope("/"), [CONNECT])
    [error] = refused
    assert f"not {type(content).__name__} {content!r}" in str(error)
    assert [m["type"] for m in exchange.sent] == ["websocket.accept", "websocket.close"]  # nothing sent


async def test_send_takes_any_bytes_like_as_binary() -> None:
    async def handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        await web_socket.send(bytearray(b"ab"))  # type: ignore[arg-type]  # accepted, though not in the contract
        await web_socket.send(memoryview(b"cd"))  # type: ignore[arg-type]  # likewise

    app = Application()
    app.ws_router.add("/", handler)
    exchange = await call(app, websocket_scope("/"), [CONNECT])
    assert [m.get("bytes") for m in exchange.sent[1:3]] == [b"ab", b"cd"]
