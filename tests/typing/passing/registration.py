"""Typed info given or defaulted, JSON values of every kind, and the test client's Self."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from pydantic import BaseModel

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    json_response,
    text_reader,
)
from bareasgi.testing import TestClient


@dataclass
class Shop:
    name: str = "shop"


class UserMatches(TypedDict):
    id: int


class Book(BaseModel):
    title: str


@dataclass
class Point:
    x: int
    y: int


plain = Application()  # an Application[Info]
plain_info: Info = plain.info
shop: Application[Shop] = Application(info=Shop())
named: str = shop.info.name
explicit_default: Application[Info] = Application()


async def json_forms(scope: HttpScope, info: Info, matches: UserMatches, content: Content) -> HttpResponse:
    text = await text_reader(content)
    if text == "typed-dict":
        return json_response(200, None, matches)
    if text == "typed-dicts":
        return json_response(200, None, [matches, matches])
    if text == "model":
        return json_response(200, None, Book(title="Dune"))
    if text == "dataclass":
        return json_response(200, None, Point(1, 2))
    if text == "info":
        return json_response(200, None, info)
    return json_response(200, None, {"text": text, "n": [1, 2.5, None, True, {"nested": ("a", "b")}]})


plain.http_router.add({"POST"}, "/json/<id:int>", json_forms)


class ShopClient(TestClient):
    async def ping(self) -> int:
        return (await self.get("/ping")).status_code


async def use_the_client() -> int:
    async with ShopClient(shop) as client:
        return await client.ping()


async def any_route(scope: HttpScope, info: Shop, matches: RouteMatches, content: Content) -> int:
    return 204
