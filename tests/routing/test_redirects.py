"""No open redirect: every ``location`` the router writes stays on the site.

The attack: with ``trailing_slash='redirect'`` and a template such as ``'//{page}'``,
``GET //evil.example/`` was answered ``308`` with ``location: //evil.example``, which a
browser follows to another host. Templates with an empty segment are now refused, the
location is written so that no URL parser reads a host into it, and ``url_for``
refuses a value that would start its path with ``//``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bareasgi import HttpTreeRouter, TemplateError, WebSocketTreeRouter
from bareasgi.routing import TrailingSlash
from bareasgi.routing.http import same_site_location

from .locations import assert_same_site
from .support import call, make_handler, make_ws_handler


@pytest.mark.parametrize(
    "template",
    ["//{page}", "//docs", "//", "/a//b", "//a/", "/a//", "/{x}//{y}", "///"],
    ids=["leading-variable", "leading-literal", "root-twice", "inner", "leading-with-trailing",
         "before-the-trailing-slash", "between-variables", "three-slashes"],
)  # fmt: skip
@pytest.mark.parametrize("trailing_slash", ["strict", "lenient", "redirect"])
def test_a_template_with_an_empty_segment_is_refused_by_name(
    template: str, trailing_slash: TrailingSlash
) -> None:
    router = HttpTreeRouter(trailing_slash=trailing_slash)
    with pytest.raises(TemplateError) as raised:
        router.add({"GET"}, template, make_handler())
    assert repr(template) in str(raised.value)
    assert "empty segment" in str(raised.value)
    with pytest.raises(TemplateError, match="empty segment"):
        WebSocketTreeRouter(trailing_slash=trailing_slash).add(template, make_ws_handler())


def redirecting_router() -> HttpTreeRouter:
    """A router in redirect mode whose templates an attacker would aim at."""
    router = HttpTreeRouter(trailing_slash="redirect")
    for template in ("/", "/docs/", "/{page}", "/{a}/{b}/", "/files/{rest:path}", "/n/<x:int>"):
        router.add({"GET"}, template, make_handler())
    return router


ROUTER = redirecting_router()

# Paths as the ASGI scope gives them: decoded, so '/%2Fevil.example/' arrives as
# '//evil.example/' and '/%5Cevil.example/' as '/\\evil.example/'.
HOSTILE = [
    "//evil.example/", "//evil.example", "///evil.example/", "/\\evil.example/",
    "/\\evil.example", "/\\\\evil.example/", "/\t/evil.example/", "/\n/evil.example",
    "/ /evil.example", "/\x00/evil.example", "/\\/evil.example/", "/%2F/evil.example",
    "/evil.example\\@site.example/", "/%09/evil.example/", "/https:/evil.example/",
    "/http:\\\\evil.example/", "/\u3002evil.example/",
]  # fmt: skip


@pytest.mark.parametrize("path", HOSTILE)
def test_no_hostile_path_is_redirected_off_the_site(path: str) -> None:
    handler, _ = ROUTER.resolve("GET", path)
    answer = call(handler, path)  # a route's, a redirect, or not found
    if answer.status == 308:
        assert_same_site(answer.headers[b"location"])


def test_the_reported_attack_is_not_found() -> None:
    """``//{page}`` cannot be added, so ``//evil.example/`` reaches no route to redirect to."""
    assert ROUTER.resolve("GET", "//evil.example/") == (ROUTER.not_found, {})


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [("/docs", b"", b"/docs/"), ("/docs", b"a=1&b=%20", b"/docs/?a=1&b=%20"),
     ("/\\evil.example", b"", b"/%5Cevil.example/"), ("/a b/c", b"", b"/a%20b/c/"),
     ("/x", b"q=\\ #\r\n\x00\xff", b"/x/?q=%5C%20%23%0D%0A%00%FF"),
     ("/x", b"next=//evil.example", b"/x/?next=//evil.example")],
    ids=["add-slash", "query-kept", "backslash-encoded", "space-encoded", "query-bytes-encoded",
         "slashes-in-the-query-are-harmless"],
)  # fmt: skip
def test_redirect_locations(path: str, query: bytes, location: bytes) -> None:
    router = HttpTreeRouter(trailing_slash="redirect")
    router.add({"GET"}, "/{a}/", make_handler())
    router.add({"GET"}, "/{a}/{b}/", make_handler())
    handler, _ = router.resolve("GET", path)
    answer = call(handler, path, query)
    assert answer.status == 308
    assert answer.headers[b"location"] == location


@pytest.mark.parametrize(
    ("path", "location"),
    [("//evil.example", b"/%2Fevil.example"), ("///evil.example", b"/%2F/evil.example"),
     ("/\\evil.example", b"/%5Cevil.example"), ("/\t\n/evil.example", b"/%09%0A/evil.example"),
     ("evil.example", b"/evil.example"), ("", b"/"), ("/", b"/")],
    ids=["two-slashes", "three-slashes", "backslash", "tab-newline", "no-leading-slash", "empty",
         "root"],
)  # fmt: skip
def test_same_site_location_whatever_the_path(path: str, location: bytes) -> None:
    assert same_site_location(path) == location
    assert_same_site(location)


@given(st.text(), st.binary())
def test_any_path_and_query_make_a_location_on_this_site(path: str, query: bytes) -> None:
    location = same_site_location("/" + path, query)
    assert_same_site(location, "/" + path)


@given(st.text(st.characters(categories=["Cs", "Cc", "Zs", "Po"])))
def test_a_path_with_lone_surrogates_still_makes_a_location(path: str) -> None:
    """A server that decodes bytes that are not UTF-8 may leave lone surrogates."""
    assert_same_site(same_site_location("/" + path))


@pytest.mark.parametrize("value", ["/evil.example", "//evil.example", "/"])
def test_url_for_refuses_a_value_that_makes_a_scheme_relative_path(value: str) -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, "/{rest:path}", make_handler(), name="page")
    with pytest.raises(ValueError) as raised:
        router.url_for("page", rest=value)
    assert "'rest'" in str(raised.value)
    assert "scheme-relative" in str(raised.value)


@pytest.mark.parametrize(
    ("template", "value", "path"),
    [("/{rest:path}", "evil.example", "/evil.example"), ("/{rest:path}", "\\evil.example", "/%5Cevil.example"),
     ("/{rest:path}", "", "/"), ("/files/{rest:path}", "/etc/passwd", "/files//etc/passwd")],
    ids=["relative", "backslash-encoded", "empty", "not-at-the-start"],
)  # fmt: skip
def test_url_for_writes_paths_on_this_site(template: str, value: str, path: str) -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, template, make_handler(), name="page")
    written = router.url_for("page", rest=value)
    assert written == path
    assert_same_site(written.encode())
