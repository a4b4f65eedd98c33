"""A registered converter with a bug: it raises something other than ``ValueError``.

A ``ValueError`` means "this segment is not of the type", and the route does not
match. Anything else is a fault of the application's own code, met while resolving
the route: like a handler's, it is a logged 500 (HTTP) or a refused connection
(WebSocket), and never raised to the server.
"""

from __future__ import annotations

import logging
from typing import Annotated

import pytest
from pydantic import BeforeValidator

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches
from bareasgi import WebSocket, WebSocketScope
from bareasgi.types import Message

from ..unit.peer import call, http_scope, websocket_scope

pytestmark = pytest.mark.anyio

CODES = {"one": 1}


def lookup(segment: str) -> int:
    return CODES[segment]  # a KeyError for any other segment: the bug


Code = Annotated[int, BeforeValidator(lookup)]


async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def ws_handler(
    scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
) -> None:
    await web_socket.accept()


def make_app() -> Application:
    app = Application(converters={"code": Code})
    app.http_router.add({"GET"}, "/code/<value:code>", handler)
    app.ws_router.add("/code/<value:code>", ws_handler)
    return app


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]


async def test_a_converter_that_fails_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    app = make_app()
    assert (await call(app, http_scope("GET", "/code/one"))).status == 204
    exchange = await call(app, http_scope("GET", "/code/two"))
    assert (exchange.status, exchange.body) == (500, b"Internal Server Error")
    [record] = errors(caplog)
    assert "GET /code/two" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], KeyError)


async def test_a_converter_that_fails_refuses_the_websocket(
    caplog: pytest.LogCaptureFixture,
) -> None:
    connect: list[Message] = [{"type": "websocket.connect"}]
    exchange = await call(make_app(), websocket_scope("/code/two"), connect)
    assert [m["type"] for m in exchange.sent] == ["websocket.close"]
    [record] = errors(caplog)
    assert "/code/two" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], KeyError)
