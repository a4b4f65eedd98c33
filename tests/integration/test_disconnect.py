"""A client that leaves an endless response: the body generator is closed promptly, quietly."""

from __future__ import annotations

import itertools
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import aclosing

import anyio
import pytest

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches

from .servers import (
    HOST,
    SERVER_KINDS,
    Running,
    ServerKind,
    UvicornHttp,
    errors_from,
    run_server,
    run_uvicorn,
    wait_until,
)
from .shared import Registry

pytestmark = pytest.mark.anyio

EVENT_STREAM = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


class Stream:
    """One endless response as its generator lived it, seen from the test thread."""

    def __init__(self) -> None:
        self.sent = 0
        self.closed = threading.Event()
        self.stop = threading.Event()  # lets a test end a stream bareasgi failed to close


Streams = Registry[Stream]


async def ticks(stream: Stream) -> AsyncGenerator[bytes, None]:
    """An event every 50 ms until the stream is stopped; ``stream.closed`` once finalised."""
    try:
        for number in itertools.count():
            if stream.stop.is_set():
                return
            yield f"data: {number}\n\n".encode("ascii")
            stream.sent += 1
            await anyio.sleep(0.05)
    finally:
        stream.closed.set()


def make_app(streams: Streams) -> Application:
    app = Application()

    async def ticking(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, EVENT_STREAM, ticks(streams[matches["key"]])

    async def stalled(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        stream = streams[matches["key"]]

        async def events() -> AsyncIterator[bytes]:
            try:
                yield b"data: only\n\n"
                stream.sent += 1
                await anyio.sleep_forever()
            finally:
                stream.closed.set()

        return 200, EVENT_STREAM, events()

    async def partly_read(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        stream = streams[matches["key"]]

        async def events() -> AsyncIterator[bytes]:
            async for _ in content:
                break  # the first chunk of the upload only; the rest is never asked for
            async with aclosing(ticks(stream)) as events:  # closed with this generator
                async for event in events:
                    yield event

        return 200, EVENT_STREAM, events()

    app.http_router.add({"GET", "POST"}, "/ticking/{key:int}", ticking)
    app.http_router.add({"POST"}, "/partly-read/{key:int}", partly_read)
    app.http_router.add({"GET"}, "/stalled/{key:int}", stalled)
    return app


@pytest.fixture(scope="module")
def streams() -> Streams:
    return Registry(Stream)


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest, streams: Streams) -> Iterator[Running]:
    kind: ServerKind = request.param
    with run_server(kind, make_app(streams)) as running:
        yield running


async def upload_in_parts() -> AsyncIterator[bytes]:
    for part in (b'{"subscribe":', b' "everything",', b' "now": true', b"}"):
        yield part
        await anyio.sleep(0.02)  # apart, so that the server receives them apart


async def read_events_then_leave(
    server: Running, path: str, wanted: int, method: str = "GET"
) -> list[str]:
    """Read ``wanted`` events from ``path``, then close the connection."""
    events: list[str] = []
    content = upload_in_parts() if method == "POST" else None
    async with server.client() as client:
        async with client.stream(method, path, content=content) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/event-stream"
            async for line in response.aiter_lines():
                if line:
                    events.append(line)
                if len(events) == wanted:
                    break
    return events


async def test_endless_stream_is_closed_within_a_second_of_the_client_leaving(
    server: Running, streams: Streams, caplog: pytest.LogCaptureFixture
) -> None:
    key, stream = streams.new()

    events = await read_events_then_leave(server, f"/ticking/{key}", 2)

    assert events == ["data: 0", "data: 1"]
    assert await wait_until(stream.closed.is_set, timeout=1.0), "the generator's finally did not run"
    assert stream.sent >= 2
    assert errors_from(caplog, "bareasgi") == []


async def test_endless_stream_is_closed_when_the_client_leaves_with_its_upload_unread(
    streams: Streams, caplog: pytest.LogCaptureFixture
) -> None:
    # One server only (its own): every server kind fails the same way, and each
    # failure costs the full second.
    key, stream = streams.new()
    with run_uvicorn(make_app(streams)) as running:
        try:
            events = await read_events_then_leave(running, f"/ticking/{key}", 2, method="POST")

            assert events == ["data: 0", "data: 1"]
            assert await wait_until(stream.closed.is_set, timeout=1.0), "the generator's finally did not run"
            assert errors_from(caplog, "bareasgi") == []
        finally:
            stream.stop.set()


@pytest.mark.parametrize("http", ["h11", "httptools"])
async def test_endless_stream_is_closed_when_the_client_leaves_with_its_upload_partly_read(
    http: UvicornHttp, streams: Streams, caplog: pytest.LogCaptureFixture
) -> None:
    # The handler reads the first chunk of the upload and never asks for more; the
    # client sends a second chunk after the first event, then leaves. The watcher must
    # still see it go, though the reader has not taken what it holds.
    key, stream = streams.new()
    with run_uvicorn(make_app(streams), http=http) as running:
        try:
            async with await anyio.connect_tcp(HOST, running.port) as connection:
                await connection.send(
                    f"POST /partly-read/{key} HTTP/1.1\r\nhost: {HOST}\r\n"
                    "transfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n".encode("ascii")
                )
                received = b""
                while b"data: 0" not in received:
                    received += await connection.receive()
                await connection.send(b"6\r\nsecond\r\n")

            assert received.startswith(b"HTTP/1.1 200 ")
            assert await wait_until(stream.closed.is_set, timeout=1.0), "the generator's finally did not run"
            assert errors_from(caplog, "bareasgi") == []
        finally:
            stream.stop.set()


async def test_stream_waiting_forever_is_closed_within_a_second_of_the_client_leaving(
    server: Running, streams: Streams, caplog: pytest.LogCaptureFixture
) -> None:
    key, stream = streams.new()

    events = await read_events_then_leave(server, f"/stalled/{key}", 1)

    assert events == ["data: only"]
    assert await wait_until(stream.closed.is_set, timeout=1.0), "the generator's finally did not run"
    assert stream.sent == 1
    assert errors_from(caplog, "bareasgi") == []
