"""A handler's TypedDict for its matches is checked against the template when added."""

from __future__ import annotations

import datetime
import uuid
from enum import Enum
from typing import Any, TypedDict

import pytest
from typing_extensions import NotRequired

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    TemplateError,
    WebSocket,
    WebSocketScope,
    mw,
)

from .support import not_found_of


class UserMatches(TypedDict):
    id: int


class PostMatches(TypedDict):
    slug: str
    page: NotRequired[int]


class DayMatches(TypedDict):
    day: datetime.date
    ref: uuid.UUID | None


class Colour(Enum):
    RED = "red"


class ColourMatches(TypedDict):
    colour: Colour


async def get_user(scope: HttpScope, info: Info, matches: UserMatches, content: Content) -> HttpResponse:
    return 200


async def get_post(scope: HttpScope, info: Info, matches: PostMatches, content: Content) -> HttpResponse:
    return 200


async def get_day(scope: HttpScope, info: Info, matches: DayMatches, content: Content) -> HttpResponse:
    return 200


async def get_colour(scope: HttpScope, info: Info, matches: ColourMatches, content: Content) -> HttpResponse:
    return 200


async def untyped(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200


async def chat(scope: WebSocketScope, info: Info, matches: UserMatches, web_socket: WebSocket) -> None:
    await web_socket.close()


@pytest.mark.parametrize(
    ("template", "handler"),
    [
        ("/user/<id:int>", get_user),
        ("/user/{id:int}", get_user),
        ("/post/<slug>", get_post),
        ("/post/<slug>/<page:int>", get_post),
        ("/day/<day:date>/<ref:uuid>", get_day),
        ("/day/<day:datetime>/<ref:uuid>", get_day),  # a datetime is a date
        ("/colour/<colour:colour>", get_colour),
        ("/anything/<x>/<y:float>", untyped),
    ],
    ids=["int", "braces", "str", "not-required-given", "date-uuid-optional", "subclass", "enum", "untyped"],
)
def test_agreeing_templates_are_accepted(template: str, handler: Any) -> None:
    app = Application(converters={"colour": Colour})
    app.http_router.add({"GET"}, template, handler)
    assert app.http_router.resolve("GET", template.replace("<", "").replace(">", "")) is not None


@pytest.mark.parametrize(
    ("template", "handler", "message"),
    [
        ("/user/<id:str>", get_user, "'/user/<id:str>' gives id: str, UserMatches wants int"),
        ("/user/<id:float>", get_user, "gives id: float, UserMatches wants int"),
        ("/user/<ident:int>", get_user, "gives ident: int, UserMatches has no 'ident'"),
        ("/user", get_user, "has no 'id', which UserMatches requires"),
        ("/post/<page:int>", get_post, "has no 'slug', which PostMatches requires"),
        ("/day/<day:str>/<ref:uuid>", get_day, "gives day: str, DayMatches wants date"),
        ("/colour/<colour:str>", get_colour, "gives colour: str, ColourMatches wants Colour"),
    ],
    ids=["wrong-type", "float-for-int", "wrong-name", "missing", "missing-required", "str-for-date", "str-for-enum"],
)
def test_disagreeing_templates_are_refused_naming_the_difference(
    template: str, handler: Any, message: str
) -> None:
    app = Application(converters={"colour": Colour})
    with pytest.raises(TemplateError) as raised:
        app.http_router.add({"GET"}, template, handler)
    assert message in str(raised.value)
    assert app.http_router.resolve("GET", "/user/1") == (not_found_of(app), {})


def test_the_check_sees_through_mw() -> None:
    app = Application()
    with pytest.raises(TemplateError, match="gives id: str, UserMatches wants int"):
        app.http_router.add({"GET"}, "/user/<id>", mw(handler=get_user))
    app.http_router.add({"GET"}, "/user/<id:int>", mw(handler=get_user))


def test_the_check_applies_to_websocket_routes_and_decorators() -> None:
    app = Application()
    with pytest.raises(TemplateError, match="UserMatches wants int"):
        app.ws_router.add("/chat/<id:uuid>", chat)
    with pytest.raises(TemplateError, match="UserMatches has no 'name'"):
        app.on_http_request({"GET"}, "/user/<name>")(get_user)
