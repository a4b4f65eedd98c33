"""A client leaving while a handler works inside an anyio task group.

The group wraps the ``ClientDisconnect`` in an exception group; a group of nothing but
disconnects is still just a client leaving: nothing logged, nothing more sent. A group
holding a real failure is a failure like any other.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import anyio
import pytest

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    bytes_reader,
    text_response,
)
from bareasgi.types import Message

from ..unit.peer import call, http_scope, websocket_scope

pytestmark = pytest.mark.anyio

PART: Message = {"type": "http.request", "body": b"part", "more_body": True}
LEFT: Message = {"type": "http.disconnect"}


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]


async def test_a_body_read_in_a_task_group_when_the_client_leaves_is_not_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(bytes_reader, content)
        return 200

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    exchange = await call(app, http_scope("POST", "/"), [PART, LEFT])
    assert exchange.sent == []
    assert errors(caplog) == []


async def test_a_streamed_body_reading_in_a_task_group_ends_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def echo(content: Content) -> AsyncIterator[bytes]:
        received: list[bytes] = []

        async def read() -> None:
            async for chunk in content:
                received.append(chunk)

        yield b"start"
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(read)
        yield b"".join(received)

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], echo(content)

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    exchange = await call(app, http_scope("POST", "/"), [PART, LEFT])
    assert [m.get("body") for m in exchange.sent[1:]] == [b"start"]
    assert errors(caplog) == []


async def test_a_group_with_a_real_failure_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    async def fail() -> None:
        raise LookupError("a real fault")

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(bytes_reader, content)
            task_group.start_soon(fail)
        return text_response(200, None, "unreachable")

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    exchange = await call(app, http_scope("POST", "/"), [PART, LEFT])
    assert exchange.status == 500
    assert len(errors(caplog)) == 1


async def test_a_websocket_sending_in_a_task_group_after_the_client_left_closes_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()

        async def talk() -> None:
            while True:
                await web_socket.send("tick")
                await anyio.sleep(0)

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(talk)
            assert await web_socket.receive() is None  # the client has gone

    app = Application()
    app.ws_router.add("/", handler)
    inputs: list[Message] = [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1001}]
    exchange = await call(app, websocket_scope("/"), inputs)
    assert [m for m in exchange.sent if m["type"] == "websocket.close" and m.get("code") == 1011] == []
    assert errors(caplog) == []
