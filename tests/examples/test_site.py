"""examples/site.py: the page's files, the fallback for the page's own routes, the API beside them."""

from __future__ import annotations

import pytest

from bareasgi.testing import TestClient
from examples.site import SITE, make_app

pytestmark = pytest.mark.anyio


async def test_the_page_and_its_files_are_served() -> None:
    async with TestClient(make_app()) as client:
        page = await client.get("/")
        script = await client.get("/app.js")
        style = await client.head("/style.css")
    assert page.text == (SITE / "index.html").read_text()
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "max-age=60"
    assert script.text == (SITE / "app.js").read_text()
    assert (style.status_code, style.content) == (200, b"")
    assert style.headers["content-length"] == str((SITE / "style.css").stat().st_size)


async def test_the_pages_own_routes_get_the_page() -> None:
    async with TestClient(make_app()) as client:
        note = await client.get("/notes/2")
    assert (note.status_code, note.text) == (200, (SITE / "index.html").read_text())


async def test_the_api_is_tried_before_the_files() -> None:
    async with TestClient(make_app()) as client:
        notes = await client.get("/api/notes")
    assert notes.json() == [{"id": 1, "text": "Buy milk"}, {"id": 2, "text": "Call Ada"}]


async def test_a_cached_copy_is_revalidated_and_a_range_is_served() -> None:
    async with TestClient(make_app()) as client:
        etag = (await client.get("/app.js")).headers["etag"]
        again = await client.get("/app.js", headers={"if-none-match": etag})
        part = await client.get("/app.js", headers={"range": "bytes=0-15"})
    assert again.status_code == 304
    assert (part.status_code, part.content) == (206, (SITE / "app.js").read_bytes()[:16])
