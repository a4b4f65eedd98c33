"""examples/cross_origin.py: the page's origin may call the API, errors included; others may not."""

from __future__ import annotations

import pytest

from bareasgi.testing import TestClient
from examples import cross_origin

pytestmark = pytest.mark.anyio

PAGE = "http://127.0.0.1:9010"


async def test_the_page_origin_may_preflight_and_post_a_note() -> None:
    asking = {
        "origin": PAGE,
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-client",
    }
    async with TestClient(cross_origin.make_app()) as client:
        preflight = await client.options("/notes", headers=asking)
        added = await client.post("/notes", content="buy milk", headers={"origin": PAGE, "x-client": "t"})
        listed = await client.get("/notes", headers={"origin": PAGE})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == PAGE
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert (added.status_code, added.json()) == (201, {"id": 0, "note": "buy milk"})
    assert added.headers["access-control-allow-origin"] == PAGE
    assert listed.json() == ["buy milk"]
    assert (listed.headers["x-count"], listed.headers["access-control-expose-headers"]) == ("1", "x-count")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [("GET", "/notes/7", None, 404), ("POST", "/notes", "   ", 422), ("DELETE", "/notes", None, 405)],
    ids=["http-error-404", "http-error-422", "router-405"],
)
async def test_errors_reach_the_page_with_the_cors_headers(
    method: str, path: str, body: str | None, status: int
) -> None:
    async with TestClient(cross_origin.make_app()) as client:
        response = await client.request(method, path, content=body, headers={"origin": PAGE})
    assert response.status_code == status
    assert response.headers["access-control-allow-origin"] == PAGE


async def test_another_origin_gets_no_cors_headers() -> None:
    async with TestClient(cross_origin.make_app()) as client:
        response = await client.get("/notes", headers={"origin": "https://elsewhere.example"})
        preflight = await client.options(
            "/notes",
            headers={"origin": "https://elsewhere.example", "access-control-request-method": "POST"},
        )
    assert "access-control-allow-origin" not in response.headers
    assert preflight.status_code == 400


@pytest.mark.parametrize("encoding", cross_origin.ENCODINGS)
async def test_a_long_list_goes_out_compressed(encoding: str) -> None:
    app = cross_origin.make_app()
    app.info.items.extend(f"note number {number}" for number in range(100))
    async with TestClient(app) as client:
        response = await client.get("/notes", headers={"accept-encoding": encoding})
    assert response.headers["content-encoding"] == encoding
    assert int(response.headers["content-length"]) < len(response.content) / 3
    assert len(response.json()) == 100


async def test_the_page_calls_the_api_it_was_given() -> None:
    async with TestClient(cross_origin.make_page_app("http://127.0.0.1:1234")) as client:
        response = await client.get("/")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert 'const API = "http://127.0.0.1:1234";' in response.text
    assert 'credentials: "include"' in response.text
