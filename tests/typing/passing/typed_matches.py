"""Matches declared as a TypedDict: the handler's use of them is checked."""

from __future__ import annotations

import datetime
from typing import TypedDict

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, WebSocket, WebSocketScope, json_response


class UserMatches(TypedDict):
    id: int


class DayMatches(TypedDict):
    day: datetime.date


async def get_user(scope: HttpScope, info: Info, matches: UserMatches, content: Content) -> HttpResponse:
    return json_response(200, None, {"id": matches["id"], "next": matches["id"] + 1})


async def get_day(scope: HttpScope, info: Info, matches: DayMatches, content: Content) -> HttpResponse:
    return json_response(200, None, {"weekday": matches["day"].isoweekday()})


async def room(scope: WebSocketScope, info: Info, matches: UserMatches, web_socket: WebSocket) -> None:
    await web_socket.accept()
    await web_socket.send(str(matches["id"] * 2))


app = Application()
app.http_router.add({"GET"}, "/user/<id:int>", get_user)
app.http_router.add({"GET"}, "/day/{day:date:%Y-%m-%d}", get_day)
app.ws_router.add("/room/<id:int>", room)
