"""Resolution: precedence, backtracking, 405, HEAD, trailing slashes, conversion errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bareasgi import ConverterRegistry, HttpTreeRouter, WebSocketTreeRouter

from .support import call, make_handler, make_ws_handler
from .test_converters import Slug


@pytest.mark.parametrize("literal_first", [True, False], ids=["literal-first", "variable-first"])
@pytest.mark.parametrize(
    "variable", ["<name>", "<id:int>", "{rest:path}"], ids=["str", "int", "path"]
)
def test_literal_beats_variable_whatever_the_order(literal_first: bool, variable: str) -> None:
    router = HttpTreeRouter()
    literal, variable_handler = make_handler(), make_handler()
    routes = [("/user/0", literal), (f"/user/{variable}", variable_handler)]
    for template, handler in routes if literal_first else reversed(routes):
        router.add({"GET"}, template, handler)
    assert router.resolve("GET", "/user/0") == (literal, {})
    found, _ = router.resolve("GET", "/user/7")
    assert found is variable_handler


def test_variables_are_tried_in_the_order_added() -> None:
    router = HttpTreeRouter()
    by_id, by_name = make_handler(), make_handler()
    router.add({"GET"}, "/item/<id:int>", by_id)
    router.add({"GET"}, "/item/<name:str>", by_name)
    assert router.resolve("GET", "/item/5") == (by_id, {"id": 5})
    assert router.resolve("GET", "/item/abc") == (by_name, {"name": "abc"})


def test_a_variable_added_first_wins_even_if_a_later_one_would_convert() -> None:
    router = HttpTreeRouter()
    by_name, by_id = make_handler(), make_handler()
    router.add({"GET"}, "/item/<name:str>", by_name)
    router.add({"GET"}, "/item/<id:int>", by_id)
    assert router.resolve("GET", "/item/5") == (by_name, {"name": "5"})


def test_catch_all_comes_last_whatever_the_order() -> None:
    router = HttpTreeRouter()
    rest, name, readme = make_handler(), make_handler(), make_handler()
    router.add({"GET"}, "/files/{rest:path}", rest)
    router.add({"GET"}, "/files/<name>", name)
    router.add({"GET"}, "/files/readme", readme)
    assert router.resolve("GET", "/files/readme") == (readme, {})
    assert router.resolve("GET", "/files/x") == (name, {"name": "x"})
    assert router.resolve("GET", "/files/x/y") == (rest, {"rest": "x/y"})
    assert router.resolve("GET", "/files/") == (rest, {"rest": ""})


def test_catch_all_at_the_root_takes_what_nothing_else_does() -> None:
    router = HttpTreeRouter()
    fallback, api = make_handler(), make_handler()
    router.add({"GET"}, "/{rest:path}", fallback)
    router.add({"GET"}, "/api/<v:int>", api)
    assert router.resolve("GET", "/api/5") == (api, {"v": 5})
    assert router.resolve("GET", "/api/x") == (fallback, {"rest": "api/x"})
    assert router.resolve("GET", "/api/5/more") == (fallback, {"rest": "api/5/more"})


@pytest.mark.parametrize(
    ("templates", "path", "expected"),
    [
        (["/a/b/c", "/a/<x>/d"], "/a/b/d", (1, {"x": "b"})),
        (["/a/<x:int>/foo", "/a/<y>/bar"], "/a/5/bar", (1, {"y": "5"})),
        (["/a/<x:int>/<y:int>/z", "/a/<p>/<q>/w"], "/a/1/2/w", (1, {"p": "1", "q": "2"})),
        (["/a/<x:int>/<y:int>", "/a/<n:int>/<s>"], "/a/1/b", (1, {"n": 1, "s": "b"})),
        (["/a/b/c", "/a/{rest:path}"], "/a/b/x", (1, {"rest": "b/x"})),
        (["/a/<x:int>/c", "/{rest:path}"], "/a/1/d", (1, {"rest": "a/1/d"})),
        (["/a/<x:int>/<y:int>", "/a/<s>/<t>"], "/a/1/b", (1, {"s": "1", "t": "b"})),
    ],
    ids=[
        "literal-then-variable",
        "typed-then-str",
        "values-of-the-failed-branch-are-dropped",
        "same-converter-different-names",
        "literal-then-catch-all",
        "variable-then-root-catch-all",
        "deeper-conversion-fails",
    ],
)
def test_backtracking_when_a_deeper_branch_fails(
    templates: list[str], path: str, expected: tuple[int, dict[str, Any]]
) -> None:
    router = HttpTreeRouter()
    handlers = [make_handler() for _ in templates]
    for template, handler in zip(templates, handlers):
        router.add({"GET"}, template, handler)
    index, matches = expected
    assert router.resolve("GET", path) == (handlers[index], matches)


def test_backtracking_to_a_route_with_the_method() -> None:
    router = HttpTreeRouter()
    post = make_handler()
    router.add({"GET"}, "/item/<id:int>", make_handler())
    router.add({"POST"}, "/item/<name>", post)
    assert router.resolve("POST", "/item/5") == (post, {"name": "5"})


def allowed(router: HttpTreeRouter, method: str, path: str) -> set[str]:
    """The methods a 405 answer for ``method path`` allows (fails unless it is a 405)."""
    handler, matches = router.resolve(method, path)
    assert handler is not None, f"{method} {path}: no handler, expected a 405"
    assert matches == {}
    answer = call(handler, path)
    assert answer.status == 405
    assert answer.headers[b"content-length"] == str(len(answer.body)).encode()
    return set(answer.headers[b"allow"].decode("ascii").split(", "))


@pytest.mark.parametrize(
    ("methods", "template", "request_method", "path", "allow"),
    [
        ({"GET"}, "/x", "POST", "/x", {"GET", "HEAD"}),
        ({"POST", "PUT"}, "/x", "GET", "/x", {"POST", "PUT"}),
        ({"POST"}, "/x", "HEAD", "/x", {"POST"}),
        ({"HEAD"}, "/x", "GET", "/x", {"HEAD"}),
        ({"GET"}, "/user/<id:int>", "DELETE", "/user/5", {"GET", "HEAD"}),
        ({"DELETE"}, "/files/{rest:path}", "GET", "/files/a/b", {"DELETE"}),
    ],
    ids=["get-only", "no-get-no-head", "head-without-get", "head-only", "variable", "catch-all"],
)
def test_method_not_allowed(
    methods: set[str], template: str, request_method: str, path: str, allow: set[str]
) -> None:
    router = HttpTreeRouter()
    router.add(methods, template, make_handler())
    assert allowed(router, request_method, path) == allow


def test_allow_lists_the_methods_of_every_route_the_path_reaches() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/item/<id:int>", make_handler())
    router.add({"POST"}, "/item/<name>", make_handler())
    router.add({"PATCH"}, "/item/{rest:path}", make_handler())
    router.add({"PUT"}, "/item/<other:int>/x", make_handler())
    assert allowed(router, "DELETE", "/item/5") == {"GET", "HEAD", "POST", "PATCH"}
    assert allowed(router, "DELETE", "/item/abc") == {"POST", "PATCH"}


def test_method_not_allowed_answers_the_same_every_time() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/x", make_handler())
    handler, _ = router.resolve("POST", "/x")
    assert handler is not None
    first, second = call(handler), call(handler)
    assert first == second
    assert first.body != b""


@pytest.mark.parametrize(
    ("methods", "path"),
    [({"GET"}, "/y"), ({"POST"}, "/x/abc"), ({"GET"}, "/x/1/2")],
    ids=["other-path", "conversion-fails", "longer-path"],
)
def test_no_405_when_no_route_has_the_path(methods: set[str], path: str) -> None:
    router = HttpTreeRouter()
    router.add(methods, "/x/<id:int>", make_handler())
    assert router.resolve("DELETE", path) == (router.not_found, {})


def test_head_is_served_by_get() -> None:
    router = HttpTreeRouter()
    get = make_handler()
    router.add({"GET"}, "/user/<id:int>", get)
    assert router.resolve("HEAD", "/user/3") == (get, {"id": 3})
    router.add({"GET"}, "/static", get)
    assert router.resolve("HEAD", "/static") == (get, {})


def test_head_route_wins_over_get() -> None:
    router = HttpTreeRouter()
    get, head = make_handler(), make_handler()
    router.add({"GET"}, "/user/<id:int>", get)
    router.add({"HEAD"}, "/user/<id:int>", head)
    assert router.resolve("HEAD", "/user/3") == (head, {"id": 3})
    assert router.resolve("GET", "/user/3") == (get, {"id": 3})


def test_only_head_falls_back() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/x", make_handler())
    assert allowed(router, "OPTIONS", "/x") == {"GET", "HEAD"}


def test_lenient_trailing_slash() -> None:
    router = HttpTreeRouter(trailing_slash="lenient")
    foo, bar, user, root = make_handler(), make_handler(), make_handler(), make_handler()
    router.add({"GET"}, "/foo", foo)
    router.add({"GET"}, "/bar/", bar)
    router.add({"GET"}, "/user/<id:int>/", user)
    router.add({"GET"}, "/", root)
    assert router.resolve("GET", "/foo") == (foo, {})
    assert router.resolve("GET", "/foo/") == (foo, {})
    assert router.resolve("GET", "/bar") == (bar, {})
    assert router.resolve("GET", "/bar/") == (bar, {})
    assert router.resolve("GET", "/user/5") == (user, {"id": 5})
    assert router.resolve("GET", "/user/5/") == (user, {"id": 5})
    assert router.resolve("GET", "/") == (root, {})
    assert router.resolve("GET", "/foo//") == (router.not_found, {})


def test_lenient_trailing_slash_makes_both_forms_one_route() -> None:
    router = HttpTreeRouter(trailing_slash="lenient")
    router.add({"GET"}, "/foo", make_handler())
    with pytest.raises(ValueError, match="already routed"):
        router.add({"GET"}, "/foo/", make_handler())


def test_lenient_trailing_slash_and_catch_all() -> None:
    router = HttpTreeRouter(trailing_slash="lenient")
    files = make_handler()
    router.add({"GET"}, "/files/{rest:path}", files)
    assert router.resolve("GET", "/files/") == (files, {"rest": ""})
    assert router.resolve("GET", "/files") == (files, {"rest": ""})
    assert router.resolve("GET", "/files/a/b") == (files, {"rest": "a/b"})
    assert router.resolve("GET", "/files/a/b/") == (files, {"rest": "a/b"})
    assert allowed(router, "POST", "/files") == {"GET", "HEAD"}


@pytest.mark.parametrize(
    ("template", "path", "query", "location"),
    [
        ("/foo/", "/foo", b"", b"/foo/"),
        ("/foo", "/foo/", b"", b"/foo"),
        ("/foo/", "/foo", b"a=1&b=%20", b"/foo/?a=1&b=%20"),
        ("/user/<id:int>/", "/user/5", b"", b"/user/5/"),
        ("/user/<id:int>", "/user/5/", b"x", b"/user/5?x"),
        ("/files/{rest:path}", "/files", b"", b"/files/"),
        ("/a b/", "/a b", b"", b"/a%20b/"),
        ("/café/<x>/", "/café/100%", b"", b"/caf%C3%A9/100%25/"),
    ],
    ids=[
        "add-slash",
        "remove-slash",
        "query-kept",
        "variable-add-slash",
        "variable-remove-slash",
        "catch-all",
        "space-encoded",
        "non-ascii-encoded",
    ],
)
def test_redirect_trailing_slash(template: str, path: str, query: bytes, location: bytes) -> None:
    router = HttpTreeRouter(trailing_slash="redirect")
    router.add({"GET"}, template, make_handler())
    handler, matches = router.resolve("GET", path)
    assert handler is not None
    assert matches == {}
    answer = call(handler, path, query)
    assert answer.status == 308
    assert answer.headers[b"location"] == location


def test_redirect_only_when_the_other_form_exists() -> None:
    router = HttpTreeRouter(trailing_slash="redirect")
    foo = make_handler()
    router.add({"GET"}, "/foo/", foo)
    assert router.resolve("GET", "/foo/") == (foo, {})
    assert router.resolve("GET", "/bar") == (router.not_found, {})
    assert router.resolve("GET", "/bar/") == (router.not_found, {})
    assert router.resolve("GET", "/") == (router.not_found, {})


@pytest.mark.parametrize("status", [400, 422])
def test_conversion_error_status(status: Any) -> None:
    router = HttpTreeRouter(conversion_error_status=status)
    router.add({"GET"}, "/user/<id:int>", make_handler())
    handler, matches = router.resolve("GET", "/user/abc")
    assert handler is not None
    assert matches == {}
    answer = call(handler, "/user/abc")
    assert answer.status == status
    assert answer.headers[b"content-type"] == b"application/json"
    assert answer.headers[b"content-length"] == str(len(answer.body)).encode()
    [detail] = json.loads(answer.body)["detail"]
    assert detail["variable"] == "id"
    assert detail["type"] == "int"
    assert detail["value"] == "abc"
    assert detail["reason"].startswith("should be an integer")


def test_conversion_error_names_every_failing_variable() -> None:
    router = HttpTreeRouter(conversion_error_status=422)
    router.add({"GET"}, "/r/<a:int>/<b:date>/<c:int>", make_handler())
    handler, _ = router.resolve("GET", "/r/x/2024-99-99/3")
    assert handler is not None
    details = json.loads(call(handler).body)["detail"]
    assert [(d["variable"], d["type"], d["value"]) for d in details] == [
        ("a", "int", "x"),
        ("b", "date", "2024-99-99"),
    ]
    assert all(d["reason"] for d in details)


def test_conversion_error_of_a_registered_type() -> None:
    router = HttpTreeRouter(ConverterRegistry({"slug": Slug}), conversion_error_status=400)
    router.add({"GET"}, "/post/<name:slug>", make_handler())
    handler, _ = router.resolve("GET", "/post/Not A Slug")
    assert handler is not None
    [detail] = json.loads(call(handler).body)["detail"]
    assert detail["variable"] == "name"
    assert detail["type"] == "slug"
    assert "pattern" in detail["reason"]


@pytest.mark.parametrize("status", [400, 422, 404])
@pytest.mark.parametrize(
    "path",
    ["/user/abc/extra", "/user", "/nothing", "/user/"],
    ids=["longer", "shorter", "other", "empty"],
)
def test_no_conversion_error_without_a_template_of_that_shape(status: Any, path: str) -> None:
    router = HttpTreeRouter(conversion_error_status=status)
    router.add({"GET"}, "/user/<id:int>", make_handler())
    assert router.resolve("GET", path) == (router.not_found, {})


def test_conversion_error_is_404_by_default() -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/user/<id:int>", make_handler())
    assert router.resolve("GET", "/user/abc") == (router.not_found, {})


def test_conversion_error_when_the_other_template_matches() -> None:
    router = HttpTreeRouter(conversion_error_status=422)
    by_name = make_handler()
    router.add({"GET"}, "/item/<id:int>", make_handler())
    router.add({"GET"}, "/item/<name>", by_name)
    assert router.resolve("GET", "/item/abc") == (by_name, {"name": "abc"})


def test_conversion_error_with_lenient_trailing_slash() -> None:
    router = HttpTreeRouter(trailing_slash="lenient", conversion_error_status=422)
    router.add({"GET"}, "/user/<id:int>", make_handler())
    for path in ("/user/abc", "/user/abc/"):
        handler, _ = router.resolve("GET", path)
        assert handler is not None, path
        assert call(handler).status == 422


@pytest.mark.parametrize("status", [200, 500, "422"], ids=["200", "500", "str"])
def test_conversion_error_status_is_checked(status: Any) -> None:
    with pytest.raises(ValueError, match="conversion_error_status"):
        HttpTreeRouter(conversion_error_status=status)


def test_websocket_router_resolves_like_the_http_router() -> None:
    router = WebSocketTreeRouter()
    room, lobby, files = make_ws_handler(), make_ws_handler(), make_ws_handler()
    router.add("/chat/<id:int>", room)
    router.add("/chat/lobby", lobby)
    router.add("/files/{rest:path}", files)
    assert router.resolve("/chat/7") == (room, {"id": 7})
    assert router.resolve("/chat/lobby") == (lobby, {})
    assert router.resolve("/chat/x") == (router.not_found, {})
    assert router.resolve("/chat/7/") == (router.not_found, {})
    assert router.resolve("/files/a/b") == (files, {"rest": "a/b"})
    assert router.resolve("/nothing") == (router.not_found, {})


def test_websocket_router_lenient_trailing_slash() -> None:
    router = WebSocketTreeRouter(trailing_slash="lenient")
    room = make_ws_handler()
    router.add("/chat/<id:int>/", room)
    assert router.resolve("/chat/7") == (room, {"id": 7})
    assert router.resolve("/chat/7/") == (room, {"id": 7})


def test_http_and_websocket_routers_are_separate() -> None:
    http, ws = HttpTreeRouter(), WebSocketTreeRouter()
    http.add({"GET"}, "/x", make_handler())
    ws.add("/y", make_ws_handler())
    assert ws.resolve("/x") == (ws.not_found, {})
    assert http.resolve("GET", "/y") == (http.not_found, {})


@pytest.mark.parametrize(
    ("path", "rest"),
    [("/files/../secret.txt", "../secret.txt"), ("/files//etc/passwd", "/etc/passwd"),
     ("/files/a/\x00.txt", "a/\x00.txt"), ("/files/a//b/./c", "a//b/./c")],
    ids=["dot-dot", "leading-slash", "nul", "empty-and-dot-segments"],
)  # fmt: skip
def test_a_path_variable_is_what_the_client_sent(path: str, rest: str) -> None:
    """As the routing guide warns: nothing is normalised or refused, so a handler that
    joins the value to a directory must check it (or use static_files)."""
    router = HttpTreeRouter()
    files = make_handler()
    router.add({"GET"}, "/files/{rest:path}", files)
    assert router.resolve("GET", path) == (files, {"rest": rest})
