"""The seed REST example and a streamed response, served by hypercorn on trio."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import sniffio
import trio

from bareasgi import Content, HttpResponse, HttpScope, Info, RouteMatches
from examples.demo import make_app

from .servers import run_hypercorn_trio

pytestmark = pytest.mark.anyio


async def test_rest_example_on_trio() -> None:
    app = make_app()
    with run_hypercorn_trio(app) as running:
        async with running.client() as client:
            before = await client.get("/info")
            posted = await client.post("/info", content=json.dumps({"name": "Harry Palmer"}))
            after = await client.get("/info")
            simple = await client.get("/test")

    assert before.status_code == 200
    assert before.headers["content-type"] == "application/json"
    assert before.json()["name"] == "Michael Caine"
    assert posted.status_code == 204
    assert after.json() == {"message": "This is not a test", "name": "Harry Palmer"}
    assert app.info["name"] == "Harry Palmer"
    assert (simple.status_code, simple.text) == (200, "This is not a test")


async def test_streamed_response_on_trio() -> None:
    app = make_app()
    seen_by_handler: list[str] = []

    @app.on_http_request({"GET"}, "/count/{to:int}")
    async def count(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async def numbers() -> AsyncIterator[bytes]:
            seen_by_handler.append(sniffio.current_async_library())
            for number in range(matches["to"]):
                await trio.sleep(0)  # trio's own primitives work in a handler
                yield f"{number}\n".encode("ascii")

        return 200, [(b"content-type", b"text/plain")], numbers()

    with run_hypercorn_trio(app) as running:
        async with running.client() as client:
            async with client.stream("GET", "/count/2000") as response:
                chunks = [chunk async for chunk in response.aiter_raw()]

    assert response.status_code == 200
    assert response.headers["transfer-encoding"] == "chunked"
    assert b"".join(chunks) == "".join(f"{number}\n" for number in range(2000)).encode("ascii")
    assert seen_by_handler == ["trio"]
