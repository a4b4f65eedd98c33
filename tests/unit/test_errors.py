"""Failures while serving HTTP: HttpError, urllib's HTTPError, anything else, and after the start."""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import AsyncIterator, Callable
from email.message import Message as EmailMessage

import pytest

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    text_writer,
)

from .peer import call, http_scope

pytestmark = pytest.mark.anyio


def app_raising(error: Exception) -> Application:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise error

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    return app


def bareasgi_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]


async def test_http_error_becomes_its_response(caplog: pytest.LogCaptureFixture) -> None:
    app = app_raising(HttpError(418, "I'm a teapot", [(b"x-brew", b"earl grey")]))
    exchange = await call(app, http_scope())
    assert exchange.status == 418
    assert exchange.body == b"I'm a teapot"
    assert exchange.headers[b"x-brew"] == b"earl grey"
    assert exchange.headers[b"content-type"] == b"text/plain; charset=utf-8"
    assert exchange.headers[b"content-length"] == b"12"
    assert bareasgi_errors(caplog) == []


async def test_http_error_without_body_and_with_its_own_content_type() -> None:
    exchange = await call(app_raising(HttpError(401)), http_scope())
    assert (exchange.status, exchange.body) == (401, b"")
    json_error = HttpError(400, b'{"error": "bad"}', [(b"content-type", b"application/json")])
    exchange = await call(app_raising(json_error), http_scope())
    assert exchange.headers[b"content-type"] == b"application/json"
    assert exchange.body == b'{"error": "bad"}'


@pytest.mark.parametrize("status", [99, 600, "404"], ids=["low", "high", "str"])
def test_http_error_refuses_a_status_that_is_not_one(status: object) -> None:
    with pytest.raises(ValueError, match="status"):
        HttpError(status)  # type: ignore[arg-type]  # the mistake under test


async def test_urllib_http_error_becomes_its_response() -> None:
    headers = EmailMessage()
    headers["X-Reason"] = "moved"
    error = urllib.error.HTTPError("http://example.invalid/", 410, "Gone for good", headers, None)
    exchange = await call(app_raising(error), http_scope())
    assert exchange.status == 410
    assert exchange.body == b"Gone for good"
    assert exchange.headers[b"x-reason"] == b"moved"


async def test_any_other_exception_is_a_short_500_logged_with_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = app_raising(RuntimeError("database password is hunter2"))
    exchange = await call(app, http_scope("GET", "/"))
    assert exchange.status == 500
    assert exchange.body == b"Internal Server Error"
    assert b"hunter2" not in exchange.body and b"Traceback" not in exchange.body
    [record] = bareasgi_errors(caplog)
    assert "GET /" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    # The application keeps serving.
    assert (await call(app, http_scope("GET", "/"))).status == 500


async def test_a_handler_returning_nonsense_is_a_500(caplog: pytest.LogCaptureFixture) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return "200 OK"  # type: ignore[return-value]  # the mistake under test

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope())
    assert exchange.status == 500
    [record] = bareasgi_errors(caplog)
    assert record.exc_info is not None and "'200 OK'" in str(record.exc_info[1])


async def test_a_body_failing_after_the_start_ends_the_response_without_a_second_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed: list[bool] = []

    async def chunks() -> AsyncIterator[bytes]:
        try:
            yield b"first"
            raise RuntimeError("disk on fire")
        finally:
            closed.append(True)

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], chunks()

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope())
    assert exchange.status == 200  # exactly one start
    assert not exchange.completed  # the client can tell the body was cut short
    assert [m.get("body") for m in exchange.sent[1:]] == [b"first"]
    assert closed == [True]
    [record] = bareasgi_errors(caplog)
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


async def test_a_server_refusing_the_headers_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    async def refuse(message: object) -> None:
        raise RuntimeError("invalid header value")

    app = Application()

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [(b"x", b"one the server refuses")]

    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope(), on_send=refuse)
    assert len(exchange.sent) == 1
    assert len(bareasgi_errors(caplog)) == 1


async def test_a_body_that_is_not_an_async_iterable_is_a_clean_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], b"raw bytes"  # type: ignore[return-value]  # the mistake under test

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope())
    assert (exchange.status, exchange.body) == (500, b"Internal Server Error")
    [record] = bareasgi_errors(caplog)
    assert record.exc_info is not None and "bytes_writer" in str(record.exc_info[1])


@pytest.mark.parametrize(
    "body",
    [{"token": "expired"}, 42, ["a", "b"], bytearray(b"raw")],
    ids=["dict", "int", "list", "bytearray"],
)
def test_http_error_refuses_a_body_it_cannot_send_where_it_is_raised(body: object) -> None:
    with pytest.raises(TypeError, match=rf"HttpError: body must be .* not {type(body).__name__}") as raised:
        HttpError(400, body)  # type: ignore[arg-type]  # the mistake under test
    assert repr(body)[:10] in str(raised.value)  # the value is named


@pytest.mark.parametrize(
    "headers",
    ["http://testserver/", b"content-type: text/plain", {"content-type": "text/plain"}],
    ids=["url", "bytes", "dict"],
)
def test_http_error_refuses_headers_that_are_not_pairs(headers: object) -> None:
    with pytest.raises(TypeError, match=rf"HttpError: headers must be .* not {type(headers).__name__}"):
        HttpError(400, "bad", headers)  # type: ignore[arg-type]  # the mistake under test


