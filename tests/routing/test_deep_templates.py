"""Deep templates: refused beyond MAX_TEMPLATE_SEGMENTS, so no path raises RecursionError.

The attack: a template of about 1,000 variable segments was accepted, and every
request on it then failed with a ``RecursionError`` (a 500, with a 6 KB path in the
log). Resolution recurses at most once per template segment; a template deeper than
the documented maximum is refused when it is added, naming it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import pytest

from bareasgi import HttpTreeRouter, TemplateError, WebSocketTreeRouter
from bareasgi.routing.template import MAX_TEMPLATE_SEGMENTS

from .support import make_handler, make_ws_handler


def variables(count: int, kind: str = "") -> str:
    return "".join(f"/<v{index}{kind}>" for index in range(count))


@pytest.mark.parametrize(
    "template",
    [variables(1_000), variables(MAX_TEMPLATE_SEGMENTS + 1), "/a" * (MAX_TEMPLATE_SEGMENTS + 1),
     variables(MAX_TEMPLATE_SEGMENTS) + "/"],
    ids=["a-thousand-variables", "one-variable-too-many", "one-literal-too-many",
         "one-trailing-slash-too-many"],
)  # fmt: skip
def test_a_template_deeper_than_the_maximum_is_refused_by_name(template: str) -> None:
    with pytest.raises(TemplateError) as raised:
        HttpTreeRouter().add({"GET"}, template, make_handler())
    assert repr(template) in str(raised.value)
    assert f"more than the {MAX_TEMPLATE_SEGMENTS}" in str(raised.value)
    with pytest.raises(TemplateError, match=f"more than the {MAX_TEMPLATE_SEGMENTS}"):
        WebSocketTreeRouter().add(template, make_ws_handler())


def test_the_deepest_template_allowed_resolves() -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    router.add({"GET"}, variables(MAX_TEMPLATE_SEGMENTS, ":int"), handler, name="deep")
    path = "".join(f"/{index}" for index in range(MAX_TEMPLATE_SEGMENTS))
    expected = {f"v{index}": index for index in range(MAX_TEMPLATE_SEGMENTS)}
    assert router.resolve("GET", path) == (handler, expected)
    assert router.url_for("deep", **expected) == path


def test_a_lenient_router_allows_the_trailing_slash_it_drops() -> None:
    router = HttpTreeRouter(trailing_slash="lenient")
    handler = make_handler()
    router.add({"GET"}, variables(MAX_TEMPLATE_SEGMENTS) + "/", handler)
    path = "/x" * MAX_TEMPLATE_SEGMENTS
    assert router.resolve("GET", path + "/")[0] is handler


@contextmanager
def deepest_stack() -> Iterator[Callable[[], int]]:
    """Inside the block, track how many frames deeper than its start the stack went."""
    depth = 0
    deepest = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal depth, deepest
        if event == "call":
            depth += 1
            deepest = max(deepest, depth)
        elif event == "return":
            depth -= 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield lambda: deepest
    finally:
        sys.setprofile(previous)


def routers() -> list[HttpTreeRouter]:
    """Routers whose walks backtrack through the deepest templates at every segment."""
    found = [
        HttpTreeRouter(),
        HttpTreeRouter(trailing_slash="lenient", conversion_error_status=422),
        HttpTreeRouter(trailing_slash="redirect", conversion_error_status=400),
    ]
    for router in found:
        for kind in (":int", ":uuid", ""):
            router.add({"POST"}, variables(MAX_TEMPLATE_SEGMENTS, kind), make_handler())
        router.add({"GET"}, variables(MAX_TEMPLATE_SEGMENTS - 1) + "/{rest:path}", make_handler())
    return found


@pytest.mark.parametrize(
    "path",
    ["/1" * MAX_TEMPLATE_SEGMENTS, "/1" * MAX_TEMPLATE_SEGMENTS + "/", "/x" * 5_000,
     "/1" * (MAX_TEMPLATE_SEGMENTS - 1) + "/x", "/" * 1_000],
    ids=["deepest", "deepest-with-slash", "five-thousand-segments", "fails-at-the-end",
         "a-thousand-slashes"],
)  # fmt: skip
@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_no_path_recurses_deeper_than_the_deepest_template(path: str, method: str) -> None:
    for router in routers():
        with deepest_stack() as deepest:
            router.resolve(method, path)  # never a RecursionError
        # One frame per template segment, and a few for the calls around the walk.
        assert deepest() <= MAX_TEMPLATE_SEGMENTS + 10, deepest()
