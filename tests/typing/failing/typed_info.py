"""Handlers that expect another info than the application's."""

from __future__ import annotations

from dataclasses import dataclass

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpResponse,
    HttpScope,
    LifespanEvent,
    LifespanScope,
    RouteMatches,
    mw,
)


@dataclass
class Counter:
    hits: int = 0


@dataclass
class Other:
    name: str = ""


async def wants_other(scope: HttpScope, info: Other, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def wants_counter(scope: HttpScope, info: Counter, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def other_mw(
    scope: HttpScope, info: Other, matches: RouteMatches, content: Content, handler: HttpChainCallback[Other]
) -> HttpResponse:
    return await handler(scope, info, matches, content)


async def other_startup(scope: LifespanScope, info: Other, message: LifespanEvent) -> None:
    pass


app = Application(info=Counter())
app.http_router.add({"GET"}, "/", wants_other)  # E: Argument 3 to "add"
app.on_http_request({"GET"}, "/x")(wants_other)  # E: Argument 1
app.on_startup(other_startup)  # E: Argument 1 to "on_startup"
app.middlewares.append(other_mw)  # E: Argument 1 to "append"
app.http_router.add({"GET"}, "/y", mw(other_mw, handler=wants_counter))  # E: Argument 1 to "mw"
mismatched = Application(info=Counter(), middlewares=[other_mw])  # E: List item 0 has incompatible type
hits: str = app.info.hits  # E: Incompatible types in assignment
