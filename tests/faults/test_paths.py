"""Bad paths: any request path resolves or misses, never raises, and costs work in
proportion to its length.

The router holds many templates of every type. The work is counted, not timed:

- the Python and C calls made while resolving (a profile hook counts them), which
  must stay within a bound set by the router's size plus a constant per segment of
  the path, so a path of thousands of segments cannot make the walk quadratic, nor
  can backtracking through many variables make it exponential;
- the text handed to converters: every call gets exactly one segment of the path,
  and there are never more calls than the router has variables (times the walks one
  resolution may make), so the characters converted stay proportional to the length.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bareasgi import ConverterRegistry, HttpTreeRouter, WebSocketTreeRouter
from bareasgi.routing.template import MAX_TEMPLATE_SEGMENTS

from ..routing.locations import assert_same_site
from ..routing.support import call as call_handler
from ..routing.support import make_handler, make_ws_handler
from ..routing.test_converters import Colour, Slug

KINDS = [
    "", ":str", ":int", ":float", ":bool", ":decimal", ":uuid", ":date", ":datetime", ":time",
    ":date:%d.%m.%Y", ":datetime:%Y%m%dT%H%M%S", ":time:%H:%M", ":slug", ":colour",
]  # fmt: skip
FORMATS = {"date": "%d.%m.%Y", "datetime": "%Y%m%dT%H%M%S", "time": "%H:%M"}


def templates() -> list[str]:
    """Many templates of every type, in both spellings: literal-first, variable-first,
    several variables in a row, trailing slashes, and ``path`` catch-alls."""
    found = ["/", "/a", "/b/", "/a/b/c", "/{rest:path}", "/files/{rest:path}"]
    # The deepest template allowed, of variables: one walk may backtrack through them all.
    deepest = "".join(f"/<v{index}:int>" for index in range(MAX_TEMPLATE_SEGMENTS - 1))
    found.append("/deep" + deepest)
    for index, kind in enumerate(KINDS):
        found += [
            f"/t{index}/{{x{kind}}}",
            f"/t{index}/<x{kind}>/tail/",
            f"/<x{kind}>/v{index}",
            f"/a/<x{kind}>/<y{KINDS[(index + 1) % len(KINDS)]}>/z{index}",
            f"/a/<x{kind}>/<y{KINDS[(index + 2) % len(KINDS)]}>/{{rest:path}}",
            f"/d/<a{kind}>/<b{kind}>/<c{kind}>/<d{kind}>/<e{kind}>/end{index}",
        ]
    return found


TEMPLATES = templates()
TEMPLATE_SEGMENTS = sum(template.count("/") for template in TEMPLATES)
VARIABLES = sum(template.count("<") + template.count("{") for template in TEMPLATES)
WALKS = 4  # find, find again for the other trailing slash, the redirect's, explain


@dataclass
class Counted:
    """The work of one resolution."""

    calls: int = 0
    converted: list[str] = field(default_factory=list)


COUNTED = Counted()


def counting_registry() -> ConverterRegistry:
    """A registry whose converters record each segment they are given.

    The registry builds one converter per type name and format and hands the same one
    to every template, so wrapping each before any template is added counts them all.
    """
    registry = ConverterRegistry({"slug": Slug, "colour": Colour})
    for name in registry.names():
        for format in (None, FORMATS.get(name)):
            converter = registry.get(name, format)
            if converter.convert is not None:
                object.__setattr__(converter, "convert", _counting(converter.convert))
                try:  # the first call of a strptime format compiles it: not per-request work
                    converter.convert("0")
                except ValueError:
                    pass
    return registry


def _counting(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def counted(segment: str) -> Any:
        COUNTED.converted.append(segment)
        return convert(segment)

    return counted


def router_with_every_template(router: HttpTreeRouter) -> tuple[HttpTreeRouter, set[Any]]:
    handlers: set[Any] = set()
    for index, template in enumerate(TEMPLATES):
        handler = make_handler()
        router.add({"GET"} if index % 3 else {"POST"}, template, handler)
        handlers.add(handler)
    return router, handlers


REGISTRY = counting_registry()
ROUTERS = [
    router_with_every_template(HttpTreeRouter(REGISTRY)),
    router_with_every_template(
        HttpTreeRouter(REGISTRY, trailing_slash="lenient", conversion_error_status=422)
    ),
    router_with_every_template(
        HttpTreeRouter(REGISTRY, trailing_slash="redirect", conversion_error_status=400)
    ),
]
WS_ROUTER = WebSocketTreeRouter(REGISTRY)
for _template in TEMPLATES:
    WS_ROUTER.add(_template, make_ws_handler())


@contextmanager
def counting() -> Iterator[Counted]:
    """Count the calls made and the segments converted inside the block."""
    counted = COUNTED
    counted.calls = 0
    counted.converted.clear()

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event in ("call", "c_call"):
            counted.calls += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield counted
    finally:
        sys.setprofile(previous)


SPECIAL = st.sampled_from(
    [
        "", ".", "..", "%", "%2F", "%2e%2e", "%00", "%zz", "\x00", "\r\n", "\x7f", "\t", " ",
        "é", "日本", "😀", "\u202e", "a", "b", "z0", "v3", "tail", "end1", "files",
        "0", "-1", "1.5", "1e400", "nan", "true", "2024-02-29", "2023-02-29",
        "2024-01-02T03:04:05Z", "12:30", "25:61", "01.02.2024", "20240102T030405",
        "12345678-1234-5678-1234-567812345678", "red", "a-b", "{x}", "<x:int>",
        "deep", "\\", "\\evil.example", "evil.example", "+1", "007", "1_0", "٤٢", "inf",
        "1e1000000", "1E+999999999",
    ]
)  # fmt: skip
SEGMENT = SPECIAL | st.text(max_size=12).map(lambda text: text.replace("/", ""))
LONG_SEGMENT = st.sampled_from(["9", "a", "1.", "é", "%", "-"]).flatmap(
    lambda unit: st.integers(1_000, 50_000).map(lambda count: unit * count)
)


@st.composite
def paths(draw: st.DrawFn) -> str:
    """Short odd paths, paths of thousands of segments, and paths with huge segments."""
    segments = draw(st.lists(SEGMENT, max_size=8))
    shape = draw(st.sampled_from(["short", "many", "long", "raw"]))
    if shape == "many":
        segments += draw(st.lists(SEGMENT, min_size=1, max_size=3)) * draw(st.integers(500, 5_000))
    elif shape == "long":
        segments.insert(draw(st.integers(0, len(segments))), draw(LONG_SEGMENT))
    elif shape == "raw":  # not even starting with a slash
        return draw(st.text(max_size=40))
    return "/" + "/".join(segments)


METHODS = st.sampled_from(["GET", "HEAD", "POST", "DELETE", "BREW"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(METHODS, paths())
def test_any_path_resolves_or_misses_with_work_proportional_to_its_length(
    method: str, path: str
) -> None:
    segments = path[1:].split("/") if path.startswith("/") else [path]
    for router, handlers in ROUTERS:
        with counting() as work:
            handler, _ = router.resolve(method, path)
        assert work.calls <= 3 * TEMPLATE_SEGMENTS + 4 * len(segments), work.calls
        assert len(work.converted) <= WALKS * VARIABLES, len(work.converted)
        assert all(segment in segments for segment in work.converted)
        if handler is not router.not_found and handler not in handlers:
            # A handler the router made (405, 308, 400, 422) answers without raising.
            answer = call_handler(handler, path)
            assert answer.status in (400, 405, 422, 308)
            if answer.status == 308:
                assert_same_site(answer.headers[b"location"])
    with counting() as work:
        WS_ROUTER.resolve(path)
    assert len(work.converted) <= WALKS * VARIABLES


def test_the_work_does_not_grow_with_the_number_of_segments() -> None:
    """The same shapes, ten and a thousand times longer: the calls made stay put."""
    router, _ = ROUTERS[1]
    for unit in ("/a", "/1", "/d/1", "/t2/2024-01-01", "/a/1/2", "/files/x"):
        with counting() as short:
            router.resolve("GET", unit * 10)
        with counting() as long:
            router.resolve("GET", unit * 1_000)
        assert long.calls <= short.calls + 10, (unit, short.calls, long.calls)
