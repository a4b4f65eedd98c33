"""Bad request bodies: over the reader's limit, or not text in the declared encoding.

Through the application, as a server delivers them: a body over ``max_size`` is
answered 413 as soon as the message crossing the limit arrives, and the messages after
it are never asked for (so never held in memory); text that is not valid UTF-8 is a
400. Neither is logged: the client sent something wrong, the server did not fail.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_reader,
    bytes_response,
    mw,
    text_reader,
    text_response,
)
from bareasgi.types import HttpFullResponse, Message

from ..unit.peer import call, http_scope

pytestmark = pytest.mark.anyio

LIMIT = 1000
Reader = Callable[[Content], Awaitable[HttpResponse]]


async def read_bytes(content: Content) -> HttpResponse:
    return bytes_response(200, None, await bytes_reader(content, max_size=LIMIT))


async def read_text(content: Content) -> HttpResponse:
    return text_response(200, None, await text_reader(content, max_size=LIMIT))


def messages(size: int, chunk: int) -> list[Message]:
    """``size`` bytes of ASCII in messages of ``chunk`` bytes, then an empty last one."""
    data = bytes(48 + i % 10 for i in range(chunk))  # one object, shared: cheap in memory
    parts: list[Message] = []
    for start in range(0, size, chunk):
        body = data if size - start >= chunk else data[: size - start]
        parts.append({"type": "http.request", "body": body, "more_body": True})
    return [*parts, {"type": "http.request", "body": b"", "more_body": False}]


@dataclass(frozen=True)
class Upload:
    size: int
    chunk: int
    status: int
    received: int  # how many receive() calls the application made


UPLOADS = {
    "under-the-limit-whole": Upload(999, 999, 200, 2),
    "at-the-limit-in-parts": Upload(1000, 100, 200, 11),
    "one-byte-over-whole": Upload(1001, 1001, 413, 1),
    "one-byte-over-in-parts": Upload(1001, 100, 413, 11),
    "crossed-mid-message": Upload(5000, 300, 413, 4),
    "huge-upload": Upload(100 * 1024 * 1024, 64 * 1024, 413, 1),
}
READERS = {"bytes_reader": read_bytes, "text_reader": read_text}


@pytest.mark.parametrize("reader", list(READERS.values()), ids=list(READERS))
@pytest.mark.parametrize("upload", list(UPLOADS.values()), ids=list(UPLOADS))
async def test_a_body_over_max_size_is_refused_once_the_limit_is_crossed(
    reader: Reader, upload: Upload, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return await reader(content)

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    exchange = await call(app, http_scope("POST", "/"), messages(upload.size, upload.chunk))
    assert exchange.status == upload.status
    assert exchange.received == upload.received
    if upload.status == 413:
        assert exchange.body == f"Request body larger than {LIMIT} bytes".encode()
    else:
        assert len(exchange.body) == upload.size
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_wrapped_body_is_also_refused_without_reading_the_rest() -> None:
    """A middleware that hands on its own iterator: the reader stops taking from it too."""
    taken: list[int] = []

    async def counting(content: Content) -> AsyncIterator[bytes]:
        async for chunk in content:
            taken.append(len(chunk))
            yield chunk

    async def middleware(
        scope: HttpScope,
        info: Info,
        matches: RouteMatches,
        content: Content,
        handler: HttpChainCallback,
    ) -> HttpFullResponse:
        return await handler(scope, info, matches, counting(content))

    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return await read_bytes(content)

    app = Application()
    app.http_router.add({"POST"}, "/", mw(middleware, handler=handler))
    exchange = await call(app, http_scope("POST", "/"), messages(50_000, 100))
    assert exchange.status == 413
    assert len(taken) == 11 and exchange.received == 11


TEXTS = {
    "invalid-start-byte": [b"\xff\xfe"],
    "truncated-sequence": ["caf\u00e9".encode()[:-1]],
    "surrogate-encoded": [b"\xed\xa0\x80"],
    "overlong-slash": [b"\xc0\xaf"],
    "valid-split-across-messages": ["caf\u00e9".encode()[:-1], "caf\u00e9".encode()[-1:]],
}


@pytest.mark.parametrize("chunks", list(TEXTS.values()), ids=list(TEXTS))
async def test_text_that_is_not_utf8_is_a_400(
    chunks: list[bytes], caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return await read_text(content)

    app = Application()
    app.http_router.add({"POST"}, "/", handler)
    inputs: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    exchange = await call(app, http_scope("POST", "/"), inputs)
    valid = b"".join(chunks) == "caf\u00e9".encode()
    assert exchange.status == (200 if valid else 400)
    if not valid:
        assert exchange.body == b"Request body is not valid utf-8"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
