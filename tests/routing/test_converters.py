"""Converters: the built-in types, strptime formats, and the types users register."""

from __future__ import annotations

import datetime
import enum
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypedDict

import pytest
from pydantic import BaseModel, Field, StringConstraints

from bareasgi import Application, ConverterError, ConverterRegistry, HttpTreeRouter, TemplateError

from .support import make_handler, make_ws_handler, not_found_of, ws_not_found_of

UTC = datetime.timezone.utc
PLUS_ONE = datetime.timezone(datetime.timedelta(hours=1))
SOME_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    ("type_name", "segment", "expected"),
    [
        ("str", "hello", "hello"),
        ("int", "42", 42),
        ("int", "-5", -5),
        ("int", "0", 0),
        ("float", "1.5", 1.5),
        ("float", "-2.25", -2.25),
        ("float", "1e3", 1000.0),
        ("float", "3", 3.0),
        ("bool", "true", True),
        ("bool", "false", False),
        ("bool", "1", True),
        ("bool", "0", False),
        ("decimal", "1.50", Decimal("1.50")),
        ("decimal", "-2", Decimal("-2")),
        ("uuid", str(SOME_UUID), SOME_UUID),
        ("uuid", SOME_UUID.hex, SOME_UUID),
        ("date", "2024-02-29", datetime.date(2024, 2, 29)),
        ("datetime", "2024-01-02T03:04:05", datetime.datetime(2024, 1, 2, 3, 4, 5)),
        ("datetime", "2024-01-02T03:04:05Z", datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (
            "datetime",
            "2024-01-02T03:04:05+01:00",
            datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=PLUS_ONE),
        ),
        ("datetime", "2024-01-02T03:04:05.25", datetime.datetime(2024, 1, 2, 3, 4, 5, 250000)),
        ("time", "12:30", datetime.time(12, 30)),
        ("time", "12:30:15.5", datetime.time(12, 30, 15, 500000)),
        ("time", "12:30+01:00", datetime.time(12, 30, tzinfo=PLUS_ONE)),
    ],
    ids=[
        "str",
        "int",
        "int-negative",
        "int-zero",
        "float",
        "float-negative",
        "float-exponent",
        "float-from-integer",
        "bool-true",
        "bool-false",
        "bool-1",
        "bool-0",
        "decimal",
        "decimal-negative",
        "uuid",
        "uuid-hex",
        "date-leap-day",
        "datetime-naive",
        "datetime-utc",
        "datetime-offset",
        "datetime-fraction",
        "time",
        "time-fraction",
        "time-offset",
    ],
)
def test_builtin_type_converts(type_name: str, segment: str, expected: object) -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    router.add({"GET"}, f"/v/<value:{type_name}>", handler)
    found, matches = router.resolve("GET", f"/v/{segment}")
    assert found is handler
    assert matches == {"value": expected}
    assert type(matches["value"]) is type(expected)


def test_decimal_keeps_its_digits() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/price/<p:decimal>", make_handler())
    _, matches = router.resolve("GET", "/price/1.50")
    assert str(matches["p"]) == "1.50"


def test_offset_of_a_datetime_is_kept() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/at/<when:datetime>", make_handler())
    _, matches = router.resolve("GET", "/at/2024-01-02T03:04:05+01:00")
    assert matches["when"].utcoffset() == datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("type_name", "segment"),
    [
        ("int", "abc"),
        ("int", "5.5"),
        ("int", "0x10"),
        ("int", "1e3"),
        ("float", "abc"),
        ("float", "1,5"),
        ("bool", "maybe"),
        ("bool", "2"),
        ("decimal", "abc"),
        ("decimal", "1.2.3"),
        ("uuid", "xyz"),
        ("uuid", "1234"),
        ("date", "2023-02-29"),
        ("date", "2024-13-01"),
        ("date", "today"),
        ("datetime", "x"),
        ("datetime", "2024-01-02T25:00:00"),
        ("time", "25:00"),
        ("time", "noon"),
    ],
    ids=[
        "int-word",
        "int-fraction",
        "int-hex",
        "int-exponent",
        "float-word",
        "float-comma",
        "bool-word",
        "bool-2",
        "decimal-word",
        "decimal-two-points",
        "uuid-word",
        "uuid-short",
        "date-no-leap-day",
        "date-month-13",
        "date-word",
        "datetime-word",
        "datetime-hour-25",
        "time-hour-25",
        "time-word",
    ],
)
def test_builtin_type_refuses(type_name: str, segment: str) -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, f"/v/<value:{type_name}>", make_handler())
    assert router.resolve("GET", f"/v/{segment}") == (router.not_found, {})


