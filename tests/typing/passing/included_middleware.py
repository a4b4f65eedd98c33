"""The included middlewares fit an application of any info type, globally and per route."""

from __future__ import annotations

from dataclasses import dataclass

from bareasgi import (
    AnyInfoMiddleware,
    Application,
    Content,
    HttpResponse,
    HttpScope,
    RouteMatches,
    cors_middleware,
    mw,
)


@dataclass
class Settings:
    greeting: str = "hello"


async def greet(scope: HttpScope, info: Settings, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


cors: AnyInfoMiddleware = cors_middleware(allow_origins=["https://app.example"])
typed = Application(info=Settings(), middlewares=[cors])
typed.http_router.add({"GET"}, "/", mw(cors, handler=greet))
typed.middlewares.append(cors_middleware(allow_origin_regex=r"https://.*\.example"))
plain = Application(middlewares=[cors_middleware(allow_origins=["*"])])
