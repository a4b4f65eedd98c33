"""bareASGI 3.x add-ons as middleware of bareasgi: the CORS add-on and bareutils' compression.

bareasgi-cors 3.1.2 pins ``bareasgi<4``, so pip will not install it beside bareasgi 5:
``make test`` puts it in ``.venv/addons`` without its dependencies (see conftest.py),
and these tests skip, saying so, where it is absent. Both add-ons append to the
headers a handler returned, as 3.x let middleware do.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from typing import cast

import pytest
from bareutils.compression import make_default_compression_middleware

from bareasgi import (
    Application,
    Content,
    HttpMiddlewareCallback,
    HttpResponse,
    Info,
    RouteMatches,
    Scope,
    text_writer,
)
from tests.integration.servers import Running, run_uvicorn

pytestmark = pytest.mark.anyio

MiddlewareFactory = Callable[..., HttpMiddlewareCallback]

ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def cors_middleware() -> MiddlewareFactory:
    """bareasgi_cors.CORSMiddleware; its types are baretypes', so it is taken as a factory."""
    module = pytest.importorskip(
        "bareasgi_cors",
        reason="bareasgi-cors 3.1.2 is not installed: make test puts it in .venv/addons",
    )
    factory: MiddlewareFactory = module.CORSMiddleware
    return factory


async def get_text(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer("The quick brown fox. " * 100)


async def post_nothing(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204  # no headers at all: the middleware appends to []


def application(*middlewares: HttpMiddlewareCallback) -> Application:
    app = Application(middlewares=list(middlewares))
    app.http_router.add({"GET"}, "/text", get_text)
    app.http_router.add({"POST"}, "/text", post_nothing)
    return app


@pytest.fixture(scope="module")
def any_origin(cors_middleware: MiddlewareFactory) -> Iterator[Running]:
    with run_uvicorn(application(cors_middleware())) as running:
        yield running


@pytest.fixture(scope="module")
def one_origin(cors_middleware: MiddlewareFactory) -> Iterator[Running]:
    middleware = cors_middleware(allow_origins={ORIGIN}, allow_methods={"GET", "POST"}, allow_credentials=True)
    with run_uvicorn(application(middleware)) as running:
        yield running


async def test_cors_any_origin_get_post_204_and_preflight(any_origin: Running) -> None:
    origin = {"origin": "https://elsewhere.example"}
    async with any_origin.client() as client:
        got = await client.get("/text", headers=origin)
        posted = await client.post("/text", headers=origin)
        preflight = await client.options(
            "/text", headers={**origin, "access-control-request-method": "POST"}
        )
    assert (got.status_code, got.headers["access-control-allow-origin"]) == (200, "*")
    assert got.text.startswith("The quick brown fox.")
    assert (posted.status_code, posted.headers["access-control-allow-origin"]) == (204, "*")
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-max-age"] == "600"


async def test_cors_one_origin_mirrors_it_and_refuses_others(one_origin: Running) -> None:
    async with one_origin.client() as client:
        got = await client.get("/text", headers={"origin": ORIGIN})
        posted = await client.post("/text", headers={"origin": ORIGIN})
        missing = await client.get("/nowhere", headers={"origin": ORIGIN})
        refused = await client.options(
            "/text", headers={"origin": "https://evil.example", "access-control-request-method": "GET"}
        )
        plain = await client.get("/text")
    for response in (got, posted, missing):
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-allow-credentials"] == "true"
        assert response.headers["vary"] == "Origin"
    assert (got.status_code, posted.status_code, missing.status_code) == (200, 204, 404)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in plain.headers  # no Origin: no CORS at all


async def test_bareutils_compression_middleware_gzips_a_body_and_leaves_a_204() -> None:
    # Typed with baretypes, whose pushes hold lists of headers where bareasgi's hold any
    # sequence: the same at run time, but mypy cannot see the one as the other.
    compression = cast(HttpMiddlewareCallback, make_default_compression_middleware(minimum_size=100))
    app = application(compression)
    with run_uvicorn(app) as running:
        async with running.client() as client:
            got = await client.get("/text", headers={"accept-encoding": "gzip"})
            raw = await client.get("/text", headers={"accept-encoding": "identity"})
            async with client.stream("GET", "/text", headers={"accept-encoding": "gzip"}) as streamed:
                compressed = b"".join([chunk async for chunk in streamed.aiter_raw()])
            posted = await client.post("/text", headers={"accept-encoding": "gzip"})
    assert got.headers["content-encoding"] == "gzip"
    assert got.text == raw.text and raw.text.startswith("The quick brown fox.")
    assert gzip.decompress(compressed) == raw.content
    assert len(compressed) < len(raw.content)
    assert (posted.status_code, posted.content) == (204, b"")
