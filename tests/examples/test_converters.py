"""examples/converters.py: custom converters, a strptime format, a path catch-all."""

from __future__ import annotations

import pytest

from bareasgi.testing import TestClient
from examples import converters

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("path", "status", "payload"),
    [
        ("/posts/hello-world", 200, {"post": "hello-world", "self": "/posts/hello-world"}),
        ("/posts/Not_A_Slug", 404, None),
        ("/shirts/red/2026-11-24", 200, {"colour": "red", "weekday": "Tuesday"}),
        ("/shirts/blue/2026-11-24", 404, None),
        ("/shirts/red/24-11-2026", 404, None),
        ("/files/docs/guide/intro.md", 200, {"path": "docs/guide/intro.md"}),
    ],
    ids=["slug", "not-a-slug", "enum-and-date", "unknown-colour", "wrong-date-format", "path"],
)
async def test_each_route_converts_or_misses(path: str, status: int, payload: object) -> None:
    async with TestClient(converters.app) as client:
        response = await client.get(path)
    assert response.status_code == status
    if payload is not None:
        assert response.json() == payload
