"""Body readers, writers and response helpers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bareasgi import (
    HttpError,
    bytes_reader,
    bytes_response,
    bytes_writer,
    json_response,
    text_reader,
    text_response,
    text_writer,
)
from bareasgi.types import Content

pytestmark = pytest.mark.anyio


class CountingBody:
    """A request body that counts how many chunks were taken from it."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.taken = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.taken += 1
            yield chunk


async def collect(body: Content) -> list[bytes]:
    return [chunk async for chunk in body]


async def test_readers_join_the_chunks() -> None:
    assert await bytes_reader(CountingBody([b"ab", b"", b"c"])) == b"abc"
    assert await text_reader(CountingBody(["héllo".encode(), b" world"])) == "héllo world"
    assert await text_reader(CountingBody(["héllo".encode("latin-1")]), "latin-1") == "héllo"


async def test_a_body_over_max_size_is_refused_as_soon_as_the_limit_is_crossed() -> None:
    body = CountingBody([b"x" * 10] * 100)
    with pytest.raises(HttpError) as caught:
        await bytes_reader(body, max_size=25)
    assert caught.value.status == 413
    assert body.taken == 3
    assert await bytes_reader(CountingBody([b"x" * 10] * 2), max_size=20) == b"x" * 20


async def test_text_reader_refuses_invalid_text_with_400() -> None:
    with pytest.raises(HttpError) as caught:
        await text_reader(CountingBody([b"\xff\xfe"]))
    assert caught.value.status == 400
    with pytest.raises(HttpError) as too_big:
        await text_reader(CountingBody([b"abc"]), max_size=2)
    assert too_big.value.status == 413


async def test_writers_chunk_and_can_be_iterated_again() -> None:
    assert await collect(text_writer("héllo")) == ["héllo".encode()]
    chunked = bytes_writer(b"abcdefg", chunk_size=3)
    assert await collect(chunked) == [b"abc", b"def", b"g"]
    assert await collect(chunked) == [b"abc", b"def", b"g"]
    assert await collect(text_writer("abcd", "ascii", chunk_size=2)) == [b"ab", b"cd"]
    assert await collect(bytes_writer(b"")) == [b""]


def test_a_zero_chunk_size_is_refused() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        bytes_writer(b"abc", chunk_size=0)


async def test_response_helpers_add_content_headers() -> None:
    status, headers, body = text_response(200, None, "héllo")
    assert status == 200
    assert dict(headers) == {b"content-type": b"text/plain; charset=utf-8", b"content-length": b"6"}
    assert await collect(body) == ["héllo".encode()]

    status, headers, body = json_response(201, [(b"x-id", b"7")], {"id": 7})
    assert dict(headers) == {b"x-id": b"7", b"content-type": b"application/json", b"content-length": b"9"}
    assert json.loads(b"".join(await collect(body))) == {"id": 7}

    given = [(b"content-type", b"image/png")]
    status, headers, body = bytes_response(200, given, b"\x89PNG")
    assert dict(headers) == {b"content-type": b"image/png", b"content-length": b"4"}
    assert given == [(b"content-type", b"image/png")]  # the caller's list is left alone
