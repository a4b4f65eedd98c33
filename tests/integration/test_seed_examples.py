"""The three getting-started examples, as ``examples.demo`` serves them, under every server of the tier."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import connect

from examples.demo import make_app

from .servers import SERVER_KINDS, Running, ServerKind, errors_from, run_server

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module", params=SERVER_KINDS)
def kind(request: pytest.FixtureRequest) -> ServerKind:
    chosen: ServerKind = request.param
    return chosen


@pytest.fixture(scope="module")
def demo(kind: ServerKind) -> Iterator[Running]:
    with run_server(kind, make_app()) as running:
        yield running


async def test_simple_answers_plain_text(demo: Running) -> None:
    async with demo.client() as client:
        response = await client.get("/test")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "This is not a test"


async def test_rest_server_post_updates_the_info_the_next_get_sees(kind: ServerKind) -> None:
    # A server of its own: the POST changes the application's info.
    app = make_app()
    with run_server(kind, app) as running:
        async with running.client() as client:
            before = await client.get("/info")
            posted = await client.post("/info", content=json.dumps({"name": "Harry Palmer"}))
            after = await client.get("/info")

    assert before.status_code == 200
    assert before.headers["content-type"] == "application/json"
    assert before.json() == {"message": "This is not a test", "name": "Michael Caine"}
    assert posted.status_code == 204
    assert posted.content == b""
    assert after.json() == {"message": "This is not a test", "name": "Harry Palmer"}
    assert app.info["name"] == "Harry Palmer"  # the same object, updated in place


async def test_websocket_echo_until_the_client_closes(
    demo: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with connect(demo.ws_url + "/test", proxy=None, open_timeout=5) as ws:
        await ws.send("hello")
        first = await ws.recv()
        await ws.send("again")
        second = await ws.recv()
    # The handler saw receive() return None, left its loop and closed: a clean close.

    assert (first, second) == ("You said: hello", "You said: again")
    assert ws.close_code == 1000
    assert errors_from(caplog, "bareasgi") == []
