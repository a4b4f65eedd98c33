"""Bad templates: any template text is either accepted, or refused with a TemplateError
that names it; never another exception, and an accepted template never makes
resolution raise. No accepted template has an empty segment (but a trailing slash) or
more than MAX_TEMPLATE_SEGMENTS segments."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bareasgi import HttpTreeRouter, TemplateError, WebSocketTreeRouter
from bareasgi.routing.template import MAX_TEMPLATE_SEGMENTS

from ..routing.support import make_handler, make_ws_handler

TYPES = [
    "", "str", "int", "float", "bool", "decimal", "uuid", "date", "datetime", "time", "path",
    "integer", "Int", "list", "é", " ",
]  # fmt: skip
DIRECTIVES = [
    "%Y", "%m", "%d", "%H", "%M", "%S", "%f", "%z", "%Z", "%j", "%U", "%W", "%a", "%A",
    "%b", "%B", "%p", "%y", "%I", "%G", "%V", "%u", "%%", "%", "%Q", "%s", "%c", "%x",
    "%X", ".", "-", ":", "T", " ", "(", "[", "\\", "é", "{", ">",
]  # fmt: skip
NAMES = st.sampled_from(["x", "id", "_", "é", "rest", "1x", "a-b", "", " ", "x y"]) | st.text(
    max_size=4
)
FORMATS = st.lists(st.sampled_from(DIRECTIVES), min_size=1, max_size=4).map("".join)


@st.composite
def variable(draw: st.DrawFn) -> str:
    """Something shaped like a variable, often not quite one."""
    opener = draw(st.sampled_from(["{", "<", "", "{{", "<"]))
    closer = draw(st.sampled_from(["}", ">", "", "}}"]))
    inner = draw(NAMES)
    if draw(st.booleans()):
        inner += ":" + draw(st.sampled_from(TYPES))
        if draw(st.booleans()):
            inner += ":" + draw(FORMATS)
    return opener + inner + closer


SEGMENTS = st.one_of(
    variable(),
    st.sampled_from(["", "a", "..", "%2F", "x}", "<", "{}", "<>", "{:}", "é"]),
    st.text(max_size=6),
)


@st.composite
def templates(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 19))
    if shape == 0:
        return draw(st.text(max_size=20))  # anything at all
    if shape == 1:  # around the most segments a template may have
        count = draw(st.integers(MAX_TEMPLATE_SEGMENTS - 2, MAX_TEMPLATE_SEGMENTS + 2))
        variables = "".join(f"/{{v{index}}}" for index in range(count))
        return variables + draw(st.sampled_from(["", "/"]))
    return "/" + "/".join(draw(st.lists(SEGMENTS, min_size=1, max_size=5)))


SAMPLE_SEGMENTS = [
    "", "x", "1", "-1", "1.5", "true", "2024-02-29", "2024-01-02T03:04:05", "12:30",
    "01.02.2024", "2024", "20242024", "Mon", "+0000", "UTC", "12345678-1234-5678-1234-567812345678",
]  # fmt: skip


def sample_paths(template: str) -> list[str]:
    """Paths shaped like ``template``: each segment replaced by each sample."""
    parts = template[1:].split("/")
    return ["/" + "/".join(sample for _ in parts) for sample in SAMPLE_SEGMENTS] + [template]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates())
@example("/d/{when:date:%Y%Y}")
@example("/d/<when:time:%H%H>")
@example("/d/<when:datetime:%z%z>")
@example("//{page}")
@example("//docs")
@example("".join(f"/{{v{index}}}" for index in range(1_000)))
def test_a_template_is_accepted_or_refused_by_name(template: str) -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    try:
        router.add({"GET"}, template, handler)
    except TemplateError as error:
        assert repr(template) in str(error)
        return
    parts = template[1:].split("/")
    assert "" not in parts[:-1], "an empty segment but the trailing slash"
    assert len(parts) <= MAX_TEMPLATE_SEGMENTS
    for path in sample_paths(template):
        router.resolve("GET", path)  # never raises
    if template.startswith("/") and not any(c in template for c in "{}<>"):
        assert router.resolve("GET", template) == (handler, {})

    ws_router = WebSocketTreeRouter()
    ws_router.add(template, make_ws_handler())  # what one router takes, the other takes
    for path in sample_paths(template):
        ws_router.resolve(path)


@pytest.mark.parametrize(
    "template",
    ["/d/{when:date:%Y%Y}", "/d/<when:time:%H:%Q>", "/d/<when:datetime:%Y-%>"],
    ids=["directive-twice", "unknown-directive", "stray-percent"],
)
def test_a_format_strptime_cannot_read_is_refused_when_added(template: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(repr(template)) + ".*strptime cannot read"):
        HttpTreeRouter().add({"GET"}, template, make_handler())
