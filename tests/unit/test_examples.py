"""The examples behave as their docstrings say."""

from __future__ import annotations

import json

import pytest

from examples import converters, demo

from .peer import call, http_scope, request_messages

pytestmark = pytest.mark.anyio


async def test_demo_serves_the_getting_started_routes() -> None:
    app = demo.make_app()
    assert (await call(app, http_scope("GET", "/test"))).body == b"This is not a test"
    posted = await call(app, http_scope("POST", "/info"), request_messages(b'{"name": "Harry Palmer"}'))
    assert posted.status == 204
    info = json.loads((await call(app, http_scope("GET", "/info"))).body)
    assert info["name"] == "Harry Palmer"
    user = await call(app, http_scope("GET", "/user/42"))
    assert json.loads(user.body) == {"id": 42, "next": 43}


@pytest.mark.parametrize(
    ("path", "status", "payload"),
    [
        ("/posts/hello-world", 200, {"post": "hello-world", "self": "/posts/hello-world"}),
        ("/posts/Not_A_Slug", 404, None),
        ("/shirts/red/2026-11-24", 200, {"colour": "red", "weekday": "Tuesday"}),
        ("/shirts/blue/2026-11-24", 404, None),
        ("/files/docs/guide/intro.md", 200, {"path": "docs/guide/intro.md"}),
    ],
)
async def test_converters_example(path: str, status: int, payload: object) -> None:
    exchange = await call(converters.app, http_scope("GET", path))
    assert exchange.status == status
    if payload is not None:
        assert json.loads(exchange.body) == payload
