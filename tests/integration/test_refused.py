"""A server refusing what a handler answered (an invalid header value), under real servers.

uvicorn raises from ``send`` for a header value it will not write; the application
logs that once on the ``bareasgi`` logger, never raises it to the server, and the
server goes on serving.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, text_writer

from .servers import SERVER_KINDS, Running, ServerKind, errors_from, run_server, wait_until

pytestmark = pytest.mark.anyio


async def bad_header(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return 200, [(b"x-injected", b"one\r\nset-cookie: stolen=1")], text_writer("never sent")


async def fine(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer("fine")


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[Running]:
    kind: ServerKind = request.param
    app = Application()
    app.http_router.add({"GET"}, "/bad-header", bad_header)
    app.http_router.add({"GET"}, "/fine", fine)
    with run_server(kind, app) as running:
        yield running


async def test_an_invalid_header_value_is_refused_logged_once_and_serving_goes_on(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with server.client() as client:
        try:
            response = await client.get("/bad-header")
        except httpx.TransportError:
            pass  # the server closed the connection instead of answering
        else:
            assert "set-cookie" not in response.headers
            assert b"never sent" not in response.content
    async with server.client() as client:
        after = await client.get("/fine")
    assert (after.status_code, after.text) == (200, "fine")
    assert await wait_until(lambda: len(errors_from(caplog, "bareasgi")) > 0)
    [record] = errors_from(caplog, "bareasgi")
    assert "GET /bad-header" in record.getMessage()
