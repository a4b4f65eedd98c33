"""Bodies streamed both ways through real servers: uploads in many chunks, responses in many."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator

import anyio
import h11
import httpx
import pytest

from bareasgi import (
    Application,
    ClientDisconnect,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_reader,
    bytes_response,
    bytes_writer,
)

from .servers import SERVER_KINDS, Running, ServerKind, errors_from, run_server, wait_until

pytestmark = pytest.mark.anyio

OCTETS = [(b"content-type", b"application/octet-stream")]


def piece(index: int, size: int) -> bytes:
    """Chunk ``index`` of a body: distinct from its neighbours, so order errors show."""
    return bytes([index % 251]) * size


def whole(count: int, size: int) -> bytes:
    return b"".join(piece(index, size) for index in range(count))


MEBIBYTE = whole(1024, 1024)


async def upload(count: int, size: int, pause: float) -> AsyncIterator[bytes]:
    """A request body sent by the client in ``count`` chunks, ``pause`` seconds apart."""
    for index in range(count):
        yield piece(index, size)
        await anyio.sleep(pause)


class Recorder:
    """What the handlers saw, shared with the test thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.disconnects = 0
        self.gate = threading.Event()


def make_app(recorder: Recorder) -> Application:
    app = Application()

    async def echo(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, OCTETS, content  # the request body, streamed back as it arrives

    async def upper(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async def body() -> AsyncIterator[bytes]:
            async for chunk in content:
                yield chunk.upper()

        return 200, OCTETS, body()

    async def read_whole(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        pieces = 0

        async def counted() -> AsyncIterator[bytes]:
            nonlocal pieces
            async for chunk in content:
                pieces += 1
                yield chunk

        try:
            data = await bytes_reader(counted())
        except ClientDisconnect:
            with recorder.lock:
                recorder.disconnects += 1
            raise
        return bytes_response(200, [(b"x-pieces", str(pieces).encode("ascii"))], data)

    async def many_chunks(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        count: int = matches["count"]
        size: int = matches["size"]

        async def body() -> AsyncIterator[bytes]:
            for index in range(count):
                yield piece(index, size)

        return 200, OCTETS, body()

    async def limited(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return bytes_response(200, None, await bytes_reader(content, max_size=1000))

    async def whole_body(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, OCTETS, bytes_writer(MEBIBYTE, matches["chunk_size"])

    async def pushing(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async def body() -> AsyncIterator[bytes]:
            yield b"<link rel=stylesheet href=/style.css>"

        return 200, [(b"content-type", b"text/html")], body(), [("/style.css", [(b"accept", b"text/css")])]

    async def gated(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async def body() -> AsyncIterator[bytes]:
            yield b"first;"
            # The client opens the gate once it has "first;": a chunk held back by the
            # server or the framework would keep it shut until the wait gives up.
            with anyio.move_on_after(3):
                while not recorder.gate.is_set():
                    await anyio.sleep(0.005)
            yield b"second" if recorder.gate.is_set() else b"gate-never-opened"

        return 200, OCTETS, body()

    app.http_router.add({"POST"}, "/echo", echo)
    app.http_router.add({"POST"}, "/upper", upper)
    app.http_router.add({"POST"}, "/ignore/{count:int}/{size:int}", many_chunks)
    app.http_router.add({"GET"}, "/pushing", pushing)
    app.http_router.add({"POST"}, "/limited", limited)
    app.http_router.add({"GET"}, "/whole/{chunk_size:int}", whole_body)
    app.http_router.add({"POST"}, "/read", read_whole)
    app.http_router.add({"GET"}, "/chunks/{count:int}/{size:int}", many_chunks)
    app.http_router.add({"GET"}, "/gated", gated)
    return app


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest, recorder: Recorder) -> Iterator[Running]:
    kind: ServerKind = request.param
    with run_server(kind, make_app(recorder)) as running:
        yield running


async def test_upload_in_many_chunks_is_echoed_by_returning_the_content(server: Running) -> None:
    async with server.client() as client:
        response = await client.post("/echo", content=upload(40, 1000, 0.001))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == whole(40, 1000)


async def test_large_uploads_are_echoed_in_full(server: Running) -> None:
    # Repeated: losing a chunk depends on how the server's reads and the body
    # iterator's receive() calls interleave.
    async with server.client() as client:
        lengths = [
            len((await client.post("/echo", content=upload(16, 16 * 1024, 0))).content)
            for _ in range(20)
        ]

    assert lengths == [16 * 16 * 1024] * 20


async def test_upload_transformed_while_it_streams_loses_nothing(server: Running) -> None:
    async with server.client() as client:
        responses = [
            await client.post("/upper", content=upload(16, 16 * 1024, 0)) for _ in range(20)
        ]

    assert [response.content == whole(16, 16 * 1024).upper() for response in responses] == [True] * 20


async def test_upload_in_many_chunks_is_read_whole_by_bytes_reader(server: Running) -> None:
    async with server.client() as client:
        response = await client.post("/read", content=upload(40, 1000, 0.001))

    assert response.status_code == 200
    assert response.content == whole(40, 1000)
    assert response.headers["content-length"] == str(40 * 1000)
    assert int(response.headers["x-pieces"]) > 1  # it did arrive in pieces


async def test_empty_upload_reads_as_empty(server: Running) -> None:
    async with server.client() as client:
        echoed = await client.post("/echo", content=b"")
        read = await client.post("/read", content=b"")

    assert (echoed.status_code, echoed.content) == (200, b"")
    assert (read.status_code, read.content, read.headers["x-pieces"]) == (200, b"", "0")


async def test_response_streamed_in_many_chunks_arrives_in_full(server: Running) -> None:
    async with server.client() as client:
        async with client.stream("GET", "/chunks/500/1000") as response:
            received = [chunk async for chunk in response.aiter_raw()]

    assert response.status_code == 200
    assert response.headers.get("transfer-encoding") == "chunked"
    assert b"".join(received) == whole(500, 1000)


async def test_unread_upload_disturbs_neither_a_streamed_response_nor_the_next_request(
    server: Running,
) -> None:
    if server.kind == "hypercorn-trio":
        pytest.skip(
            "hypercorn stalls a connection whose request body the application leaves unread, "
            "raw ASGI applications included: the next request fails and the connection task "
            "lingers until the graceful shutdown timeout"
        )
    if server.kind == "granian":
        pytest.skip(
            "granian drops the connection (the client reads nothing) when the application "
            "answers without reading the request body"
        )
    async with server.client() as client:
        ignored = [
            await client.post("/ignore/50/100", content=upload(16, 16 * 1024, 0)) for _ in range(3)
        ]
        after = await client.get("/chunks/3/10")

    assert [response.status_code for response in ignored] == [200] * 3
    assert [response.content for response in ignored] == [whole(50, 100)] * 3
    assert (after.status_code, after.content) == (200, whole(3, 10))


async def test_upload_over_the_reader_limit_is_413_as_soon_as_it_is_crossed(server: Running) -> None:
    if server.kind == "hypercorn-trio":
        pytest.skip("hypercorn drops the connection when a response precedes the end of the request body")
    if server.kind == "granian":
        pytest.skip("granian drops the connection when a response precedes the end of the request body")
    async with server.client() as client:
        small = await client.post("/limited", content=upload(2, 500, 0))
        large = await client.post("/limited", content=upload(64, 4096, 0.001))
        after = await client.get("/chunks/3/10")

    assert (small.status_code, small.content) == (200, whole(2, 500))
    assert large.status_code == 413
    assert large.text == "Request body larger than 1000 bytes"
    assert (after.status_code, after.content) == (200, whole(3, 10))


@pytest.mark.parametrize("chunk_size", [-1, 65536])
async def test_large_body_known_in_full_arrives_intact(server: Running, chunk_size: int) -> None:
    async with server.client() as client:
        response = await client.get(f"/whole/{chunk_size}")

    assert response.status_code == 200
    assert response.content == MEBIBYTE


async def test_concurrent_streams_stay_apart(server: Running) -> None:
    results: dict[int, bytes] = {}

    async def fetch(client: httpx.AsyncClient, count: int) -> None:
        results[count] = (await client.get(f"/chunks/{count}/100")).content

    async with server.client() as client:
        async with anyio.create_task_group() as task_group:
            for count in range(1, 21):
                task_group.start_soon(fetch, client, count)

    assert results == {count: whole(count, 100) for count in range(1, 21)}


async def test_pushes_are_ignored_where_the_server_cannot_push(server: Running) -> None:
    async with server.client() as client:
        response = await client.get("/pushing")

    assert response.status_code == 200
    assert response.text == "<link rel=stylesheet href=/style.css>"


async def test_each_response_chunk_is_sent_as_soon_as_it_is_yielded(
    server: Running, recorder: Recorder
) -> None:
    recorder.gate.clear()
    async with server.client() as client:
        async with client.stream("GET", "/gated") as response:
            received = b""
            async for chunk in response.aiter_raw():
                received += chunk
                if received.startswith(b"first;"):
                    recorder.gate.set()

    assert received == b"first;second"


async def test_echo_is_full_duplex(server: Running) -> None:
    """Each request chunk comes back before the client sends the next one."""
    connection = h11.Connection(h11.CLIENT)
    echoed: list[bytes] = []
    async with await anyio.connect_tcp("127.0.0.1", server.port) as stream:

        async def next_event() -> h11.Event:
            while True:
                event = connection.next_event()
                if isinstance(event, h11.Event):
                    return event
                assert event is h11.NEED_DATA, event
                connection.receive_data(await stream.receive())

        request = h11.Request(
            method="POST",
            target="/echo",
            headers=[("host", "127.0.0.1"), ("transfer-encoding", "chunked")],
        )
        await stream.send(connection.send(request) or b"")
        for index in range(5):
            await stream.send(connection.send(h11.Data(data=piece(index, 100))) or b"")
            with anyio.fail_after(3):
                event = await next_event()
                if isinstance(event, h11.Response):
                    assert event.status_code == 200
                    event = await next_event()
            assert isinstance(event, h11.Data)
            echoed.append(bytes(event.data))
        await stream.send(connection.send(h11.EndOfMessage()) or b"")
        with anyio.fail_after(3):
            final = await next_event()

    assert isinstance(final, h11.EndOfMessage)
    assert echoed == [piece(index, 100) for index in range(5)]


async def test_client_leaving_mid_upload_is_not_an_error(
    server: Running, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    with recorder.lock:
        before = recorder.disconnects
    async with await anyio.connect_tcp("127.0.0.1", server.port) as stream:
        await stream.send(
            b"POST /read HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 100000\r\n\r\n"
            + b"x" * 1000
        )
        await anyio.sleep(0.05)  # let the handler start reading before leaving

    def handler_saw_disconnect() -> bool:
        with recorder.lock:
            return recorder.disconnects == before + 1

    assert await wait_until(handler_saw_disconnect)
    assert errors_from(caplog, "bareasgi") == []
