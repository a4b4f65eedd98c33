"""Trailing-slash redirects under a real uvicorn: no ``location`` leads off the site.

The paths are sent raw, as an attacker would write them in a link; the server decodes
them (``%2F`` to ``/``, ``%5C`` to ``\\``) before the application sees them.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bareasgi import Application, Content, HttpResponse, HttpScope, HttpTreeRouter, Info
from bareasgi import RouteMatches, TemplateError

from ..routing.locations import assert_same_site
from .servers import Running, UvicornHttp, run_uvicorn

pytestmark = pytest.mark.anyio


async def page(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return 204


def redirecting_app() -> Application:
    app = Application(http_router=HttpTreeRouter(trailing_slash="redirect"))
    for template in ("/{page}", "/{a}/{b}/", "/files/{rest:path}"):
        app.http_router.add({"GET"}, template, page)
    return app


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest) -> Iterator[Running]:
    http: UvicornHttp = request.param
    with run_uvicorn(redirecting_app(), http=http) as running:
        yield running


async def get_raw(server: Running, raw_path: bytes) -> httpx.Response:
    async with server.client() as client:
        return await client.get(httpx.URL(server.url, raw_path=raw_path))


@pytest.mark.parametrize(
    "raw_path",
    [b"//evil.example/", b"//evil.example", b"/%2Fevil.example/", b"/%2Fevil.example",
     b"/%2F%2Fevil.example", b"///evil.example", b"/\\evil.example/", b"/%5Cevil.example/",
     b"/%5C%5Cevil.example/", b"/%5C/evil.example/", b"/%09/evil.example", b"/%0A/evil.example",
     b"/%0D%0A/evil.example", b"/%20/evil.example", b"/evil.example%5C@site.example/",
     b"/https:%2F%2Fevil.example", b"/%2Fevil.example?next=//evil.example"],
)  # fmt: skip
async def test_a_hostile_path_is_not_redirected_off_the_site(
    server: Running, raw_path: bytes
) -> None:
    response = await get_raw(server, raw_path)
    assert response.status_code in (204, 308, 404), response  # served, redirected or not found
    if response.status_code == 308:
        assert_same_site(response.headers["location"].encode("ascii"))


@pytest.mark.parametrize(
    ("raw_path", "location"),
    [(b"/a/b", "/a/b/"), (b"/a/b?a=1&b=%20", "/a/b/?a=1&b=%20"),
     (b"/%5Cevil.example/x", "/%5Cevil.example/x/"), (b"/a%20b/c", "/a%20b/c/"),
     (b"/%09/evil.example", "/%09/evil.example/"), (b"/%5Cevil.example/", "/%5Cevil.example")],
    ids=["add-slash", "query-kept", "backslash-encoded", "space-encoded", "tab-encoded",
         "leading-backslash-encoded"],
)  # fmt: skip
async def test_redirects_keep_to_the_path_asked_for(
    server: Running, raw_path: bytes, location: str
) -> None:
    response = await get_raw(server, raw_path)
    assert response.status_code == 308
    assert response.headers["location"] == location


async def test_the_reported_attack_finds_nothing(server: Running) -> None:
    """``'//{page}'`` cannot be added, so ``//evil.example/`` has no route to redirect to."""
    with pytest.raises(TemplateError, match="'//{page}': empty segment"):
        redirecting_app().http_router.add({"GET"}, "//{page}", page)
    response = await get_raw(server, b"//evil.example/")
    assert response.status_code == 404
    assert "location" not in response.headers
