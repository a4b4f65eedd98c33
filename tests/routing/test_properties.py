"""Properties: a value written with url_for resolves back to itself; any path resolves
or misses, and never raises."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bareasgi import ConverterRegistry, HttpRequestCallback, HttpTreeRouter, WebSocketTreeRouter
from bareasgi.routing.converters import MAX_INT_DIGITS

from .support import make_handler, make_ws_handler
from .test_converters import Colour, Slug

REGISTRY = ConverterRegistry({"slug": Slug, "colour": Colour})

SETTINGS = settings(
    max_examples=150,
    deadline=None,  # the first example builds Pydantic validators; later ones are fast
    suppress_health_check=[HealthCheck.too_slow],
)

# Offsets of whole minutes: ISO 8601 (and Pydantic) write no seconds in an offset.
OFFSETS = st.none() | st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)
# Decimals within the converter's bounds: up to 30 digits, so even written out in full
# (as str() does down to 1E-6) they stay within MAX_DECIMAL_DIGITS, and an exponent that
# str() writes in at most three digits.
BOUNDED_DECIMALS = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(map(int, str(digits))), exponent)),
    st.integers(0, 1),
    st.integers(0, 10**30 - 1),
    st.integers(-950, 950),
)
SEGMENT_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=9)


@dataclass(frozen=True)
class Kind:
    """A variable's type as a template spells it, and the values it round-trips."""

    spec: str
    values: st.SearchStrategy[Any]


KINDS = [
    Kind("", SEGMENT_TEXT),
    Kind(":str", SEGMENT_TEXT),
    Kind(":int", st.integers(-(10**MAX_INT_DIGITS) + 1, 10**MAX_INT_DIGITS - 1)),
    Kind(":float", st.floats(allow_nan=False, allow_infinity=False)),
    Kind(":bool", st.booleans()),
    Kind(":decimal", BOUNDED_DECIMALS),
    Kind(":uuid", st.uuids()),
    Kind(":date", st.dates()),
    Kind(":datetime", st.datetimes(timezones=OFFSETS)),
    Kind(":time", st.times(timezones=OFFSETS)),
    # strptime's %Y reads exactly four digits, so formatted years start at 1000.
    Kind(":date:%d.%m.%Y", st.dates(min_value=datetime.date(1000, 1, 1))),
    Kind(
        ":datetime:%Y%m%dT%H:%M:%S",
        st.datetimes(min_value=datetime.datetime(1000, 1, 1)).map(
            lambda value: value.replace(microsecond=0)
        ),
    ),
    Kind(":time:%H:%M", st.times().map(lambda value: value.replace(second=0, microsecond=0))),
    Kind(":slug", st.from_regex(r"^[a-z0-9-]+$", fullmatch=True)),
    Kind(":colour", st.sampled_from(Colour)),
]
REST = Kind(
    ":path",
    st.lists(st.text(st.characters(codec="utf-8"), max_size=6), max_size=4).map("/".join),
)


@st.composite
def templates_and_values(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A template of literals and variables of every kind, in either spelling, and values."""
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4))
    if draw(st.booleans()):
        kinds.append(REST)
    parts: list[str] = []
    values: dict[str, Any] = {}
    for index, kind in enumerate(kinds):
        if draw(st.booleans()):
            parts.append(f"lit{index}")
        opener, closer = draw(st.sampled_from([("{", "}"), ("<", ">")]))
        parts.append(f"{opener}v{index}{kind.spec}{closer}")
        values[f"v{index}"] = draw(kind.values)
    trailing = "/" if kinds[-1] is not REST and draw(st.booleans()) else ""
    return "/" + "/".join(parts) + trailing, values


@SETTINGS
@given(templates_and_values())
def test_url_for_resolves_back_to_the_values(case: tuple[str, dict[str, Any]]) -> None:
    template, values = case
    router = HttpTreeRouter(REGISTRY)
    handler = make_handler()
    router.add({"GET"}, template, handler, name="route")
    path = router.url_for("route", **values)
    found, matches = router.resolve("GET", unquote(path))
    assert found is handler
    assert matches == values
    assert {name: type(value) for name, value in matches.items()} == {
        name: type(value) for name, value in values.items()
    }
    ws_router = WebSocketTreeRouter(REGISTRY)
    ws_handler = make_ws_handler()
    ws_router.add(template, ws_handler, name="route")
    assert ws_router.url_for("route", **values) == path
    assert ws_router.resolve(unquote(path)) == (ws_handler, values)


TEMPLATES = [
    "/",
    "/a",
    "/a/",
    "/a/b",
    "/a/<x>",
    "/a/<x:int>",
    "/a/<x:int>/b",
    "/a/<x:float>/<y:bool>",
    "/a/<x:decimal>/<y:uuid>",
    "/a/<x:date>/{y:datetime}",
    "/a/<x:time>/{y:time:%H:%M}",
    "/a/{x:date:%d.%m.%Y}/<y:slug>",
    "/a/<x:colour>/{rest:path}",
    "/a/<x:int>/<y:int>/<z:int>",
    "/b/{rest:path}",
    "/<x>/<y>/",
    "/{rest:path}",
]
SEGMENTS = st.sampled_from(
    [
        "", "a", "b", "lit", "0", "-1", "1.5", "true", "nan", "inf", "1e400",
        "2024-02-29", "2023-02-29", "2024-01-02T03:04:05Z", "12:30", "25:00",
        "01.02.2024", "12345678-1234-5678-1234-567812345678", "red", "a-b",
        "%", "%2F", "..", " ", "\x00", "é", "{x}", "<x:int>",
    ]
) | st.text(max_size=8).map(lambda text: text.replace("/", ""))  # fmt: skip


TEMPLATE_NAMES = {template: set(re.findall(r"[{<](\w+)", template)) for template in TEMPLATES}


def _with_every_template(
    router: HttpTreeRouter,
) -> tuple[HttpTreeRouter, dict[HttpRequestCallback, set[str]]]:
    """``router`` holding every template (some for GET, some not), and each handler's variables."""
    names: dict[HttpRequestCallback, set[str]] = {}
    for index, template in enumerate(TEMPLATES):
        handler = make_handler()
        router.add({"GET"} if index % 2 else {"POST", "PUT"}, template, handler)
        names[handler] = TEMPLATE_NAMES[template]
    return router, names


ROUTERS = [
    _with_every_template(HttpTreeRouter(REGISTRY)),
    _with_every_template(
        HttpTreeRouter(REGISTRY, trailing_slash="lenient", conversion_error_status=422)
    ),
    _with_every_template(
        HttpTreeRouter(REGISTRY, trailing_slash="redirect", conversion_error_status=400)
    ),
]
WS_ROUTER = WebSocketTreeRouter(REGISTRY)
for _template in TEMPLATES:
    WS_ROUTER.add(_template, make_ws_handler())

PATHS = st.lists(SEGMENTS, max_size=6).map(lambda segments: "/" + "/".join(segments)) | st.text(
    max_size=20
)


@SETTINGS
@given(st.sampled_from(["GET", "HEAD", "POST", "DELETE"]), PATHS)
def test_any_path_resolves_or_misses(method: str, path: str) -> None:
    for router, names in ROUTERS:
        handler, matches = router.resolve(method, path)
        if handler is router.not_found:
            assert matches == {}
        elif handler in names:
            assert set(matches) == names[handler]
        else:  # one the router made: a 405, a redirect or a conversion error
            assert matches == {}
    ws_handler, ws_matches = WS_ROUTER.resolve(path)
    assert ws_handler is not WS_ROUTER.not_found or ws_matches == {}