@pytest.mark.parametrize(
    ("template", "segment", "expected"),
    [
        ("<d:date:%d.%m.%Y>", "01.02.2024", datetime.date(2024, 2, 1)),
        ("<d:date:%d.%m.%Y>", "2024-02-01", None),
        ("{d:date:%Y%m%d}", "20240201", datetime.date(2024, 2, 1)),
        ("{d:date:%Y%m%d}", "20240230", None),
        ("<w:datetime:%Y%m%d%H%M>", "202401020304", datetime.datetime(2024, 1, 2, 3, 4)),
        ("<w:datetime:%Y%m%d%H%M>", "2024-01-02T03:04:00", None),
        ("<t:time:%H:%M>", "09:30", datetime.time(9, 30)),
        ("<t:time:%H:%M>", "09:30:00", None),
        ("<t:time:%Hh%M>", "09h30", datetime.time(9, 30)),
        ("<t:time:%Hh%M>", "09:30", None),
    ],
    ids=[
        "date-dotted",
        "date-dotted-refuses-iso",
        "date-compact",
        "date-compact-no-such-day",
        "datetime-compact",
        "datetime-compact-refuses-iso",
        "time-with-colon",
        "time-with-colon-refuses-seconds",
        "time-letter",
        "time-letter-refuses-iso",
    ],
)
def test_format_is_a_strptime_format(template: str, segment: str, expected: object) -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    router.add({"GET"}, f"/v/{template}", handler)
    found, matches = router.resolve("GET", f"/v/{segment}")
    if expected is None:
        assert (found, matches) == (router.not_found, {})
    else:
        assert found is handler
        assert list(matches.values()) == [expected]
        assert type(list(matches.values())[0]) is type(expected)


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]
Positive = Annotated[int, Field(gt=0)]


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Size(enum.IntEnum):
    SMALL = 1
    LARGE = 2


@pytest.mark.parametrize(
    ("type_", "segment", "expected"),
    [
        (Slug, "hello-world-2", "hello-world-2"),
        (Slug, "Hello", None),
        (Slug, "a_b", None),
        (Positive, "5", 5),
        (Positive, "0", None),
        (Positive, "-1", None),
        (Colour, "red", Colour.RED),
        (Colour, "RED", None),
        (Colour, "blue", None),
        (Size, "2", Size.LARGE),
        (Size, "3", None),
    ],
    ids=[
        "slug",
        "slug-refuses-upper-case",
        "slug-refuses-underscore",
        "constrained-int",
        "constrained-int-refuses-zero",
        "constrained-int-refuses-negative",
        "enum",
        "enum-by-value-not-name",
        "enum-refuses-other",
        "int-enum",
        "int-enum-refuses-other",
    ],
)
def test_registered_type_converts(type_: Any, segment: str, expected: object) -> None:
    router = HttpTreeRouter(ConverterRegistry({"custom": type_}))
    handler = make_handler()
    router.add({"GET"}, "/v/<value:custom>", handler)
    found, matches = router.resolve("GET", f"/v/{segment}")
    if expected is None:
        assert (found, matches) == (router.not_found, {})
    else:
        assert found is handler
        assert matches == {"value": expected}
        assert type(matches["value"]) is type(expected)


def test_registry_add_makes_a_type_usable() -> None:
    registry = ConverterRegistry()
    registry.add("colour", Colour)
    router = HttpTreeRouter(registry)
    handler = make_handler()
    router.add({"GET"}, "/c/{c:colour}", handler)
    assert router.resolve("GET", "/c/green") == (handler, {"c": Colour.GREEN})


def test_registered_type_takes_no_format() -> None:
    router = HttpTreeRouter(ConverterRegistry({"slug": Slug}))
    with pytest.raises(TemplateError, match=r"'/p/<s:slug:x>'.*type 'slug' takes no format"):
        router.add({"GET"}, "/p/<s:slug:x>", make_handler())


@dataclass
class _Point:
    x: int
    y: int


class _Model(BaseModel):
    name: str


class _Dict(TypedDict):
    name: str


class _Arbitrary:
    pass


