"""Streaming in both directions, and clients that leave."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator

import anyio
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
)
from bareasgi.relay import UNREAD_LIMIT
from bareasgi.types import Message

from .peer import call, http_scope, request_messages

pytestmark = pytest.mark.anyio

BODY = b"The quick brown fox jumps over the lazy dog"


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("split", ["whole", "bytes", "trailing"])
async def test_the_request_body_is_read_whole(split: str) -> None:
    async def echo(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        data = await bytes_reader(content)
        return 200, [], _once(data)

    app = Application()
    app.http_router.add({"POST"}, "/", echo)
    exchange = await call(app, http_scope("POST", "/"), request_messages(BODY, split))
    assert exchange.body == BODY


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


@pytest.mark.parametrize("split", ["whole", "bytes", "trailing"])
async def test_the_request_body_streams_into_the_response(split: str) -> None:
    async def echo(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], content

    app = Application()
    app.http_router.add({"POST"}, "/", echo)
    exchange = await call(app, http_scope("POST", "/"), request_messages(BODY, split))
    assert exchange.body == BODY


async def test_the_request_body_is_not_read_unless_the_handler_asks() -> None:
    async def ignore(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 204

    app = Application()
    app.http_router.add({"POST"}, "/", ignore)
    exchange = await call(app, http_scope("POST", "/"), request_messages(BODY, "bytes"))
    assert exchange.status == 204
    assert exchange.received == 0


async def test_a_client_leaving_while_the_body_is_read_is_not_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raised: list[BaseException] = []

    async def reader(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        try:
            await bytes_reader(content)
        except ClientDisconnect as error:
            raised.append(error)
            raise
        return 204

    app = Application()
    app.http_router.add({"POST"}, "/", reader)
    first_part: list[Message] = [{"type": "http.request", "body": b"part", "more_body": True}]
    exchange = await call(app, http_scope("POST", "/"), [*first_part, {"type": "http.disconnect"}])
    assert exchange.sent == []
    assert len(raised) == 1
    assert errors_logged(caplog) == []


def endless_app(finalised: list[str], method: str = "GET") -> Application:
    """An application streaming ``endless(finalised, True)`` from ``method`` /events."""

    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], endless(finalised, True)

    app = Application()
    app.http_router.add({method}, "/events", sse)
    return app


def endless(finalised: list[str], forever: bool) -> AsyncIterator[bytes]:
    async def events() -> AsyncIterator[bytes]:
        try:
            yield b"data: 1\n\n"
            if forever:
                await anyio.sleep_forever()
            while True:
                await anyio.sleep(0.01)
                yield b"data: more\n\n"
        finally:
            finalised.append("closed")

    return events()


@pytest.mark.parametrize("forever", [False, True], ids=["ticking", "waiting"])
async def test_an_endless_stream_stops_when_the_client_leaves(
    forever: bool, caplog: pytest.LogCaptureFixture
) -> None:
    finalised: list[str] = []

    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [(b"content-type", b"text/event-stream")], endless(finalised, forever)

    app = Application()
    app.http_router.add({"GET"}, "/events", sse)
    exchange = await call(
        app, http_scope("GET", "/events"), request_messages(b""), disconnect_after_sends=2
    )
    assert exchange.status == 200
    assert finalised == ["closed"]
    assert errors_logged(caplog) == []


async def test_a_send_that_raises_stops_the_stream_quietly(caplog: pytest.LogCaptureFixture) -> None:
    finalised: list[str] = []

    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], endless(finalised, False)

    app = Application()
    app.http_router.add({"GET"}, "/events", sse)
    exchange = await call(app, http_scope("GET", "/events"), request_messages(b""), send_error_after=3)
    assert len(exchange.sent) == 3
    assert finalised == ["closed"]
    assert errors_logged(caplog) == []


async def test_a_streamed_echo_sees_the_client_leave_mid_body(caplog: pytest.LogCaptureFixture) -> None:
    async def echo(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], content

    app = Application()
    app.http_router.add({"POST"}, "/", echo)
    inputs: list[Message] = [
        {"type": "http.request", "body": b"one", "more_body": True},
        {"type": "http.disconnect"},
    ]
    exchange = await call(app, http_scope("POST", "/"), inputs)
    assert exchange.status == 200
    assert not exchange.completed
    assert errors_logged(caplog) == []


async def test_server_cancellation_closes_the_body_and_propagates() -> None:
    finalised: list[str] = []

    app = endless_app(finalised, "GET")
    with anyio.move_on_after(0.2) as scope:
        await call(app, http_scope("GET", "/events"), request_messages(b""))
    assert scope.cancelled_caught
    assert finalised == ["closed"]


async def test_an_unread_upload_does_not_keep_an_endless_stream_alive(
    caplog: pytest.LogCaptureFixture,
) -> None:
    finalised: list[str] = []

    app = endless_app(finalised, "POST")
    exchange = await call(
        app, http_scope("POST", "/events"), request_messages(BODY, "bytes"), disconnect_after_sends=2
    )
    assert exchange.status == 200
    assert finalised == ["closed"]
    assert errors_logged(caplog) == []


async def test_a_body_reading_an_upload_dropped_while_unread_gets_a_clear_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = anyio.Event()

    async def late_reader(content: Content) -> AsyncIterator[bytes]:
        yield b"waiting"
        await gate.wait()
        yield await bytes_reader(content)

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], late_reader(content)

    async def release(message: Message) -> None:
        if message.get("body") == b"waiting":
            await anyio.sleep(0.05)  # the watcher takes in the whole upload meanwhile
            gate.set()

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    chunk = b"x" * (UNREAD_LIMIT // 4)
    inputs: list[Message] = [
        *({"type": "http.request", "body": chunk, "more_body": True} for _ in range(5)),
        {"type": "http.request", "body": b"", "more_body": False},
    ]
    exchange = await call(app, http_scope("POST", "/"), inputs, on_send=release)
    assert not exchange.completed
    [record] = errors_logged(caplog)
    assert record.exc_info is not None and "behind the client" in str(record.exc_info[1])


async def test_an_endless_body_ends_when_the_client_leaves_with_its_upload_partly_read() -> None:
    # The body takes the first chunk of the upload and never asks for more; the client
    # sends a second chunk, then leaves. The watcher still sees it go.
    closed = anyio.Event()

    async def ticking(content: Content) -> AsyncIterator[bytes]:
        try:
            async for _ in content:
                break
            while True:
                yield b"data: tick\n\n"
                await anyio.sleep(0.01)
        finally:
            closed.set()

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], ticking(content)

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    first_event = anyio.Event()
    gone = anyio.Event()
    events: list[Message] = []
    messages: list[Message] = [
        {"type": "http.request", "body": b"first", "more_body": True},
        {"type": "http.request", "body": b"second", "more_body": True},
    ]

    async def receive() -> Message:
        if len(messages) == 1:
            await first_event.wait()  # the second chunk comes once the first was taken
        if messages:
            return messages.pop(0)
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            events.append(message)
            first_event.set()
            if len(events) == 3:
                gone.set()
        await anyio.lowlevel.checkpoint()

    with anyio.fail_after(2):
        await app(http_scope("POST", "/"), receive, send)
    assert closed.is_set()
    assert not messages


async def test_a_body_falling_far_behind_the_upload_is_dropped_not_held() -> None:
    # An upload streamed to a body that reads none of it while the response streams:
    # the relay holds at most UNREAD_LIMIT bytes, then drops the rest and says why.
    async def late_reader(content: Content) -> AsyncIterator[bytes]:
        yield b"started"
        await anyio.sleep(0.05)  # the upload arrives meanwhile
        try:
            await bytes_reader(content)
        except RuntimeError as error:
            yield str(error).encode()

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], late_reader(content)

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    chunk = b"x" * (UNREAD_LIMIT // 4)
    inputs: list[Message] = [
        *({"type": "http.request", "body": chunk, "more_body": True} for _ in range(6)),
        {"type": "http.request", "body": b"", "more_body": False},
    ]
    exchange = await call(app, http_scope("POST", "/"), inputs)
    assert b"behind the client" in exchange.body
    assert exchange.received == len(inputs) + 1  # every message read, then the disconnect


# On asyncio the watcher ends the stream by cancelling a scope in the task that serves
# it: the task must come out of it as it went in, and a cancellation of the server's
# own must still reach the server.
asyncio_only = pytest.mark.parametrize("anyio_backend", ["asyncio"])


@asyncio_only
async def test_the_serving_task_is_left_uncancelled_when_the_client_leaves() -> None:
    import asyncio

    finalised: list[str] = []

    app = endless_app(finalised, "GET")
    exchange = await call(
        app, http_scope("GET", "/events"), request_messages(b""), disconnect_after_sends=2
    )
    task = asyncio.current_task()
    assert task is not None
    if sys.version_info >= (3, 11):  # Task.cancelling(): the scope's requests taken back
        assert task.cancelling() == 0
    await asyncio.sleep(0.01)  # no cancellation left pending for the task's next await
    assert finalised == ["closed"]
    assert exchange.status == 200 and not exchange.completed


@asyncio_only
@pytest.mark.parametrize("client_leaves", [False, True], ids=["server", "server-and-client"])
async def test_a_cancellation_of_the_servers_own_reaches_the_server(client_leaves: bool) -> None:
    import asyncio

    finalised: list[str] = []
    streaming = asyncio.Event()

    async def events() -> AsyncIterator[bytes]:
        try:
            yield b"data: one\n\n"
            streaming.set()
            await anyio.sleep_forever()
            yield b"never"
        finally:
            finalised.append("closed")

    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], events()

    app = Application()
    app.http_router.add({"GET"}, "/events", sse)
    serving = asyncio.create_task(
        call(
            app,
            http_scope("GET", "/events"),
            request_messages(b""),
            disconnect_after_sends=2 if client_leaves else None,
        )
    )
    await streaming.wait()
    serving.cancel()  # as a server does at shutdown: a plain asyncio cancellation
    with pytest.raises(asyncio.CancelledError):
        await serving
    assert serving.cancelled()
    assert finalised == ["closed"]


# The client leaving ends the body as a cancel scope would, on every backend: what the
# body does with cancel scopes of its own keeps its meaning.


async def test_a_shielded_step_of_the_body_finishes_when_the_client_leaves_during_it() -> None:
    steps: list[str] = []

    async def events() -> AsyncIterator[bytes]:
        try:
            yield b"data: one\n\n"
            with anyio.CancelScope(shield=True):  # say, a write that must not be cut short
                await anyio.sleep(0.05)
                steps.append("shielded step done")
            await anyio.sleep_forever()
            yield b"never"
        finally:
            steps.append("closed")

    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], events()

    app = Application()
    app.http_router.add({"GET"}, "/events", sse)
    exchange = await call(
        app, http_scope("GET", "/events"), request_messages(b""), disconnect_after_sends=2
    )
    assert steps == ["shielded step done", "closed"]
    assert exchange.outcome == "returned" and not exchange.completed


async def test_a_body_that_catches_the_cancellation_is_cancelled_again_at_its_next_wait() -> None:
    steps: list[str] = []
    cancelled = anyio.get_cancelled_exc_class()

    async def events() -> AsyncIterator[bytes]:
        yield b"data: one\n\n"
        try:
            await anyio.sleep_forever()
        except cancelled:
            steps.append("caught")  # and carries on, as it should not
        try:
            await anyio.sleep(5)
            steps.append("slept on after the client left")
        except cancelled:
            steps.append("cancelled again")
            raise
        yield b"never"

    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], events()

    app = Application()
    app.http_router.add({"GET"}, "/events", sse)
    with anyio.fail_after(2):
        exchange = await call(
            app, http_scope("GET", "/events"), request_messages(b""), disconnect_after_sends=2
        )
    assert steps == ["caught", "cancelled again"]
    assert exchange.outcome == "returned" and not exchange.completed


@asyncio_only
@pytest.mark.xfail(
    sys.version_info < (3, 11),
    reason="Python 3.10 cannot count cancellations: the server's, landing in the turn "
    "the scope's own does, is folded into it and ended with it",
    strict=True,
)
async def test_a_cancellation_of_the_servers_own_in_the_turn_the_client_leaves_reaches_it() -> None:
    import asyncio

    streaming = asyncio.Event()
    gone = asyncio.Event()

    async def events() -> AsyncIterator[bytes]:
        yield b"data: one\n\n"
        streaming.set()
        await anyio.sleep_forever()
        yield b"never"

    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [], events()

    async def receive() -> Message:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        pass

    app = Application()
    app.http_router.add({"GET"}, "/events", sse)
    serving = asyncio.create_task(app(http_scope("GET", "/events"), receive, send))
    await streaming.wait()
    gone.set()
    await asyncio.sleep(0)  # the watcher has seen the client leave and cancelled the scope
    assert not serving.done()
    serving.cancel()  # and the server shuts down in the same turn
    with pytest.raises(asyncio.CancelledError):
        await serving
    assert serving.cancelled()
