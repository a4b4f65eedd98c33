"""Compression under a real server: a server-sent event arrives compressed, and at once."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

import anyio
import pytest

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    compression_middleware,
    text_response,
)

from .servers import run_uvicorn

pytestmark = pytest.mark.anyio

PAGE = "<p>" + "hello, compressed world " * 100 + "</p>"


def events_app(release: threading.Event) -> Application:
    """An event stream that sends one event, then holds until the test has read it."""
    app = Application(middlewares=[compression_middleware(encodings=["zstd", "br", "gzip"])])

    async def events() -> AsyncIterator[bytes]:
        yield b"data: first\n\n"
        while not release.is_set():
            await anyio.sleep(0.01)
        yield b"data: second\n\n"

    @app.on_http_request({"GET"}, "/events")
    async def stream(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")], events()

    @app.on_http_request({"GET"}, "/page")
    async def page(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return text_response(200, [(b"content-type", b"text/html; charset=utf-8")], PAGE)

    return app


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
async def test_an_event_arrives_compressed_before_the_stream_ends(encoding: str) -> None:
    release = threading.Event()
    try:
        with run_uvicorn(events_app(release)) as server:
            async with server.client() as client:
                headers = {"accept-encoding": encoding}
                async with client.stream("GET", "/events", headers=headers) as response:
                    assert response.headers["content-encoding"] == encoding
                    assert response.headers["vary"] == "accept-encoding"
                    assert "content-length" not in response.headers
                    lines = response.aiter_lines()
                    # Read while the application still holds the stream open: only a
                    # flushed first event can be decoded now (the client's timeout
                    # fails the test if it cannot).
                    assert [await anext(lines), await anext(lines)] == ["data: first", ""]
                    assert not release.is_set()
                    release.set()
                    assert [line async for line in lines] == ["data: second", ""]
    finally:
        release.set()


async def test_a_page_is_sent_compressed_with_its_length() -> None:
    with run_uvicorn(events_app(threading.Event())) as server:
        async with server.client() as client:
            response = await client.get("/page", headers={"accept-encoding": "br;q=1, gzip;q=0.5"})
    assert response.headers["content-encoding"] == "br"
    assert int(response.headers["content-length"]) < len(PAGE) / 10
    assert response.text == PAGE
