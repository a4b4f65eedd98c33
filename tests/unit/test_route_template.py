"""scope['route_template']: the matched route's template, for middlewares and for ASGI wrappers."""

from __future__ import annotations

from typing import Any

import pytest

from bareasgi import (
    Application,
    Content,
    HttpTreeRouter,
    HttpChainCallback,
    HttpRequestCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    text_response,
)

from bareasgi.routing import TrailingSlash

from .peer import call, http_scope, websocket_scope

pytestmark = pytest.mark.anyio


async def answer(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, None, scope.get("route_template", "(none)"))


def make_app() -> Application:
    app = Application()
    app.http_router.add({"GET"}, "/user/<id:int>", answer)
    app.http_router.add({"GET"}, "/post/{slug}/comments", answer)
    app.http_router.add({"GET", "POST"}, "/about", answer)
    app.http_router.add({"GET"}, "/files/{rest:path}", answer)
    return app


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/user/42", "/user/<id:int>"),
        ("GET", "/post/hello/comments", "/post/{slug}/comments"),
        ("POST", "/about", "/about"),
        ("HEAD", "/user/7", "/user/<id:int>"),
        ("GET", "/files/a/b/c.txt", "/files/{rest:path}"),
    ],
    ids=["angles", "braces", "static", "head-by-get", "catch-all"],
)
async def test_the_handler_sees_the_template_it_was_found_by(method: str, path: str, template: str) -> None:
    scope = http_scope(method, path)
    exchange = await call(make_app(), scope)
    assert exchange.status == 200
    if method != "HEAD":
        assert exchange.body == template.encode()
    assert scope["route_template"] == template  # on the server's own scope: seen outside


@pytest.mark.parametrize(("method", "path"), [("GET", "/user/x"), ("DELETE", "/about")], ids=["404", "405"])
async def test_without_a_route_found_there_is_no_template(method: str, path: str) -> None:
    scope = http_scope(method, path)
    exchange = await call(make_app(), scope)
    assert exchange.status in (404, 405)
    assert "route_template" not in scope


async def test_a_middleware_sees_the_template() -> None:
    seen: list[str | None] = []

    async def spy(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        seen.append(scope.get("route_template"))
        return await handler(scope, info, matches, content)

    app = make_app()
    app.middlewares.append(spy)
    await call(app, http_scope("GET", "/user/42"))
    await call(app, http_scope("GET", "/nowhere"))
    assert seen == ["/user/<id:int>", None]


async def test_an_asgi_wrapper_reads_it_once_the_response_starts() -> None:
    app = make_app()
    names: list[str] = []

    async def wrapper(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def named_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names.append(f"{scope['method']} {scope.get('route_template', scope['path'])}")
            await send(message)

        await app(scope, receive, named_send)

    await call(wrapper, http_scope("GET", "/user/42"))
    await call(wrapper, http_scope("GET", "/user/43"))
    await call(wrapper, http_scope("GET", "/nowhere"))
    assert names == ["GET /user/<id:int>", "GET /user/<id:int>", "GET /nowhere"]


async def test_a_websocket_route_is_named_too() -> None:
    async def accept(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        await web_socket.send(scope.get("route_template", "(none)"))
        await web_socket.close()

    app = Application()
    app.ws_router.add("/chat/{room}", accept)
    scope = websocket_scope("/chat/lobby")
    exchange = await call(app, scope, [{"type": "websocket.connect"}])
    assert {"type": "websocket.send", "text": "/chat/{room}"} in exchange.sent
    assert scope["route_template"] == "/chat/{room}"


async def test_a_router_of_its_own_still_routes_without_a_template() -> None:
    async def missing(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 404

    class OneRoute:
        """A router that is not a tree router: only the HttpRouter protocol."""

        def add(self, methods: Any, path: str, callback: Any, *, name: str | None = None) -> None:
            raise NotImplementedError

        def resolve(self, method: str, path: str) -> tuple[HttpRequestCallback[Info, Any], RouteMatches]:
            return (answer, {}) if path == "/only" else (missing, {})

        def url_for(self, name: str, /, **values: Any) -> str:
            raise KeyError(name)

    app = Application(http_router=OneRoute())
    scope = http_scope("GET", "/only")
    exchange = await call(app, scope)
    assert (exchange.status, exchange.body) == (200, b"(none)")
    assert (await call(app, http_scope("GET", "/other"))).status == 404


@pytest.mark.parametrize(
    ("trailing_slash", "method", "path", "status", "template", "location"),
    [
        ("strict", "GET", "/about", 200, "/about", None),
        ("strict", "HEAD", "/about", 200, "/about", None),
        ("strict", "GET", "/about/", 404, None, None),
        ("strict", "POST", "/about", 405, None, None),
        ("lenient", "GET", "/about/", 200, "/about", None),
        ("lenient", "HEAD", "/docs", 200, "/docs", None),
        ("redirect", "GET", "/about/", 308, None, b"/about"),
        ("redirect", "HEAD", "/docs", 308, None, b"/docs/"),
        ("redirect", "HEAD", "/docs/", 200, "/docs/", None),
    ],
)
async def test_a_route_without_variables_added_after_the_application_is_found_as_the_router_would(
    trailing_slash: TrailingSlash,
    method: str,
    path: str,
    status: int,
    template: str | None,
    location: bytes | None,
) -> None:
    # Such routes are looked up by the application in the router's own table: that
    # table is live, and every answer the router would make for the path is kept.
    router: HttpTreeRouter[Info] = HttpTreeRouter(trailing_slash=trailing_slash)
    app = Application(http_router=router)
    await call(app, http_scope("GET", "/about"))  # before the routes exist
    app.http_router.add({"GET"}, "/about", answer)
    app.http_router.add({"GET"}, "/docs/", answer)
    scope = http_scope(method, path)
    exchange = await call(app, scope)
    assert exchange.status == status
    assert scope.get("route_template") == template
    assert exchange.headers.get(b"location") == location
    if method == "GET" and template is not None:
        assert exchange.body == template.encode()
