"""Response headers that would break the response: CR, LF or NUL in a name or value.

Refused before the response starts, as the handler's mistake it is: a logged 500
naming the header, never handed to the server.
"""

from __future__ import annotations

import logging
import urllib.error

import pytest

from bareasgi import Application, Content, Headers, HttpError, HttpResponse, HttpScope, Info, RouteMatches
from bareasgi.types import Message

from ..unit.peer import call, http_scope

pytestmark = pytest.mark.anyio

BAD_HEADERS: list[Headers] = [
    [(b"x-note", b"one\r\nset-cookie: stolen=1")],
    [(b"x-note", b"line\nbreak")],
    [(b"x-note", b"nul\0byte")],
    [(b"x-no\rte", b"fine")],
    [(b"content-type", b"text/plain"), (b"x-\0", b"fine")],
]


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]


def assert_refused(sent: list[Message], caplog: pytest.LogCaptureFixture, name: bytes) -> None:
    [start, body] = sent
    assert start["status"] == 500
    assert all(header[0] != name for header in start["headers"])
    assert body["body"] == b"Internal Server Error"
    [record] = errors(caplog)
    assert record.exc_info is not None and repr(name[:100]) in str(record.exc_info[1])


@pytest.mark.parametrize("headers", BAD_HEADERS)
async def test_a_returned_header_with_cr_lf_or_nul_is_a_logged_500(
    headers: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, headers, None

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope("GET", "/"))
    assert_refused(exchange.sent, caplog, headers[-1][0])


@pytest.mark.parametrize("headers", BAD_HEADERS)
async def test_an_http_error_with_such_a_header_is_a_logged_500(
    headers: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise HttpError(403, "Forbidden", headers)

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope("GET", "/"))
    assert_refused(exchange.sent, caplog, headers[-1][0])


async def test_a_legacy_http_error_with_such_a_header_is_a_logged_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise urllib.error.HTTPError("/", 403, "Forbidden", {"X-Note": "a\r\nb"}, None)  # type: ignore[arg-type]  # a plain dict, as older code passes

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope("GET", "/"))
    assert_refused(exchange.sent, caplog, b"x-note")


def test_a_not_found_response_with_such_a_header_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="not_found_response.*x-note"):
        Application(not_found_response=(404, [(b"x-note", b"a\r\nb")]))


@pytest.mark.parametrize("header", [("x-note", "text"), (b"x-note", "text"), (b"x-note", 42)])
async def test_a_header_of_text_rather_than_bytes_is_a_logged_500_naming_it(
    header: object, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [header], None  # type: ignore[return-value]  # the mistake under test

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope("GET", "/"))
    assert exchange.status == 500
    [record] = errors(caplog)
    assert record.exc_info is not None and "(bytes, bytes) pair" in str(record.exc_info[1])
