"""Failures while serving HTTP: HttpError, urllib's HTTPError, anything else, and after the start."""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import AsyncIterator
from email.message import Message as EmailMessage

import pytest

from bareasgi import Application, Content, HttpError, HttpResponse, HttpScope, Info, RouteMatches

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
