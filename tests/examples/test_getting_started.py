"""The getting-started examples, one module each, and the demo that serves them together."""

from __future__ import annotations

import pytest

from bareasgi.testing import TestClient
from examples import demo, rest, simple, websocket_echo

pytestmark = pytest.mark.anyio


async def test_simple_answers_plain_text() -> None:
    async with TestClient(simple.app) as client:
        response = await client.get("/test")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "This is not a test"


async def test_rest_post_updates_what_the_next_get_sees() -> None:
    saved = dict(rest.app.info)
    try:
        async with TestClient(rest.app) as client:
            assert (await client.get("/info")).json() == {"name": "Michael Caine"}
            posted = await client.post("/info", json={"name": "Harry Palmer"})
            assert (posted.status_code, posted.content) == (204, b"")
            assert (await client.get("/info")).json() == {"name": "Harry Palmer"}
    finally:
        rest.app.info.clear()
        rest.app.info.update(saved)


async def test_websocket_echo_answers_text_and_binary() -> None:
    async with TestClient(websocket_echo.app) as client, client.websocket("/test") as ws:
        await ws.send_text("hello")
        assert await ws.receive_text() == "You said: hello"
        await ws.send_bytes(b"\x00")
        assert await ws.receive_bytes() == b"You said: \x00"


async def test_demo_serves_all_three_and_a_typed_route() -> None:
    async with TestClient(demo.make_app()) as client:
        assert (await client.get("/test")).text == "This is not a test"
        assert (await client.post("/info", content=b'{"name": "Harry Palmer"}')).status_code == 204
        assert (await client.get("/info")).json()["name"] == "Harry Palmer"
        assert (await client.get("/user/42")).json() == {"id": 42, "next": 43}
        assert (await client.get("/user/forty-two")).status_code == 404
        async with client.websocket("/test") as ws:
            await ws.send_text("hello")
            assert await ws.receive_text() == "You said: hello"
