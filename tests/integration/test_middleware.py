"""Global and per-route middleware around real requests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpError,
    HttpMiddlewareCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_writer,
    mw,
)

from .servers import Running, run_uvicorn

pytestmark = pytest.mark.anyio

TEXT = [(b"content-type", b"text/plain")]


def tagging(name: str) -> HttpMiddlewareCallback:
    """A middleware that notes its way in and out in ``info`` and adds an ``x-middleware`` header."""

    async def middleware(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        info["trace"].append(f"{name} in")
        status, headers, body, pushes = await handler(scope, info, matches, content)
        info["trace"].append(f"{name} out")
        return status, [*headers, (b"x-middleware", name.encode("ascii"))], body, pushes

    return middleware


async def inspecting(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    """Reports in ``x-shape`` the shape of what the rest of the chain answered."""
    full = await handler(scope, info, matches, content)
    response: object = full  # looked at as the untyped value it is at run time
    assert isinstance(response, tuple)
    shape = f"{len(response)} items, headers {'None' if response[1] is None else 'given'}"
    status, headers, body, pushes = full
    return status, [*headers, (b"x-shape", shape.encode("ascii"))], body, pushes


async def guard(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    if not any(name == b"authorization" for name, _ in scope["headers"]):
        raise HttpError(401, "Who are you?", [(b"www-authenticate", b"Bearer")])
    return await handler(scope, info, matches, content)


async def shouting(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    """Rewrites the response body as it streams."""
    status, headers, body, pushes = await handler(scope, info, matches, content)
    if body is None:
        return status, headers, body, pushes
    original = body

    async def upper() -> AsyncIterator[bytes]:
        async for chunk in original:
            yield chunk.upper()

    return status, [header for header in headers if header[0] != b"content-length"], upper(), pushes


async def plain(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    info["trace"].append("handler")
    return 200, TEXT, bytes_writer(b"hello from the handler", chunk_size=5)


async def bare_status(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def no_headers(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, None


def make_app() -> Application:
    app = Application(middlewares=[tagging("outer"), tagging("inner")], info={"trace": []})
    app.http_router.add({"GET"}, "/plain", plain)
    app.http_router.add({"GET"}, "/other", plain)
    app.http_router.add({"GET"}, "/route", mw(tagging("route-first"), tagging("route-second"), handler=plain))
    app.http_router.add({"GET"}, "/bare", mw(inspecting, handler=bare_status))
    app.http_router.add({"GET"}, "/no-headers", mw(inspecting, handler=no_headers))
    app.http_router.add({"GET"}, "/guarded", mw(guard, handler=plain))
    app.http_router.add({"GET"}, "/shout", mw(shouting, handler=plain))
    return app


@pytest.fixture(scope="module")
def app() -> Application:
    return make_app()


@pytest.fixture(scope="module")
def server(app: Application) -> Iterator[Running]:
    with run_uvicorn(app) as running:
        yield running


@pytest.fixture
def trace(app: Application) -> list[str]:
    trace: list[str] = app.info["trace"]
    trace.clear()
    return trace


@pytest.mark.parametrize("path", ["/plain", "/other"])
async def test_global_middlewares_wrap_every_route_first_outermost(
    server: Running, trace: list[str], path: str
) -> None:
    async with server.client() as client:
        response = await client.get(path)

    assert response.status_code == 200
    assert response.text == "hello from the handler"
    assert response.headers.get_list("x-middleware") == ["inner", "outer"]
    assert trace == ["outer in", "inner in", "handler", "inner out", "outer out"]


async def test_route_middlewares_run_inside_the_global_ones_in_order(
    server: Running, trace: list[str]
) -> None:
    async with server.client() as client:
        response = await client.get("/route")

    assert response.text == "hello from the handler"
    assert response.headers.get_list("x-middleware") == ["route-second", "route-first", "inner", "outer"]
    assert trace == [
        "outer in",
        "inner in",
        "route-first in",
        "route-second in",
        "handler",
        "route-second out",
        "route-first out",
        "inner out",
        "outer out",
    ]


@pytest.mark.parametrize(("path", "status"), [("/bare", 204), ("/no-headers", 200)])
async def test_the_handler_a_middleware_calls_answers_the_full_tuple(
    server: Running, trace: list[str], path: str, status: int
) -> None:
    async with server.client() as client:
        response = await client.get(path)

    assert response.status_code == status
    assert response.content == b""
    assert response.headers["x-shape"] == "4 items, headers given"
    assert response.headers.get_list("x-middleware") == ["inner", "outer"]


async def test_http_error_from_a_middleware_is_its_response(server: Running, trace: list[str]) -> None:
    async with server.client() as client:
        refused = await client.get("/guarded")
        allowed = await client.get("/guarded", headers={"authorization": "Bearer token"})

    assert refused.status_code == 401
    assert refused.text == "Who are you?"
    assert refused.headers["www-authenticate"] == "Bearer"
    assert allowed.status_code == 200
    assert allowed.text == "hello from the handler"


async def test_middleware_can_rewrite_a_streamed_body(server: Running, trace: list[str]) -> None:
    async with server.client() as client:
        response = await client.get("/shout")

    assert response.status_code == 200
    assert response.text == "HELLO FROM THE HANDLER"
    assert "content-length" not in response.headers
