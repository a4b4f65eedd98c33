"""An application generic in its info: a dataclass and a TypedDict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpResponse,
    HttpScope,
    LifespanEvent,
    LifespanScope,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    json_response,
    mw,
)


@dataclass
class Counter:
    hits: int = 0
    names: list[str] = field(default_factory=list)


async def count(scope: HttpScope, info: Counter, matches: RouteMatches, content: Content) -> HttpResponse:
    info.hits += 1
    return json_response(200, None, {"hits": info.hits})


async def logging_mw(
    scope: HttpScope, info: Counter, matches: RouteMatches, content: Content, handler: HttpChainCallback[Counter]
) -> HttpResponse:
    info.names.append(scope["path"])
    return await handler(scope, info, matches, content)


async def start(scope: LifespanScope, info: Counter, message: LifespanEvent) -> None:
    info.hits = 0


app = Application(info=Counter(), middlewares=[logging_mw], startup_handlers=[start])
app.http_router.add({"GET"}, "/count", count)
app.http_router.add({"GET"}, "/count/wrapped", mw(logging_mw, handler=count))


@app.on_http_request({"GET"}, "/decorated")
async def decorated(scope: HttpScope, info: Counter, matches: RouteMatches, content: Content) -> int:
    return 200 if info.hits else 204


@app.on_ws_request("/ws")
async def ws(scope: WebSocketScope, info: Counter, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.accept()
    await web_socket.send(str(info.hits))


@app.on_shutdown
async def stop(scope: LifespanScope, info: Counter, message: LifespanEvent) -> None:
    info.names.clear()


hits: int = app.info.hits


class Settings(TypedDict):
    greeting: str


async def greet(scope: HttpScope, info: Settings, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, {"greeting": info["greeting"].upper()})


settings_app = Application(info=Settings(greeting="hello"))
settings_app.http_router.add({"GET"}, "/", greet)
