"""Compression: by accept-encoding, once, never below the minimum, and a stream stays a stream."""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import brotli
import pytest
import zstandard

from bareasgi import (
    Application,
    Content,
    Headers,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_writer,
    compression_middleware,
    text_response,
)
from bareasgi.compression import THREAD_THRESHOLD
from bareasgi.types import AnyInfoMiddleware

from .peer import Exchange, call, http_scope

pytestmark = pytest.mark.anyio

TEXT = "".join(f"line {i}: the quick brown fox jumps over the lazy dog\n" for i in range(40))
DATA = TEXT.encode()
HTML = [(b"content-type", b"text/html; charset=utf-8")]

DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.decompress,
    "br": brotli.decompress,
    "zstd": lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data),
}


def app_of(
    response: Callable[[], HttpResponse], *middlewares: AnyInfoMiddleware
) -> Application:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return response()

    app = Application(middlewares=list(middlewares))
    app.http_router.add({"GET"}, "/", handler)
    return app


async def get(app: Application, accept: str | None = "gzip", method: str = "GET") -> Exchange:
    headers = [] if accept is None else [(b"accept-encoding", accept.encode())]
    return await call(app, http_scope(method, "/", headers=headers))


def values(exchange: Exchange, name: bytes) -> list[bytes]:
    return [value for key, value in exchange.start["headers"] if key == name]


def incremental(encoding: str) -> Callable[[bytes], bytes]:
    """A decoder fed a body piece by piece, giving back all it can decode so far."""
    if encoding == "gzip":
        return zlib.decompressobj(31).decompress
    if encoding == "br":
        return brotli.Decompressor().process
    return zstandard.ZstdDecompressor().decompressobj().decompress


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
async def test_a_body_known_in_full_is_compressed_at_once_with_its_new_length(encoding: str) -> None:
    app = app_of(lambda: text_response(200, HTML, TEXT), compression_middleware(encodings=[encoding]))
    exchange = await get(app, encoding)
    assert exchange.status == 200
    assert values(exchange, b"content-encoding") == [encoding.encode()]
    assert values(exchange, b"vary") == [b"accept-encoding"]
    assert values(exchange, b"content-length") == [str(len(exchange.body)).encode()]
    assert len(exchange.body) < len(DATA)
    assert DECODERS[encoding](exchange.body) == DATA
    assert len([m for m in exchange.sent if m["type"] == "http.response.body"]) == 1


async def test_a_body_smaller_than_the_minimum_is_left_alone_and_needs_no_vary() -> None:
    app = app_of(lambda: text_response(200, HTML, "short"), compression_middleware(minimum_size=500))
    exchange = await get(app)
    assert exchange.body == b"short"
    assert values(exchange, b"content-encoding") == values(exchange, b"vary") == []


async def test_a_streamed_body_whose_length_is_below_the_minimum_is_left_alone() -> None:
    headers = [*HTML, (b"content-length", b"10")]
    app = app_of(lambda: (200, headers, chunks(b"01234", b"56789")), compression_middleware())
    exchange = await get(app)
    assert (exchange.body, values(exchange, b"content-encoding")) == (b"0123456789", [])


async def test_a_client_that_asks_for_nothing_gets_identity_and_vary() -> None:
    app = app_of(lambda: text_response(200, HTML, TEXT), compression_middleware())
    for accept in (None, "identity", "gzip;q=0"):
        exchange = await get(app, accept)
        assert exchange.body == DATA, accept
        assert values(exchange, b"content-encoding") == [], accept
        assert values(exchange, b"vary") == [b"accept-encoding"], accept


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("gzip", "gzip"),
        ("GZip", "gzip"),
        ("x-gzip", "gzip"),
        ("deflate, gzip;q=1.0", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.5", "br"),
        ("zstd;q=0.9, br;q=0.8, gzip;q=0.7", "zstd"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("br;q=0, *", "zstd"),
        ("br;q=0.001", "br"),
        ("br ; Q = 0.75 , gzip;q=0.5", "br"),
        ("gzip;q=2, br;q=abc", None),
        ("gzip;q=0.0001", None),
        ("gzip;q=0", None),
        ("identity", None),
        (",,;q=1, ,", None),
    ],
    ids=lambda value: value if isinstance(value, str) else str(value),
)
async def test_the_encoding_follows_the_q_values_then_the_configured_order(
    accept: str, chosen: str | None
) -> None:
    middleware = compression_middleware(encodings=["br", "zstd", "gzip"])
    exchange = await get(app_of(lambda: text_response(200, HTML, TEXT), middleware), accept)
    assert values(exchange, b"content-encoding") == ([chosen.encode()] if chosen else [])
    if chosen:
        assert DECODERS[chosen](exchange.body) == DATA


async def test_an_encoded_body_is_never_compressed_again() -> None:
    encoded = gzip.compress(DATA)
    headers = [*HTML, (b"content-encoding", b"gzip"), (b"content-length", str(len(encoded)).encode())]
    app = app_of(lambda: (200, headers, bytes_writer(encoded)), compression_middleware())
    exchange = await get(app)
    assert (exchange.body, values(exchange, b"content-encoding")) == (encoded, [b"gzip"])


async def test_two_compression_middlewares_compress_once() -> None:
    app = app_of(lambda: text_response(200, HTML, TEXT), compression_middleware(), compression_middleware())
    exchange = await get(app)
    assert values(exchange, b"content-encoding") == [b"gzip"]
    assert gzip.decompress(exchange.body) == DATA