async def closing_chunks(closed: list[bool], *parts: bytes) -> AsyncIterator[bytes]:
    try:
        for part in parts:
            yield part
    finally:
        closed.append(True)


async def test_http_error_with_a_streamed_body_is_sent_in_its_parts() -> None:
    closed: list[bool] = []
    error = HttpError(503, closing_chunks(closed, b"try ", b"later"), [(b"retry-after", b"5")])
    exchange = await call(app_raising(error), http_scope())
    assert exchange.status == 503
    assert exchange.body == b"try later"
    assert [m.get("body") for m in exchange.sent[1:]] == [b"try ", b"later", b""]
    assert exchange.headers[b"retry-after"] == b"5"
    assert exchange.headers[b"content-type"] == b"text/plain; charset=utf-8"
    assert b"content-length" not in exchange.headers  # the server frames a stream
    assert closed == [True]


class Recorded:
    """A body that records whether it was iterated and whether it was closed."""

    def __init__(self) -> None:
        self.iterated = False
        self.closed = False

    def __aiter__(self) -> Recorded:
        return self

    async def __anext__(self) -> bytes:
        self.iterated = True
        raise StopAsyncIteration

    async def aclose(self) -> None:
        self.closed = True


async def test_http_error_with_a_streamed_body_answers_head_without_it() -> None:
    body = Recorded()
    app = Application()

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise HttpError(401, body)

    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope("HEAD", "/"))
    assert (exchange.status, exchange.body) == (401, b"")
    assert (body.iterated, body.closed) == (False, True)  # closed without being sent


async def written(text: str) -> AsyncIterator[bytes]:
    yield text.encode()


LegacyBody = Callable[[], "str | bytes | Content | None"]
LEGACY_BODIES: list[tuple[LegacyBody, bytes]] = [
    (lambda: "Unauthorized - text", b"Unauthorized - text"),
    (lambda: b"Unauthorized - bytes", b"Unauthorized - bytes"),
    (lambda: text_writer("Unauthorized - writer"), b"Unauthorized - writer"),
    (lambda: written("Unauthorized - generator"), b"Unauthorized - generator"),
    (lambda: None, b""),
]


@pytest.mark.parametrize(
    ("msg", "expected"), LEGACY_BODIES, ids=["str", "bytes", "writer", "generator", "none"]
)
async def test_urllib_http_error_as_bareasgi_3_documents_it(
    msg: LegacyBody, expected: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    # msg the body, hdrs a list of byte pairs: typeshed knows only urllib's own use.
    hdrs: object = [(b"content-type", b"text/plain"), (b"X-Realm", b"staff")]
    error = urllib.error.HTTPError("http://testserver/", 401, msg(), hdrs, None)  # type: ignore[arg-type]  # the 3.x form
    exchange = await call(app_raising(error), http_scope())
    assert (exchange.status, exchange.body) == (401, expected)
    assert exchange.headers[b"content-type"] == b"text/plain"
    assert exchange.headers[b"x-realm"] == b"staff"  # names lower-cased, as ASGI asks
    assert bareasgi_errors(caplog) == []


async def test_urllib_http_error_without_headers_and_with_a_mapping() -> None:
    bare = urllib.error.HTTPError("http://testserver/", 404, "No such page", None, None)  # type: ignore[arg-type]  # hdrs None, as 3.x examples do
    exchange = await call(app_raising(bare), http_scope())
    assert (exchange.status, exchange.body) == (404, b"No such page")
    assert exchange.headers[b"content-type"] == b"text/plain; charset=utf-8"
    mapped: object = {"Content-Type": "application/json"}
    error = urllib.error.HTTPError("http://testserver/", 409, '{"taken": true}', mapped, None)  # type: ignore[arg-type]  # a mapping of str
    exchange = await call(app_raising(error), http_scope())
    assert exchange.headers[b"content-type"] == b"application/json"


async def test_urllib_http_error_from_upstream_drops_the_upstream_framing() -> None:
    # As urllib raises it for an upstream's 502: its headers describe the upstream body.
    headers = EmailMessage()
    headers["Content-Length"] = "9000"
    headers["Transfer-Encoding"] = "chunked"
    headers["Content-Encoding"] = "gzip"
    headers["Connection"] = "close"
    headers["X-Upstream"] = "cache-3"
    error = urllib.error.HTTPError("http://upstream.invalid/", 502, "Bad Gateway", headers, None)
    exchange = await call(app_raising(error), http_scope())
    assert (exchange.status, exchange.body) == (502, b"Bad Gateway")
    assert exchange.headers == {
        b"x-upstream": b"cache-3",
        b"content-type": b"text/plain; charset=utf-8",
        b"content-length": b"11",
    }


@pytest.mark.parametrize(
    ("msg", "hdrs"),
    [(42, None), ("fine", [(b"content-type",)]), ("fine", 7), ("fine", [(b"x-next", b"a\r\nb: c")])],
    ids=["int-body", "not-a-pair", "int-headers", "split-header"],
)
async def test_urllib_http_error_that_cannot_be_sent_is_a_logged_500(
    msg: object, hdrs: object, caplog: pytest.LogCaptureFixture
) -> None:
    error = urllib.error.HTTPError("http://testserver/", 400, msg, hdrs, None)  # type: ignore[arg-type]  # the mistake under test
    exchange = await call(app_raising(error), http_scope())
    assert (exchange.status, exchange.body) == (500, b"Internal Server Error")
    [record] = bareasgi_errors(caplog)
    assert "HTTPError that cannot be sent" in record.getMessage()
