"""Response headers that would break the response: CR, LF or NUL in a name or value.

Refused before the response starts, as the handler's mistake it is: a logged 500
naming the header, never handed to the server.
"""

from __future__ import annotations

import logging
import urllib.error
from typing import NamedTuple

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


def _answering(headers: Headers) -> Application:
    """An application answering GET / with ``headers`` and no body."""

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, headers, None

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    return app


@pytest.mark.parametrize("headers", BAD_HEADERS)
async def test_a_returned_header_with_cr_lf_or_nul_is_a_logged_500(
    headers: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    app = _answering(headers)
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


async def test_headers_found_safe_once_do_not_excuse_an_unsafe_one_beside_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Safe pairs are remembered, so a response of only those is passed at once: the
    # pair that is not remembered is still searched, on every response.
    safe = (b"content-type", b"text/plain")
    unsafe = (b"x-note", b"a\r\nset-cookie: stolen=1")

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [safe] if scope["path"] == "/safe" else [safe, unsafe], None

    app = Application()
    app.http_router.add({"GET"}, "/safe", handler)
    app.http_router.add({"GET"}, "/unsafe", handler)
    for _ in range(3):
        assert (await call(app, http_scope("GET", "/safe"))).status == 200
        exchange = await call(app, http_scope("GET", "/unsafe"))
        assert exchange.status == 500
    assert len(errors(caplog)) == 3


def test_the_safe_headers_remembered_are_bounded_whatever_the_handlers_make() -> None:
    from bareasgi import http

    http.check_headers([(b"x-long", b"v" * 100_000)])
    assert (b"x-long", b"v" * 100_000) not in http.CHECKED_HEADERS  # long pairs are not kept
    for index in range(3 * http._CHECKED_MAX):
        http.check_headers([(b"x-request-id", str(index).encode())])
        assert len(http.CHECKED_HEADERS) <= http._CHECKED_MAX


class _Header(NamedTuple):
    name: bytes
    value: bytes


async def test_a_namedtuple_header_is_a_pair_like_any_other_whatever_was_sent_before(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A NamedTuple of two bytes is a (bytes, bytes) pair to a type checker, so it is
    # sent; the remembered pair it equals changes nothing, and an unsafe value in one
    # is refused every time, as in a plain tuple.
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        if scope["path"] == "/plain":
            return 200, [(b"content-type", b"text/plain")], None
        if scope["path"] == "/unsafe":
            return 200, [_Header(b"x-note", b"a\r\nset-cookie: stolen=1")], None
        return 200, [_Header(b"content-type", b"text/plain")], None

    app = Application()
    for path in ["/plain", "/named", "/unsafe"]:
        app.http_router.add({"GET"}, path, handler)
    paths = ["/named", "/plain", "/named", "/unsafe", "/unsafe"]
    exchanges = [await call(app, http_scope("GET", path)) for path in paths]
    assert [exchange.status for exchange in exchanges] == [200, 200, 200, 500, 500]
    assert exchanges[0].headers[b"content-type"] == b"text/plain"
    assert len(errors(caplog)) == 2


def test_a_pair_found_safe_is_remembered_as_plain_bytes_whatever_type_it_came_as() -> None:
    from bareasgi import http

    http.check_headers([_Header(b"x-remembered", b"named")])
    [kept] = [pair for pair in http.CHECKED_HEADERS if pair == (b"x-remembered", b"named")]
    assert type(kept) is tuple and all(type(part) is bytes for part in kept)


@pytest.mark.parametrize(
    "headers",
    [
        [(b"content-type", bytearray(b"text/plain"))],  # a pair that cannot be hashed
        [[b"content-type", b"text/plain"]],  # a list, not a tuple
    ],
)
async def test_a_header_that_is_not_a_pair_of_bytes_is_a_logged_500_naming_it(
    headers: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    app = _answering(headers)
    for _ in range(2):  # refused every time, whatever was sent before
        caplog.clear()
        exchange = await call(app, http_scope("GET", "/"))
        assert exchange.status == 500
        [record] = errors(caplog)
        assert record.exc_info is not None and "(bytes, bytes) pair" in str(record.exc_info[1])


async def test_headers_given_as_a_generator_are_all_checked_and_sent() -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        pairs = [(b"content-type", b"text/plain"), (b"x-unsafe", b"a\r\nb")]
        if scope["path"] == "/safe":
            pairs.pop()
        return 200, (pair for pair in pairs), None  # type: ignore[return-value]  # an iterator, as untyped code may give

    app = Application()
    app.http_router.add({"GET"}, "/safe", handler)
    app.http_router.add({"GET"}, "/unsafe", handler)
    exchange = await call(app, http_scope("GET", "/safe"))
    assert exchange.status == 200 and exchange.headers[b"content-type"] == b"text/plain"
    assert (await call(app, http_scope("GET", "/unsafe"))).status == 500


async def test_a_push_whose_headers_would_break_the_response_is_a_logged_500_before_it_starts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [(b"content-type", b"text/plain")], None, [("/style.css", [(b"x-note", b"a\r\nb")])]

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope("GET", "/", extensions={"http.response.push": {}}))
    assert_refused(exchange.sent, caplog, b"x-note")