@pytest.mark.parametrize(
    "type_",
    [list[int], dict[str, int], tuple[int, int], set[str], _Model, _Point, _Dict, _Arbitrary],
    ids=["list", "dict", "tuple", "set", "pydantic-model", "dataclass", "typed-dict", "class"],
)
def test_type_not_read_from_a_string_is_refused(type_: Any) -> None:
    registry = ConverterRegistry()
    with pytest.raises(ConverterError, match="converter 'thing'"):
        registry.add("thing", type_)
    with pytest.raises(TemplateError, match="unknown type 'thing'"):
        HttpTreeRouter(registry).add({"GET"}, "/x/<a:thing>", make_handler())
    with pytest.raises(ConverterError, match="converter 'thing'"):
        Application(converters={"thing": type_})


@pytest.mark.parametrize(
    "name", ["str", "int", "float", "bool", "decimal", "uuid", "date", "datetime", "time", "path"]
)
def test_builtin_names_cannot_be_registered(name: str) -> None:
    with pytest.raises(ConverterError, match=f"{name!r} clashes with the built-in type"):
        ConverterRegistry().add(name, Slug)
    with pytest.raises(ConverterError, match=f"{name!r} clashes with the built-in type"):
        Application(converters={name: Slug})
    with pytest.raises(ConverterError, match=f"{name!r} clashes with the built-in type"):
        Application().add_converter(name, Slug)


def test_a_name_is_registered_once() -> None:
    registry = ConverterRegistry({"slug": Slug})
    with pytest.raises(ConverterError, match="'slug' is already registered"):
        registry.add("slug", str)
    router = HttpTreeRouter(registry)
    router.add({"GET"}, "/p/<s:slug>", make_handler())
    assert router.resolve("GET", "/p/UPPER") == (router.not_found, {})


@pytest.mark.parametrize(
    "name", ["", "my-slug", "1st", "a b"], ids=["empty", "dash", "digit", "space"]
)
def test_converter_name_must_be_an_identifier(name: str) -> None:
    with pytest.raises(ConverterError, match="must be an identifier"):
        ConverterRegistry().add(name, Slug)


def test_application_converters_serve_both_routers() -> None:
    app = Application(converters={"slug": Slug})
    handler, ws_handler = make_handler(), make_ws_handler()
    app.http_router.add({"GET"}, "/post/<name:slug>", handler)
    app.ws_router.add("/live/<name:slug>", ws_handler)
    assert app.http_router.resolve("GET", "/post/a-b") == (handler, {"name": "a-b"})
    assert app.http_router.resolve("GET", "/post/A") == (not_found_of(app), {})
    assert app.ws_router.resolve("/live/a-b") == (ws_handler, {"name": "a-b"})
    assert app.ws_router.resolve("/live/A") == (ws_not_found_of(app), {})


def test_add_converter_serves_both_routers() -> None:
    app = Application()
    with pytest.raises(TemplateError, match="unknown type 'colour'"):
        app.ws_router.add("/live/<c:colour>", make_ws_handler())
    app.add_converter("colour", Colour)
    handler, ws_handler = make_handler(), make_ws_handler()
    app.http_router.add({"GET"}, "/c/<c:colour>", handler)
    app.ws_router.add("/live/<c:colour>", ws_handler)
    assert app.http_router.resolve("GET", "/c/red") == (handler, {"c": Colour.RED})
    assert app.ws_router.resolve("/live/red") == (ws_handler, {"c": Colour.RED})


def test_applications_do_not_share_converters() -> None:
    first, second = Application(), Application()
    first.add_converter("colour", Colour)
    first.http_router.add({"GET"}, "/c/<c:colour>", make_handler())
    with pytest.raises(TemplateError, match="unknown type 'colour'"):
        second.http_router.add({"GET"}, "/c/<c:colour>", make_handler())
    second.add_converter("colour", Size)  # the name is free in the other application


def test_negative_numbers_convert() -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    router.add({"GET"}, "/t/<n:int>", handler)
    router.add({"GET"}, "/f/<x:float>", handler)
    router.add({"GET"}, "/d/<x:decimal>", handler)
    assert router.resolve("GET", "/t/-5") == (handler, {"n": -5})
    assert router.resolve("GET", "/f/-0.5") == (handler, {"x": -0.5})
    assert router.resolve("GET", "/d/-0.5") == (handler, {"x": Decimal("-0.5")})
