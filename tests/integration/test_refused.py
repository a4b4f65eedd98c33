"""A header that would break the response (CR, LF or NUL in it), under real servers.

The application refuses it before the response starts, whatever the server would
have done with it (uvicorn drops the connection; a laxer server would split the
response): the client gets a 500, the header is named once on the ``bareasgi``
logger, and the server goes on serving.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, text_writer

from .servers import SERVER_KINDS, Running, ServerKind, errors_from, run_server

pytestmark = pytest.mark.anyio


async def bad_header(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return 200, [(b"x-injected", b"one\r\nset-cookie: stolen=1")], text_writer("never sent")


async def echo_header(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    # The mistake under test: a header built from the decoded path, unchecked.
    return 200, [(b"x-echo", matches["text"].encode("latin-1"))], text_writer("never sent")


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
    app.http_router.add({"GET"}, "/echo/{text}", echo_header)
    with run_server(kind, app) as running:
        yield running


async def test_an_invalid_header_value_is_a_logged_500_and_serving_goes_on(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with server.client() as client:
        response = await client.get("/bad-header")
        after = await client.get("/fine")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert "set-cookie" not in response.headers and "x-injected" not in response.headers
    assert (after.status_code, after.text) == (200, "fine")
    [record] = errors_from(caplog, "bareasgi")
    assert "GET /bad-header" in record.getMessage()
    assert record.exc_info is not None and "x-injected" in str(record.exc_info[1])


async def test_a_header_built_from_the_decoded_path_cannot_split_the_response(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with server.client() as client:
        response = await client.get("/echo/x%0d%0aset-cookie:%20stolen=1")
    assert response.status_code == 500
    assert "set-cookie" not in response.headers and "x-echo" not in response.headers
    assert len(errors_from(caplog, "bareasgi")) == 1
