"""Reverse routing: url_for writes the path that resolves back to the values given."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest

from bareasgi import (
    Application,
    ConverterRegistry,
    HttpTreeRouter,
    TemplateError,
    WebSocketTreeRouter,
)

from .support import make_handler, make_ws_handler
from .test_converters import Colour, Slug

REGISTRY = ConverterRegistry({"slug": Slug, "colour": Colour})


@pytest.mark.parametrize(
    ("template", "values", "expected"),
    [
        ("/about", {}, "/about"),
        ("/", {}, "/"),
        ("/user/<id:int>", {"id": 42}, "/user/42"),
        ("/user/{id:int}/", {"id": -7}, "/user/-7/"),
        ("/u/<name>", {"name": "Jo Bloggs"}, "/u/Jo%20Bloggs"),
        ("/u/<name>", {"name": "50%?#"}, "/u/50%25%3F%23"),
        ("/u/<name>", {"name": "café"}, "/u/caf%C3%A9"),
        ("/f/{x:float}", {"x": 1.5}, "/f/1.5"),
        ("/b/{x:bool}", {"x": True}, "/b/true"),
        ("/d/{x:decimal}", {"x": Decimal("1.50")}, "/d/1.50"),
        (
            "/id/{x:uuid}",
            {"x": uuid.UUID(int=1)},
            "/id/00000000-0000-0000-0000-000000000001",
        ),
        ("/on/<x:date>", {"x": datetime.date(2024, 2, 29)}, "/on/2024-02-29"),
        (
            "/at/<x:datetime>",
            {"x": datetime.datetime(2024, 1, 2, 3, 4, 5)},
            "/at/2024-01-02T03%3A04%3A05",
        ),
        ("/at/<x:time>", {"x": datetime.time(9, 30)}, "/at/09%3A30%3A00"),
        ("/on/<x:date:%d.%m.%Y>", {"x": datetime.date(2024, 2, 1)}, "/on/01.02.2024"),
        ("/at/{x:time:%H:%M}", {"x": datetime.time(9, 30)}, "/at/09%3A30"),
        ("/files/{rest:path}", {"rest": "a/b c/d.txt"}, "/files/a/b%20c/d.txt"),
        ("/files/{rest:path}", {"rest": ""}, "/files/"),
        ("/p/<s:slug>", {"s": "hello-world"}, "/p/hello-world"),
        ("/c/<c:colour>", {"c": Colour.RED}, "/c/red"),
        (
            "/u/<uid:int>/p/{slug:slug}/{rest:path}",
            {"uid": 1, "slug": "a-b", "rest": "x/y"},
            "/u/1/p/a-b/x/y",
        ),
    ],
    ids=[
        "literal",
        "root",
        "int",
        "negative-int-trailing-slash",
        "str-space",
        "str-reserved",
        "str-non-ascii",
        "float",
        "bool",
        "decimal-keeps-digits",
        "uuid",
        "date",
        "datetime",
        "time",
        "date-format",
        "time-format",
        "path-keeps-slashes",
        "path-empty",
        "registered",
        "enum",
        "several",
    ],
)
def test_url_for(template: str, values: dict[str, Any], expected: str) -> None:
    router = HttpTreeRouter(REGISTRY)
    handler = make_handler()
    router.add({"GET"}, template, handler, name="route")
    path = router.url_for("route", **values)
    assert path == expected
    assert router.resolve("GET", unquote(path)) == (handler, values)


def test_url_for_on_the_websocket_router() -> None:
    router = WebSocketTreeRouter()
    router.add("/chat/<room:int>", make_ws_handler(), name="chat")
    assert router.url_for("chat", room=3) == "/chat/3"


def test_url_for_through_the_application() -> None:
    app = Application(converters={"slug": Slug})
    app.http_router.add({"GET"}, "/post/<s:slug>", make_handler(), name="post")
    app.ws_router.add("/live/<s:slug>", make_ws_handler(), name="live")
    assert app.http_router.url_for("post", s="a-b") == "/post/a-b"
    assert app.ws_router.url_for("live", s="a-b") == "/live/a-b"


def test_url_for_with_lenient_trailing_slash_gives_the_form_added() -> None:
    router = HttpTreeRouter(trailing_slash="lenient")
    handler = make_handler()
    router.add({"GET"}, "/user/<id:int>/", handler, name="user")
    path = router.url_for("user", id=1)
    assert router.resolve("GET", path) == (handler, {"id": 1})


@pytest.mark.parametrize(
    ("template", "values", "fault"),
    [
        ("/user/<id:int>", {}, "missing a value for 'id'"),
        ("/user/<id:int>/<name>", {"id": 1}, "missing a value for 'name'"),
        ("/user/<id:int>", {"id": 1, "extra": 2}, "no variable named 'extra'"),
        ("/about", {"page": 2}, "no variable named 'page'"),
        ("/user/<id:int>", {"id": "abc"}, "bad value for 'id' (int)"),
        ("/user/<id:int>", {"id": 1.5}, "bad value for 'id' (int)"),
        ("/user/<id:int>", {"id": None}, "bad value for 'id' (int)"),
        ("/u/<name>", {"name": 42}, "bad value for 'name' (str)"),
        ("/u/<name>", {"name": ""}, "value for 'name' is ''"),
        ("/u/<name>", {"name": "a/b"}, "value for 'name' is 'a/b'"),
        ("/f/<x:float>", {"x": float("nan")}, "bad value for 'x' (float)"),
        ("/f/<x:float>", {"x": float("inf")}, "bad value for 'x' (float)"),
        ("/d/<x:decimal>", {"x": Decimal("NaN")}, "bad value for 'x' (decimal)"),
        ("/on/<x:date>", {"x": "yesterday"}, "bad value for 'x' (date)"),
        ("/at/{x:time:%H:%M}", {"x": datetime.time(9, 30, 5)}, "bad value for 'x' (time)"),
        ("/files/{rest:path}", {"rest": 3}, "bad value for 'rest' (path)"),
        ("/p/<s:slug>", {"s": "Not A Slug"}, "bad value for 's' (slug)"),
        ("/c/<c:colour>", {"c": "blue"}, "bad value for 'c' (colour)"),
    ],
    ids=[
        "missing",
        "one-of-two-missing",
        "extra",
        "extra-on-literal",
        "int-from-word",
        "int-from-fraction",
        "int-from-none",
        "str-from-int",
        "str-empty",
        "str-with-slash",
        "float-nan",
        "float-inf",
        "decimal-nan",
        "date-from-word",
        "time-lost-by-format",
        "path-from-int",
        "slug-pattern",
        "enum-unknown",
    ],
)
def test_url_for_refuses_bad_values(template: str, values: dict[str, Any], fault: str) -> None:
    router = HttpTreeRouter(REGISTRY)
    router.add({"GET"}, template, make_handler(), name="route")
    with pytest.raises(ValueError) as raised:
        router.url_for("route", **values)
    assert repr(template) in str(raised.value)
    assert fault in str(raised.value)


def test_url_for_unknown_name() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/a", make_handler(), name="known")
    with pytest.raises(KeyError) as raised:
        router.url_for("unknown")
    assert "'unknown'" in str(raised.value)
    assert "known" in str(raised.value)


def test_unnamed_routes_have_no_url() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/a", make_handler())
    with pytest.raises(KeyError):
        router.url_for("/a")


def test_a_refused_route_keeps_its_name_free() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/a", make_handler())
    with pytest.raises(TemplateError):
        router.add({"GET"}, "/a", make_handler(), name="a")
    router.add({"GET"}, "/b", make_handler(), name="a")
    assert router.url_for("a") == "/b"
