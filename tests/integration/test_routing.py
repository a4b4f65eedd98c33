"""Typed routes, 404, 405 and HEAD as a real client sees them, on the demo application."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from examples.demo import make_app

from .servers import Running, run_uvicorn

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def demo() -> Iterator[Running]:
    with run_uvicorn(make_app()) as running:
        yield running


def _application_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """The headers less those the server adds: the date, and chunked framing (not sent for HEAD)."""
    return [
        (name, value)
        for name, value in headers.multi_items()
        if name not in ("date", "transfer-encoding")
    ]


async def test_typed_variable_arrives_as_int(demo: Running) -> None:
    async with demo.client() as client:
        response = await client.get("/user/42", params={"ignored": "yes"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"id": 42, "next": 43}  # 'next' is computed with int arithmetic


@pytest.mark.parametrize("path", ["/user/abc", "/user/4.2", "/user/", "/user/42/more", "/nowhere"])
async def test_path_that_no_route_converts_is_404(demo: Running, path: str) -> None:
    async with demo.client() as client:
        response = await client.get(path)

    assert response.status_code == 404
    assert response.text == "Not Found"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/user/42", "GET, HEAD"), ("DELETE", "/info", "GET, HEAD, POST")],
)
async def test_path_routed_for_other_methods_is_405_with_allow(
    demo: Running, method: str, path: str, allow: str
) -> None:
    async with demo.client() as client:
        response = await client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow


@pytest.mark.parametrize("path", ["/user/42", "/test", "/info"])
async def test_head_is_get_without_the_body(demo: Running, path: str) -> None:
    async with demo.client() as client:
        got = await client.get(path)
        head = await client.head(path)

    assert got.status_code == head.status_code == 200
    assert got.content != b""
    assert head.content == b""
    assert _application_headers(head.headers) == _application_headers(got.headers)
