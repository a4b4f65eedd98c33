"""Code typed with the loose Scope and Message: forwarded, called, and registered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpFullResponse,
    HttpRequestCallback,
    HttpResponse,
    Info,
    LifespanHandler,
    Message,
    RouteMatches,
    Scope,
    WebSocket,
    WebSocketRequestCallback,
    mw,
)


async def forwarding(
    scope: Scope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    return await handler(scope, info, matches, content)


async def with_callable_handler(
    scope: Scope,
    info: Info,
    matches: RouteMatches,
    content: Content,
    handler: Callable[[Scope, Info, RouteMatches, Content], Awaitable[HttpResponse]],
) -> HttpResponse:
    return await handler(scope, info, matches, content)


async def with_full_callable_handler(
    scope: Scope,
    info: Info,
    matches: RouteMatches,
    content: Content,
    handler: Callable[[Scope, Info, RouteMatches, Content], Awaitable[HttpFullResponse]],
) -> HttpResponse:
    status, headers, body, _ = await handler(scope, info, matches, content)
    return status, [*headers, (b"x-seen", b"1")], body


async def hello(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> int:
    return 204


app = Application(middlewares=[forwarding, with_callable_handler, with_full_callable_handler])
app.http_router.add({"GET"}, "/hello", mw(forwarding, with_callable_handler, handler=hello))
app.middlewares.append(with_full_callable_handler)


async def call_http(handler: HttpRequestCallback, scope: Scope, content: Content) -> HttpResponse:
    return await handler(scope, {}, {}, content)


async def call_ws(handler: WebSocketRequestCallback, scope: Scope, web_socket: WebSocket) -> None:
    await handler(scope, {}, {}, web_socket)


async def call_lifespan(handler: LifespanHandler, scope: Scope, message: Message) -> None:
    await handler(scope, {}, message)


async def dispatch(scope: Scope, content: Content, web_socket: WebSocket) -> HttpResponse:
    """resolve() gives a handler for every path, so it is called without a check."""
    handler, matches = app.http_router.resolve("GET", str(scope["path"]))
    ws_handler, ws_matches = app.ws_router.resolve(str(scope["path"]))
    await ws_handler(scope, app.info, ws_matches, web_socket)
    return await handler(scope, app.info, matches, content)
