"""Compression: the middleware that encodes response bodies by the client's ``accept-encoding``.

The rules it keeps (RFC 9110, "Content-Encoding" and "Accept-Encoding"):

- Never a body already encoded (any ``content-encoding`` but ``identity``), so never
  twice; never a ``206`` or a ``content-range``, a ``204``, ``304`` or ``1xx``, a
  response with ``cache-control: no-transform``, or a content type that is compressed
  already (images but SVG, audio, video, archives, WOFF fonts).
- Never a body known to be smaller than ``minimum_size``: one known in full (from
  ``bytes_writer``, ``text_writer`` or a response helper), or one whose
  ``content-length`` says so. A streamed body of unknown length is compressed.
- ``vary: accept-encoding`` on every response that would be compressed for some
  client, whether this one asked or not, so that caches keep the versions apart.
- When it compresses: ``content-encoding`` set, a stale ``content-length`` dropped (a
  body known in full is compressed at once and gets its new length), a strong
  ``etag`` made weak (the encoded body is another representation), and
  ``accept-ranges`` dropped (ranges of the encoded body are not served).
- A streamed body stays streamed: each chunk is compressed and flushed at once, so a
  server-sent event reaches the client when it is sent, not when a buffer fills.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from typing import Protocol, TypeVar


from .asgi import HttpScope
from .streaming import BytesBody
from .types import AnyInfoMiddleware, Content, Header, HttpChainCallback, HttpResponse, RouteMatches

_InfoT = TypeVar("_InfoT")

THREAD_THRESHOLD = 256 * 1024
"""A body known in full and larger than this is compressed in a worker thread."""

_ACCEPT_CACHE = 256  # distinct accept-encoding values remembered (clients send few)

_VARY: Header = (b"vary", b"accept-encoding")
_DROPPED = frozenset({b"content-length", b"accept-ranges", b"etag"})
_UNCOMPRESSED_STATUSES = frozenset({204, 206, 304})

# Content types whose bodies are compressed already: encoding them again costs time
# and saves nothing.
_COMPRESSED_PREFIXES = (b"image/", b"audio/", b"video/", b"font/woff")
_COMPRESSED_TYPES = frozenset(
    {
        b"application/zip",
        b"application/gzip",
        b"application/x-gzip",
        b"application/zstd",
        b"application/x-bzip2",
        b"application/x-xz",
        b"application/x-7z-compressed",
        b"application/x-rar-compressed",
        b"application/vnd.rar",
    }
)
_STILL_COMPRESSIBLE = frozenset({b"image/svg+xml", b"image/x-icon", b"image/bmp"})

# Compiled at first use (re keeps it), not when the package is imported.
_Q_VALUE = r"(?i)\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*"


class _Stream(Protocol):
    """One body being compressed, chunk by chunk."""

    def chunk(self, data: bytes) -> bytes:
        """``data`` compressed and flushed: the client can decode all it was given."""
        ...

    def end(self) -> bytes:
        """What completes the encoded body."""
        ...


# Plain slotted classes rather than dataclasses: this module is imported with the
# package, and a dataclass costs a millisecond to create.
class _Codec:
    """One content coding: its name, how to compress a whole body, how to start a stream."""

    __slots__ = ("name", "stream", "whole")

    def __init__(
        self, name: str, whole: Callable[[bytes], bytes], stream: Callable[[], _Stream]
    ) -> None:
        self.name = name
        self.whole = whole
        self.stream = stream


class _ZlibStream:
    __slots__ = ("compressor",)

    def __init__(self, level: int) -> None:
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: a gzip member

    def chunk(self, data: bytes) -> bytes:
        return self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)

    def end(self) -> bytes:
        return self.compressor.flush()


def _gzip(level: int) -> _Codec:
    def whole(data: bytes) -> bytes:
        compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
        return compressor.compress(data) + compressor.flush()

    return _Codec("gzip", whole, lambda: _ZlibStream(level))


def _brotli(level: int) -> _Codec:
    import brotli

    class BrotliStream:
        __slots__ = ("compressor",)

        def __init__(self) -> None:
            self.compressor = brotli.Compressor(quality=level)

        def chunk(self, data: bytes) -> bytes:
            return self.compressor.process(data) + self.compressor.flush()

        def end(self) -> bytes:
            return self.compressor.finish()

    return _Codec("br", lambda data: brotli.compress(data, quality=level), BrotliStream)


def _zstd(level: int) -> _Codec:
    import zstandard

    # One compressor for the whole bodies compressed in the event loop's thread (one
    # call each, so never two at once); one of its own for a body compressed in a
    # worker thread, and for each stream, as streams interleave.
    shared = zstandard.ZstdCompressor(level=level)

    def whole(data: bytes) -> bytes:
        if len(data) > THREAD_THRESHOLD:
            return zstandard.ZstdCompressor(level=level).compress(data)
        return shared.compress(data)

    class ZstdStream:
        __slots__ = ("compressor",)

        def __init__(self) -> None:
            self.compressor = zstandard.ZstdCompressor(level=level).compressobj()

        def chunk(self, data: bytes) -> bytes:
            return self.compressor.compress(data) + self.compressor.flush(
                zstandard.COMPRESSOBJ_FLUSH_BLOCK
            )

        def end(self) -> bytes:
            return self.compressor.flush()

    return _Codec("zstd", whole, ZstdStream)


class _Kind:
    """What the middleware knows of one encoding before it is configured."""

    __slots__ = ("default_level", "extra", "levels", "make", "module")

    def __init__(
        self,
        make: Callable[[int], _Codec],
        default_level: int,
        levels: range,
        module: str | None,  # the optional package it needs
        extra: str | None,  # the bareasgi extra that installs it
    ) -> None:
        self.make = make
        self.default_level = default_level
        self.levels = levels
        self.module = module
        self.extra = extra


_KINDS = {
    "gzip": _Kind(_gzip, 6, range(0, 10), None, None),
    "br": _Kind(_brotli, 4, range(0, 12), "brotli", "brotli"),
    "zstd": _Kind(_zstd, 3, range(1, 23), "zstandard", "zstandard"),
}


def compression_middleware(
    *,
    minimum_size: int = 500,
    encodings: Iterable[str] = ("gzip",),
    level: int | None = None,
) -> AnyInfoMiddleware:
    """A middleware compressing response bodies with the best encoding the client accepts.

    ``encodings``: the ones offered, best first, from ``'gzip'`` (the standard
    library's zlib), ``'br'`` (the ``brotli`` package: ``bareasgi[brotli]``) and
    ``'zstd'`` (``zstandard``: ``bareasgi[zstandard]``). The client's ``q`` values
    choose among them; on a tie the earlier one wins. ``minimum_size``: bytes below
    which a body known in full is sent as it is. ``level``: the compression level for
    every encoding (default: gzip 6, br 4, zstd 3, each fast enough to keep up with
    a stream).

    Raises at once: ``ValueError`` for an unknown encoding or a level out of an
    encoding's range, ``ImportError`` naming the extra when an encoding's package is
    missing.
    """
    if type(minimum_size) is not int or minimum_size < 0:
        raise ValueError(f"minimum_size must be a whole number of bytes, 0 or more, not {minimum_size!r}")
    if isinstance(encodings, (str, bytes)):
        raise TypeError(f"encodings must be a list of names, not the single {encodings!r}")
    if level is not None and type(level) is not int:
        raise TypeError(f"level must be an int or None, not {level!r}")
    codecs = [_codec(name, level) for name in dict.fromkeys(encodings)]
    if not codecs:
        raise ValueError("encodings is empty: name at least one of " + ", ".join(_KINDS))

    @functools.lru_cache(maxsize=_ACCEPT_CACHE)
    def choose(accept: bytes) -> _Codec | None:
        """The codec for an ``accept-encoding`` value: the highest ``q``, then our order."""
        weights = _weights(accept)
        best: _Codec | None = None
        best_q = 0.0
        for codec in codecs:
            q = weights.get(codec.name)
            if q is None:
                q = weights.get("*", 0.0)
            if q > best_q:
                best, best_q = codec, q
        return best

    async def compression(
        scope: HttpScope,
        info: _InfoT,
        matches: RouteMatches,
        content: Content,
        handler: HttpChainCallback[_InfoT],
        /,
    ) -> HttpResponse:
        response = await handler(scope, info, matches, content)
        status, headers, body, pushes = response
        if body is None or status < 200 or status in _UNCOMPRESSED_STATUSES:
            return response
        size = len(body.data) if type(body) is BytesBody else None
        etag = None
        varied = False
        for name, value in headers:
            if name == b"content-encoding":
                if value.strip().lower() != b"identity":
                    return response  # encoded already: never twice
            elif name == b"content-type":
                if not _compressible(value):
                    return response
            elif name == b"content-length":
                if size is None and value.isdigit():
                    size = int(value)
            elif name == b"etag":
                etag = value
            elif name == b"vary":
                lowered = value.lower()
                varied = varied or b"accept-encoding" in lowered or b"*" in lowered
            elif name == b"content-range":
                return response
            elif name == b"cache-control" and b"no-transform" in value.lower():
                return response
        if size is not None and (size < minimum_size or size == 0):
            return response
        accept = None
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept = value if accept is None else accept + b"," + value
        codec = choose(accept) if accept else None
        if codec is None:
            return response if varied else (status, [*headers, _VARY], body, pushes)
        encoded = [header for header in headers if header[0] not in _DROPPED]
        encoded.append((b"content-encoding", codec.name.encode("ascii")))
        if not varied:
            encoded.append(_VARY)
        if etag is not None:
            encoded.append((b"etag", etag if etag.startswith(b"W/") else b"W/" + etag))
        if scope["method"] == "HEAD":
            return status, encoded, body, pushes  # no body is sent: its length is unknown
        if type(body) is BytesBody:
            data = body.data
            if len(data) > THREAD_THRESHOLD:
                from anyio import to_thread  # here: the package imports without it

                data = await to_thread.run_sync(codec.whole, data)
            else:
                data = codec.whole(data)
            encoded.append((b"content-length", str(len(data)).encode("ascii")))
            return status, encoded, BytesBody(data), pushes
        return status, encoded, _compressed(codec.stream(), body), pushes

    return compression


def _codec(name: object, level: int | None) -> _Codec:
    kind = _KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValueError(f"encodings: unknown encoding {name!r} (known: {', '.join(_KINDS)})")
    if level is not None and level not in kind.levels:
        raise ValueError(
            f"level {level} is out of range for {name} "
            f"({kind.levels.start} to {kind.levels.stop - 1})"
        )
    if kind.module is not None:
        try:
            __import__(kind.module)
        except ImportError:
            raise ImportError(
                f"encodings: {name!r} needs the {kind.module} package: "
                f"pip install 'bareasgi[{kind.extra}]'"
            ) from None
    return kind.make(kind.default_level if level is None else level)


def _weights(accept: bytes) -> dict[str, float]:
    """The ``q`` of each coding an ``accept-encoding`` value names (RFC 9110, 12.5.3).

    A coding with no ``q`` has 1; one whose ``q`` does not parse is left out, as if
    not named; a name listed twice keeps its first ``q``.
    """
    weights: dict[str, float] = {}
    for item in accept.decode("latin-1").split(","):
        name, _, parameters = item.partition(";")
        name = name.strip().lower()
        if name == "x-gzip":
            name = "gzip"  # RFC 9110: the same coding
        if not name:
            continue
        q = 1.0
        if parameters:
            found = re.fullmatch(_Q_VALUE, parameters)
            if found is None:
                continue
            q = float(found[1])
        weights.setdefault(name, q)
    return weights


def _compressible(content_type: bytes) -> bool:
    media = content_type.partition(b";")[0].strip().lower()
    if media in _STILL_COMPRESSIBLE:
        return True
    return not (media.startswith(_COMPRESSED_PREFIXES) or media in _COMPRESSED_TYPES)


async def _compressed(stream: _Stream, body: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """``body`` compressed chunk by chunk, each flushed; the body is closed at the end."""
    chunks = aiter(body)
    try:
        async for chunk in chunks:
            if chunk:
                data = stream.chunk(chunk)
                if data:
                    yield data
        tail = stream.end()
        if tail:
            yield tail
    finally:
        aclose = getattr(chunks, "aclose", None)
        if aclose is not None:
            await aclose()
