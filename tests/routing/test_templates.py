"""Path templates: both spellings, every form, and the mistakes refused at add() time."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from bareasgi import ConverterRegistry, HttpTreeRouter, TemplateError, WebSocketTreeRouter

from .support import make_handler, make_ws_handler


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("/", "/", {}),
        ("/foo/bar", "/foo/bar", {}),
        ("/café/menü", "/café/menü", {}),
        ("/foo/{name}", "/foo/abc", {"name": "abc"}),
        ("/foo/<name>", "/foo/abc", {"name": "abc"}),
        ("/foo/{name:str}", "/foo/a b%c", {"name": "a b%c"}),
        ("/foo/<name:str>", "/foo/a b%c", {"name": "a b%c"}),
        ("/foo/{id:int}", "/foo/42", {"id": 42}),
        ("/foo/<id:int>", "/foo/42", {"id": 42}),
        ("/d/{when:date:%d.%m.%Y}", "/d/01.02.2024", {"when": datetime.date(2024, 2, 1)}),
        ("/d/<when:date:%d.%m.%Y>", "/d/01.02.2024", {"when": datetime.date(2024, 2, 1)}),
        ("/t/{t:time:%H:%M}", "/t/09:30", {"t": datetime.time(9, 30)}),
        ("/t/<t:time:%H:%M>", "/t/09:30", {"t": datetime.time(9, 30)}),
        (
            "/at/<when:datetime:%Y-%m-%dT%H:%M>",
            "/at/2024-01-02T03:04",
            {"when": datetime.datetime(2024, 1, 2, 3, 4)},
        ),
        ("/files/{rest:path}", "/files/a/b/c.txt", {"rest": "a/b/c.txt"}),
        ("/files/<rest:path>", "/files/a/b/c.txt", {"rest": "a/b/c.txt"}),
        ("/files/{rest:path}", "/files/", {"rest": ""}),
        ("/files/{rest:path}", "/files/a", {"rest": "a"}),
        ("/files/{rest:path}", "/files/a/", {"rest": "a/"}),
        ("/files/{rest:path}", "/files/a//b", {"rest": "a//b"}),
        ("/{rest:path}", "/", {"rest": ""}),
        ("/{rest:path}", "/x/y", {"rest": "x/y"}),
        ("/foo/", "/foo/", {}),
        (
            "/user/{uid:int}/post/<slug>/{rest:path}",
            "/user/7/post/hello/a/b",
            {"uid": 7, "slug": "hello", "rest": "a/b"},
        ),
    ],
    ids=[
        "root",
        "literal",
        "literal-non-ascii",
        "braces",
        "angles",
        "braces-str",
        "angles-str",
        "braces-typed",
        "angles-typed",
        "braces-format",
        "angles-format",
        "braces-format-with-colon",
        "angles-format-with-colon",
        "datetime-format-with-colon",
        "braces-rest",
        "angles-rest",
        "empty-rest",
        "one-segment-rest",
        "rest-keeps-trailing-slash",
        "rest-keeps-empty-segment",
        "root-rest-empty",
        "root-rest",
        "literal-trailing-slash",
        "mixed-spellings",
    ],
)
def test_template_matches(template: str, path: str, expected: dict[str, Any]) -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    router.add({"GET"}, template, handler)
    found, matches = router.resolve("GET", path)
    assert found is handler
    assert matches == expected
    assert [type(value) for value in matches.values()] == [type(v) for v in expected.values()]


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ("/foo/bar", "/foo/baz"),
        ("/Foo", "/foo"),
        ("/foo", "/foo/"),
        ("/foo/", "/foo"),
        ("/foo", "/foo/bar"),
        ("/foo/bar", "/foo"),
        ("/foo/<name>", "/foo/"),
        ("/foo/<name>", "/foo"),
        ("/foo/<name>", "/foo/a/b"),
        ("/foo/<name>/", "/foo/a"),
        ("/files/{rest:path}", "/files"),
        ("/files/{rest:path}", "/filesx/a"),
        ("/", "/x"),
    ],
    ids=[
        "other-literal",
        "case-sensitive",
        "extra-trailing-slash",
        "missing-trailing-slash",
        "longer-path",
        "shorter-path",
        "variable-never-empty",
        "variable-segment-missing",
        "variable-is-one-segment",
        "variable-then-slash",
        "rest-needs-its-slash",
        "rest-prefix-is-a-segment",
        "root-only",
    ],
)
def test_template_does_not_match(template: str, path: str) -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, template, make_handler())
    assert router.resolve("GET", path) == (router.not_found, {})


def test_trailing_slash_forms_are_separate_routes_by_default() -> None:
    router = HttpTreeRouter()
    without, with_slash = make_handler(), make_handler()
    router.add({"GET"}, "/foo", without)
    router.add({"GET"}, "/foo/", with_slash)
    assert router.resolve("GET", "/foo") == (without, {})
    assert router.resolve("GET", "/foo/") == (with_slash, {})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/x/{a}", "/x/<a>"),
        ("/x/{a:int}", "/x/<a:int>"),
        ("/x/{a:date:%Y}", "/x/<a:date:%Y>"),
        ("/x/{a:path}", "/x/<a:path>"),
        ("/x/{a}", "/x/{a:str}"),
        ("/x/<a:int>", "/x/<b:int>"),
    ],
    ids=["plain", "typed", "formatted", "rest", "str-is-the-default", "other-name-same-shape"],
)
def test_spellings_of_one_template_are_one_route(first: str, second: str) -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, first, make_handler())
    with pytest.raises(TemplateError) as raised:
        router.add({"GET"}, second, make_handler())
    message = str(raised.value)
    assert second in message
    assert "GET is already routed" in message
    assert first in message


@pytest.mark.parametrize(
    ("template", "fault"),
    [
        ("/x/{a:integer}", "unknown type 'integer'"),
        ("/x/<a:integer>", "unknown type 'integer'"),
        ("/x/{a:Int}", "unknown type 'Int'"),
        ("/x/{a", "unbalanced brackets"),
        ("/x/<a", "unbalanced brackets"),
        ("/x/{", "unbalanced brackets"),
        ("/x/{{a}", "unbalanced brackets"),
        ("/x/{a}{b}", "unbalanced brackets"),
        ("/x/{a>", "mixed brackets"),
        ("/x/<a}", "mixed brackets"),
        ("/x/{a:int>", "mixed brackets"),
        ("/x/a}", "unbalanced brackets"),
        ("/x/{a:}", "empty type"),
        ("/x/id{a}", "whole segment"),
        ("/x/{}", "empty variable name"),
        ("/x/<>", "empty variable name"),
        ("/x/{:int}", "empty variable name"),
        ("/x/{1a}", "'1a' is not an identifier"),
        ("/x/{a-b}", "'a-b' is not an identifier"),
        ("/x/{a}/{a:int}", "'a' is used twice"),
        ("/x/<a>/y/{a}", "'a' is used twice"),
        ("/x/{rest:path}/y", "must be the last segment"),
        ("/x/{rest:path}/", "must be the last segment"),
        ("/x/{n:int:%d}", "takes no format"),
        ("/x/{n:float:%f}", "takes no format"),
        ("/x/{s:str:x}", "takes no format"),
        ("/x/{p:path:x}", "takes no format"),
        ("/x/{b:bool:yes}", "takes no format"),
        ("/x/{u:uuid:hex}", "takes no format"),
        ("/x/{d:date:}", "empty format"),
        ("x/{a}", "starting with '/'"),
        ("", "starting with '/'"),
        ("/a//b", "empty segment"),
    ],
    ids=[
        "unknown-type",
        "unknown-type-angles",
        "type-names-are-case-sensitive",
        "unclosed-brace",
        "unclosed-angle",
        "lone-brace",
        "nested-braces",
        "two-variables-in-a-segment",
        "brace-closed-by-angle",
        "angle-closed-by-brace",
        "typed-mixed",
        "stray-closer",
        "empty-type",
        "text-around-variable",
        "empty-name-braces",
        "empty-name-angles",
        "empty-name-typed",
        "name-starts-with-digit",
        "name-with-dash",
        "duplicate-name",
        "duplicate-name-mixed-spellings",
        "path-not-last",
        "path-before-trailing-slash",
        "format-on-int",
        "format-on-float",
        "format-on-str",
        "format-on-path",
        "format-on-bool",
        "format-on-uuid",
        "empty-format",
        "no-leading-slash",
        "empty-template",
        "empty-segment",
    ],
)
def test_template_mistakes_raise_at_add(template: str, fault: str) -> None:
    router = HttpTreeRouter()
    with pytest.raises(TemplateError) as raised:
        router.add({"GET"}, template, make_handler())
    message = str(raised.value)
    assert repr(template) in message
    assert fault in message
    ws_router = WebSocketTreeRouter()
    with pytest.raises(TemplateError, match=fault):
        ws_router.add(template, make_ws_handler())


def test_unknown_type_lists_the_known_ones() -> None:
    registry = ConverterRegistry({"slug": str})
    with pytest.raises(TemplateError) as raised:
        HttpTreeRouter(registry).add({"GET"}, "/x/<a:slg>", make_handler())
    assert "unknown type 'slg'" in str(raised.value)
    assert "slug" in str(raised.value)
    assert "int" in str(raised.value)


@pytest.mark.parametrize(
    ("existing", "methods"),
    [({"GET"}, {"GET"}), ({"GET", "POST"}, {"POST"}), ({"PUT"}, {"GET", "PUT"})],
    ids=["same-method", "one-of-several", "one-of-the-new"],
)
def test_same_method_and_template_twice_raises(existing: set[str], methods: set[str]) -> None:
    router = HttpTreeRouter()
    first = make_handler()
    router.add(existing, "/user/<id:int>", first)
    with pytest.raises(TemplateError) as raised:
        router.add(methods, "/user/<id:int>", make_handler())
    assert "'/user/<id:int>'" in str(raised.value)
    assert "already routed" in str(raised.value)
    # Nothing of the refused route was added: each method still has what it had.
    for method in ("GET", "POST", "PUT"):
        handler, _ = router.resolve(method, "/user/1")
        assert (handler is first) == (method in existing)


def test_other_methods_on_one_template_are_separate_routes() -> None:
    router = HttpTreeRouter()
    get, post = make_handler(), make_handler()
    router.add({"GET"}, "/user/<id:int>", get)
    router.add({"POST"}, "/user/{id:int}", post)
    assert router.resolve("GET", "/user/1") == (get, {"id": 1})
    assert router.resolve("POST", "/user/1") == (post, {"id": 1})


def test_same_template_twice_on_the_websocket_router_raises() -> None:
    router = WebSocketTreeRouter()
    router.add("/chat/<room>", make_ws_handler())
    with pytest.raises(TemplateError, match=r"'/chat/\{room\}'"):
        router.add("/chat/{room}", make_ws_handler())


@pytest.mark.parametrize(
    "methods",
    ["GET", "", ["GET"], ("GET",), set(), None],
    ids=["str", "empty-str", "list", "tuple", "empty-set", "none"],
)
def test_methods_must_be_a_non_empty_set(methods: Any) -> None:
    router = HttpTreeRouter()
    with pytest.raises(TypeError, match="methods must be a non-empty set"):
        router.add(methods, "/x", make_handler())
    assert router.resolve("GET", "/x") == (router.not_found, {})


@pytest.mark.parametrize(
    "method", ["get", "Get", "GET ", ""], ids=["lower", "title", "space", "empty"]
)
def test_methods_must_be_upper_case_names(method: str) -> None:
    with pytest.raises(TemplateError, match="upper-case"):
        HttpTreeRouter().add({method}, "/x", make_handler())


def test_methods_may_be_any_http_token() -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    router.add({"M-SEARCH", "PROPFIND"}, "/x", handler)
    assert router.resolve("M-SEARCH", "/x") == (handler, {})


def test_methods_may_be_any_set() -> None:
    router = HttpTreeRouter()
    handler = make_handler()
    router.add(frozenset({"GET", "PUT"}), "/x", handler)
    assert router.resolve("PUT", "/x") == (handler, {})
    assert router.resolve("GET", "/x") == (handler, {})


def _sync_handler(scope: Any, info: Any, matches: Any, content: Any) -> int:
    return 204


class _AsyncCallable:
    async def __call__(self, scope: Any, info: Any, matches: Any, content: Any, /) -> int:
        return 204


@pytest.mark.parametrize(
    "handler",
    [_sync_handler, lambda scope, info, matches, content: 204, "not a function", None],
    ids=["def", "lambda", "str", "none"],
)
def test_http_handler_must_be_async(handler: Any) -> None:
    router = HttpTreeRouter()
    with pytest.raises(TypeError, match="'/x': handler"):
        router.add({"GET"}, "/x", handler)
    assert router.resolve("GET", "/x") == (router.not_found, {})


def test_websocket_handler_must_be_async() -> None:
    router = WebSocketTreeRouter()
    handler: Any = _sync_handler
    with pytest.raises(TypeError, match="'_sync_handler' must be declared 'async def'"):
        router.add("/ws", handler)
    assert router.resolve("/ws") == (router.not_found, {})


def test_an_object_with_async_call_is_a_handler() -> None:
    router = HttpTreeRouter()
    handler = _AsyncCallable()
    router.add({"GET"}, "/x", handler)
    assert router.resolve("GET", "/x") == (handler, {})


def test_route_names_are_unique() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/a", make_handler(), name="page")
    with pytest.raises(TemplateError) as raised:
        router.add({"GET"}, "/b", make_handler(), name="page")
    assert "'/b'" in str(raised.value)
    assert "'page'" in str(raised.value)
    assert "'/a'" in str(raised.value)
    assert router.resolve("GET", "/b") == (router.not_found, {})


@pytest.mark.parametrize("value", ["sideways", ""], ids=["unknown", "empty"])
def test_trailing_slash_policy_is_checked(value: Any) -> None:
    with pytest.raises(ValueError, match="trailing_slash"):
        HttpTreeRouter(trailing_slash=value)
    with pytest.raises(ValueError, match="trailing_slash"):
        WebSocketTreeRouter(trailing_slash=value)