@pytest.mark.parametrize(
    ("content_type", "compressed"),
    [
        (b"image/png", False),
        (b"video/mp4", False),
        (b"application/zip", False),
        (b"font/woff2", False),
        (b"image/svg+xml", True),
        (b"application/json", True),
        (b"text/event-stream", True),
    ],
    ids=lambda value: value.decode() if isinstance(value, bytes) else str(value),
)
async def test_content_types_compressed_already_are_left_alone(content_type: bytes, compressed: bool) -> None:
    app = app_of(lambda: (200, [(b"content-type", content_type)], bytes_writer(DATA)), compression_middleware())
    exchange = await get(app)
    assert bool(values(exchange, b"content-encoding")) is compressed


@pytest.mark.parametrize(
    "response",
    [
        (204, []),
        (304, [(b"etag", b'"v1"')]),
        (206, [(b"content-range", b"bytes 0-999/2000")], bytes_writer(DATA)),
        (200, [(b"content-range", b"bytes 0-999/2000")], bytes_writer(DATA)),
        (200, [(b"cache-control", b"public, no-transform")], bytes_writer(DATA)),
    ],
    ids=["204", "304", "206", "content-range", "no-transform"],
)
async def test_responses_that_must_not_change_are_left_alone(response: HttpResponse) -> None:
    exchange = await get(app_of(lambda: response, compression_middleware()))
    assert values(exchange, b"content-encoding") == []
    assert values(exchange, b"vary") == []


async def test_a_strong_etag_is_made_weak_and_ranges_are_no_longer_offered() -> None:
    headers: Headers = [*HTML, (b"etag", b'"v1"'), (b"accept-ranges", b"bytes")]
    app = app_of(lambda: (200, headers, bytes_writer(DATA)), compression_middleware())
    exchange = await get(app)
    assert values(exchange, b"etag") == [b'W/"v1"']
    assert values(exchange, b"accept-ranges") == []


async def test_an_existing_vary_is_kept_and_accept_encoding_not_repeated() -> None:
    headers: Headers = [*HTML, (b"vary", b"Accept-Encoding, Cookie")]
    app = app_of(lambda: (200, headers, bytes_writer(DATA)), compression_middleware())
    exchange = await get(app)
    assert values(exchange, b"vary") == [b"Accept-Encoding, Cookie"]


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
async def test_each_chunk_of_a_stream_can_be_decoded_as_soon_as_it_is_sent(encoding: str) -> None:
    events = [f"data: event {i}\n\n".encode() for i in range(5)]
    headers = [(b"content-type", b"text/event-stream"), (b"content-length", b"999")]
    app = app_of(lambda: (200, headers, chunks(*events)), compression_middleware(encodings=[encoding]))
    exchange = await get(app, encoding)
    assert values(exchange, b"content-encoding") == [encoding.encode()]
    assert values(exchange, b"content-length") == []  # stale: dropped
    decode = incremental(encoding)
    bodies = [m["body"] for m in exchange.sent if m["type"] == "http.response.body" and m["body"]]
    assert [decode(body) for body in bodies[: len(events)]] == events
    assert b"".join(decode(body) for body in bodies[len(events) :]) == b""


async def test_a_stream_left_by_the_client_is_closed() -> None:
    closed: list[bool] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield DATA
        finally:
            closed.append(True)

    app = app_of(lambda: (200, HTML, endless()), compression_middleware())
    exchange = await call(
        app, http_scope(headers=[(b"accept-encoding", b"gzip")]), disconnect_after_sends=3
    )
    assert not exchange.completed
    assert closed == [True]


async def test_head_says_what_get_would_send_without_a_body() -> None:
    app = Application(middlewares=[compression_middleware()])

    async def page(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return text_response(200, HTML, TEXT)

    app.http_router.add({"GET", "HEAD"}, "/", page)
    exchange = await get(app, method="HEAD")
    assert values(exchange, b"content-encoding") == [b"gzip"]
    assert values(exchange, b"content-length") == []
    assert exchange.body == b""


async def test_a_large_body_is_compressed_in_a_worker_thread_just_the_same() -> None:
    large = (DATA * (THREAD_THRESHOLD // len(DATA) + 2))[: THREAD_THRESHOLD + 1000]
    for encoding in ("gzip", "br", "zstd"):
        app = app_of(lambda: (200, HTML, bytes_writer(large)), compression_middleware(encodings=[encoding]))
        exchange = await get(app, encoding)
        assert DECODERS[encoding](exchange.body) == large, encoding


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"encodings": ["deflate"]}, ValueError, "encodings: unknown encoding 'deflate' .known: gzip, br, zstd"),
        ({"encodings": "gzip"}, TypeError, "encodings must be a list"),
        ({"encodings": []}, ValueError, "encodings is empty"),
        ({"level": 10}, ValueError, "level 10 is out of range for gzip .0 to 9"),
        ({"encodings": ["zstd"], "level": 0}, ValueError, "level 0 is out of range for zstd .1 to 22"),
        ({"level": "9"}, TypeError, "level must be an int"),
        ({"minimum_size": -1}, ValueError, "minimum_size"),
    ],
    ids=["unknown", "str", "empty", "gzip-level", "zstd-level", "level-str", "negative-minimum"],
)
def test_a_configuration_mistake_raises_at_once_naming_the_argument(
    arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        compression_middleware(**arguments)


@pytest.mark.parametrize(("encoding", "module", "extra"), [("br", "brotli", "brotli"), ("zstd", "zstandard", "zstandard")])
def test_an_encoding_whose_package_is_missing_names_the_extra(
    encoding: str, module: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(ImportError, match=rf"'{encoding}' needs the {module} package: pip install 'bareasgi\[{extra}\]'"):
        compression_middleware(encodings=["gzip", encoding])

