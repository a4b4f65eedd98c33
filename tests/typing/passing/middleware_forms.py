"""Middleware: the 4-tuple unpacked without checks, global and per-route."""

from __future__ import annotations

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpMiddlewareCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    mw,
)


async def add_header(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    status, headers, body, pushes = await handler(scope, info, matches, content)
    return status, [*headers, (b"x-served-by", b"bareasgi")], body, pushes


async def gate(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    if scope["method"] != "GET":
        return 405
    response = await handler(scope, info, matches, content)
    status: int = response[0]
    return status, response[1]


async def hello(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> int:
    return 204


middlewares: list[HttpMiddlewareCallback] = [add_header, gate]
app = Application(middlewares=middlewares)
app.http_router.add({"GET"}, "/wrapped", mw(add_header, gate, handler=hello))
app.middlewares.append(add_header)
