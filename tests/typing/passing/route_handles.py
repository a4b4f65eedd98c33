"""Route handles: URLs built from the handler, typed by its matches."""

from __future__ import annotations

import datetime
from typing import TypedDict

from bareasgi import Application, Content, HttpScope, Info, RouteHandle, RouteMatches, WebSocket, WebSocketScope


class BookMatches(TypedDict):
    slug: str


class DayMatches(TypedDict):
    day: datetime.date
    page: int


app = Application()


@app.on_http_request({"GET"}, "/books/<slug>")
async def get_book(scope: HttpScope, info: Info, matches: BookMatches, content: Content) -> int:
    return 204


async def get_day(scope: HttpScope, info: Info, matches: DayMatches, content: Content) -> int:
    return 204


async def untyped(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> int:
    return 204


async def room(scope: WebSocketScope, info: Info, matches: BookMatches, web_socket: WebSocket) -> None:
    await web_socket.close()


app.http_router.add({"GET"}, "/day/<day:date:%Y-%m-%d>/<page:int>", get_day)
app.http_router.add({"GET"}, "/any/<x>", untyped)
app.ws_router.add("/room/<slug>", room)

book: RouteHandle[BookMatches] = app.route_of(get_book)
dune: str = book.url({"slug": "dune"})
today: str = app.route_of(get_day).url({"day": datetime.date(2026, 12, 1), "page": 2})
anything: str = app.route_of(untyped).url({"x": "y"})
lobby: str = app.route_of(room).url({"slug": "lobby"})
