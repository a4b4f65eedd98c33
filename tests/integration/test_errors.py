"""Failures while serving, as a real client sees them and as the ``bareasgi`` logger tells them."""

from __future__ import annotations

import email.message
import logging
import urllib.error
from collections.abc import AsyncIterator, Iterator
from typing import cast

import httpx
import pytest

from bareasgi import Application, Content, HttpError, HttpResponse, HttpScope, Info, RouteMatches, text_writer

from .servers import SERVER_KINDS, Running, ServerKind, errors_from, run_server, wait_until

pytestmark = pytest.mark.anyio

SECRET = "password=hunter2"
CHUNKS = [b"one;", b"two;", b"three;"]


async def not_found(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise HttpError(404, "No such user", [(b"x-reason", b"missing")])


async def teapot(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise HttpError(418, b"short and stout", [(b"content-type", b"text/x-teapot")])


async def upstream(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    headers = email.message.Message()
    headers["X-Upstream"] = "yes"
    headers["Content-Length"] = "999"  # describes the upstream body, not this response
    raise urllib.error.HTTPError("http://upstream.invalid/thing", 409, "Conflict upstream", headers, None)


async def boom(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise RuntimeError(f"cannot connect with {SECRET}")


async def not_a_response(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return cast(HttpResponse, "200 OK")  # the kind of mistake an untyped handler makes


async def fine(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer("fine")


async def broken_stream(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    async def body() -> AsyncIterator[bytes]:
        for chunk in CHUNKS:
            yield chunk
        raise RuntimeError(f"the feed broke with {SECRET}")

    return 200, [(b"content-type", b"text/plain")], body()


def make_app() -> Application:
    app = Application(
        not_found_response=(404, [(b"content-type", b"text/plain")], text_writer("nothing here"))
    )
    for path, handler in [
        ("/not-found", not_found),
        ("/teapot", teapot),
        ("/upstream", upstream),
        ("/boom", boom),
        ("/not-a-response", not_a_response),
        ("/fine", fine),
        ("/broken-stream", broken_stream),
    ]:
        app.http_router.add({"GET"}, path, handler)
    return app


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[Running]:
    kind: ServerKind = request.param
    with run_server(kind, make_app()) as running:
        yield running


def only_error(caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    records = errors_from(caplog, "bareasgi")
    assert len(records) == 1, [record.getMessage() for record in records]
    return records[0]


async def test_http_error_becomes_its_response(server: Running, caplog: pytest.LogCaptureFixture) -> None:
    async with server.client() as client:
        missing = await client.get("/not-found")
        brewed = await client.get("/teapot")

    assert missing.status_code == 404
    assert missing.text == "No such user"
    assert missing.headers["x-reason"] == "missing"
    assert missing.headers["content-type"] == "text/plain; charset=utf-8"
    assert brewed.status_code == 418
    assert brewed.content == b"short and stout"
    assert brewed.headers["content-type"] == "text/x-teapot"
    assert brewed.headers["content-length"] == str(len(b"short and stout"))
    assert errors_from(caplog, "bareasgi") == []


async def test_not_found_response_is_sent_whole_every_time(server: Running) -> None:
    async with server.client() as client:
        responses = [await client.get(f"/missing/{number}") for number in range(3)]

    assert [(response.status_code, response.text) for response in responses] == [(404, "nothing here")] * 3


async def test_urllib_http_error_becomes_a_response_with_its_status(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with server.client() as client:
        response = await client.get("/upstream")

    assert response.status_code == 409
    assert response.text == "Conflict upstream"
    assert response.headers["x-upstream"] == "yes"
    assert response.headers["content-length"] == str(len("Conflict upstream"))
    assert errors_from(caplog, "bareasgi") == []


@pytest.mark.parametrize("path", ["/boom", "/not-a-response"])
async def test_unexpected_failure_is_a_plain_500_logged_and_serving_goes_on(
    server: Running, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    async with server.client() as client:
        failed = await client.get(path)
        after = await client.get("/fine")

    assert failed.status_code == 500
    assert failed.headers["content-type"].startswith("text/plain")
    assert 0 < len(failed.content) <= 100
    for leak in (SECRET, "Traceback", "RuntimeError", "TypeError", "200 OK"):
        assert leak not in failed.text
    assert (after.status_code, after.text) == (200, "fine")
    record = only_error(caplog)
    assert f"GET {path}" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is not None
    assert isinstance(record.exc_info[1], (RuntimeError, TypeError))
    if path == "/boom":
        assert SECRET in str(record.exc_info[1])  # in the log, for the operator


async def test_failure_after_the_response_started_cuts_it_short(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[bytes] = []
    async with server.client() as client:
        async with client.stream("GET", "/broken-stream") as response:
            with pytest.raises(httpx.RemoteProtocolError):
                async for chunk in response.aiter_raw():
                    received.append(chunk)
        after = await client.get("/fine")

    assert response.status_code == 200  # the only status line the client saw
    assert b"".join(received) == b"".join(CHUNKS)
    assert SECRET.encode() not in b"".join(received)
    assert (after.status_code, after.text) == (200, "fine")
    assert await wait_until(lambda: len(errors_from(caplog, "bareasgi")) > 0)
    record = only_error(caplog)
    assert "GET /broken-stream" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
