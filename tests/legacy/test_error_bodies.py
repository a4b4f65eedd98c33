"""Error responses whose body is streamed, as bareASGI 3.x let ``HTTPError`` carry a writer.

On every server of the integration tier: the body arrives whole, in the server's own
framing (no ``content-length``), and ``HEAD`` gets the status and headers only.
"""

from __future__ import annotations

import urllib.error
from collections.abc import AsyncIterator, Iterator

import pytest

from bareasgi import Application, Content, HttpError, HttpResponse, Info, RouteMatches, Scope
from tests.integration.servers import SERVER_KINDS, Running, ServerKind, run_server

pytestmark = pytest.mark.anyio

CHUNKS = [b"service ", b"back ", b"soon"]


async def parts() -> AsyncIterator[bytes]:
    for chunk in CHUNKS:
        yield chunk


async def unavailable(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise HttpError(503, parts(), [(b"retry-after", b"120")])


async def legacy_unavailable(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    hdrs = [(b"content-type", b"text/plain"), (b"retry-after", b"120")]
    raise urllib.error.HTTPError("http://testserver/", 503, parts(), hdrs, None)  # type: ignore[arg-type]  # the 3.x form


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[Running]:
    kind: ServerKind = request.param
    app = Application()
    app.http_router.add({"GET"}, "/http-error", unavailable)
    app.http_router.add({"GET"}, "/urllib-error", legacy_unavailable)
    with run_server(kind, app) as running:
        yield running


@pytest.mark.parametrize("path", ["/http-error", "/urllib-error"])
async def test_a_streamed_error_body_arrives_whole(server: Running, path: str) -> None:
    async with server.client() as client:
        response = await client.get(path)
        head = await client.head(path)
        after = await client.get(path)  # the connection is still good for the next request
    assert response.status_code == 503
    assert response.content == b"".join(CHUNKS)
    assert response.headers["retry-after"] == "120"
    assert response.headers["content-type"].startswith("text/plain")
    assert "content-length" not in response.headers
    assert (head.status_code, head.content, head.headers["retry-after"]) == (503, b"", "120")
    assert after.content == b"".join(CHUNKS)
