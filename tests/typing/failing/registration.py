"""Mistakes that used to reach the first request: a missing info, an un-awaited body."""

from __future__ import annotations

from dataclasses import dataclass

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, json_response, text_reader


@dataclass
class Shop:
    name: str = "shop"


app: Application[Shop] = Application()  # E: Incompatible types in assignment


async def echo_json(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, text_reader(content))  # E: Argument 3 to "json_response"


async def with_bytes_keys(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, {b"key": "value"})  # E: Dict entry 0
