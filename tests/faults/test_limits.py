"""Body limits: finite by default, set per application or per call, lifted only explicitly.

Memory held by a reader follows the bytes it counted, however the client chunked
them, and a body of nothing but empty messages is refused rather than read for ever.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable

import anyio
import pytest

from bareasgi import (
    DEFAULT_MAX_REQUEST_BODY,
    UNLIMITED,
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_reader,
    text_reader,
    text_response,
)
from bareasgi.request_body import MAX_EMPTY_MESSAGES
from bareasgi.types import Message

from ..unit.peer import call, http_scope

pytestmark = pytest.mark.anyio


async def length(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, None, str(len(await bytes_reader(content))))


def app_reading(max_request_body: int = DEFAULT_MAX_REQUEST_BODY) -> Application:
    app = Application(max_request_body=max_request_body)
    app.http_router.add({"POST"}, "/", length)
    return app


def upload(size: int, chunk: int = 64 * 1024) -> list[Message]:
    messages: list[Message] = []
    for start in range(0, size, chunk):
        messages.append({"type": "http.request", "body": b"x" * min(chunk, size - start), "more_body": True})
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    return messages


async def test_the_default_limit_is_finite_and_applies_without_max_size() -> None:
    app = app_reading()
    assert app.max_request_body == DEFAULT_MAX_REQUEST_BODY == 4 * 1024 * 1024

    at_limit = await call(app, http_scope("POST", "/"), upload(DEFAULT_MAX_REQUEST_BODY))
    over = await call(app, http_scope("POST", "/"), upload(DEFAULT_MAX_REQUEST_BODY + 1))

    assert (at_limit.status, at_limit.body) == (200, str(DEFAULT_MAX_REQUEST_BODY).encode())
    assert over.status == 413


async def test_the_application_limit_applies_and_max_size_overrides_it() -> None:
    app = Application(max_request_body=10)

    async def explicit(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return text_response(200, None, await text_reader(content, max_size=20))

    app.http_router.add({"POST"}, "/", length)
    app.http_router.add({"POST"}, "/explicit", explicit)
    body = [{"type": "http.request", "body": b"x" * 15, "more_body": False}]

    assert (await call(app, http_scope("POST", "/"), body)).status == 413
    assert (await call(app, http_scope("POST", "/explicit"), body)).body == b"x" * 15


async def test_unlimited_lifts_the_limit() -> None:
    size = DEFAULT_MAX_REQUEST_BODY + 1024
    exchange = await call(app_reading(max_request_body=UNLIMITED), http_scope("POST", "/"), upload(size))
    assert exchange.body == str(size).encode()


@pytest.mark.parametrize("value", [-1, 1.5, "10", None])
def test_a_limit_that_is_not_a_size_is_refused_at_once(value: object) -> None:
    with pytest.raises(ValueError, match="max_request_body"):
        Application(max_request_body=value)  # type: ignore[call-overload]  # the mistake under test


def lazy_receive(count: int, make: Callable[[int], bytes]) -> tuple[Callable[[], Message], list[int]]:
    """A ``receive`` giving ``count`` body messages made on demand, then the end."""
    taken = [0]

    def next_message() -> Message:
        taken[0] += 1
        if taken[0] <= count:
            return {"type": "http.request", "body": make(taken[0]), "more_body": True}
        if taken[0] == count + 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    return next_message, taken


async def run_with(app: Application, next_message: Callable[[], Message]) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        await anyio.lowlevel.checkpoint()
        return next_message()

    async def send(message: Message) -> None:
        sent.append(message)

    with anyio.fail_after(30):
        await app(http_scope("POST", "/"), receive, send)
    return sent


async def test_memory_follows_the_bytes_read_whatever_the_chunking() -> None:
    # 64 KiB in two-byte messages, each its own bytes object as a server makes them: a
    # list of them would hold some 20 times their size.
    size = 64 * 1024
    next_message, _ = lazy_receive(size // 2, lambda _: os.urandom(2))
    tracemalloc.start()
    try:
        sent = await run_with(app_reading(), next_message)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sent[1]["body"] == str(size).encode()
    assert peak < 4 * size, f"reading {size} bytes held {peak} bytes at the peak"


async def test_a_flood_of_empty_messages_is_refused() -> None:
    next_message, taken = lazy_receive(500_000, lambda _: b"")
    sent = await run_with(app_reading(), next_message)
    assert sent[0]["status"] == 400
    assert taken[0] == MAX_EMPTY_MESSAGES + 1  # refused as the limit is crossed


async def test_empty_messages_between_chunks_are_free() -> None:
    # Empty messages between real chunks are skipped, whatever their number in all.
    next_message, _ = lazy_receive(3 * MAX_EMPTY_MESSAGES, lambda n: b"x" if n % 2 else b"")
    sent = await run_with(app_reading(), next_message)
    assert (sent[0]["status"], sent[1]["body"]) == (200, str(3 * MAX_EMPTY_MESSAGES // 2).encode())


async def test_iterating_the_body_refuses_a_flood_of_empty_messages_too() -> None:
    async def count(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        chunks = [chunk async for chunk in content]
        return text_response(200, None, str(len(chunks)))

    app = Application()
    app.http_router.add({"POST"}, "/", count)
    next_message, taken = lazy_receive(500_000, lambda _: b"")
    sent = await run_with(app, next_message)
    assert sent[0]["status"] == 400
    assert taken[0] == MAX_EMPTY_MESSAGES + 1
