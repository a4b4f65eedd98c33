"""Reading a ``multipart/form-data`` body part by part, each part streamed.

The parser is python-multipart (the one Starlette and FastAPI use), installed with
the ``multipart`` extra: ``pip install 'bareasgi[multipart]'``. It is imported when
:func:`multipart_reader` is first called, so the rest of bareasgi works without it.

How the parts are read: the body is fed to the parser one chunk as it arrives, and
the parser's callbacks queue what that chunk held (a part's headers, pieces of its
data, its end). A part's iterator hands out the queued pieces and feeds the next
chunk only when they run out, so at most one chunk of the body is held at a time,
whatever the size of a part. Moving on to the next part first reads what is left of
this one, and drops it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Final, final

from .errors import HttpError
from .request import header
from .request_body import body_limit
from .types import Content, Header, Scope

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks, MultipartParser

EXTRA_MISSING: Final = (
    "multipart_reader needs python-multipart: pip install 'bareasgi[multipart]'"
)

# python-multipart bounds a part's headers too (8 of 4 KiB each, in its recent
# releases); these hold whatever release is installed.
MAX_PART_HEADER_BYTES: Final = 8 * 1024
"""The most bytes the headers of one part may take, names and values together; past it, 400."""

MAX_PART_HEADERS: Final = 8
"""The most headers one part may have; past it, 400."""

_HEADERS, _DATA, _END = 0, 1, 2


@final
class Part:
    """One part of a ``multipart/form-data`` body: its headers, and its data streamed.

    ``name`` is the form field's name; ``filename`` the file's name as the client
    gave it (``None`` for a plain field: never use it as a path without checking it);
    ``content_type`` the part's own ``content-type`` (``None`` when it sent none,
    which RFC 7578 reads as ``text/plain``); ``headers`` all its headers, names in
    lower case. ``async for chunk in part`` gives the data as it arrives;
    ``await part.read()`` all of it. A part must be read before the next one is asked
    for; once the reader has moved on, it gives no more data.
    """

    __slots__ = ("_done", "_reader", "content_type", "filename", "headers", "name")

    name: str
    filename: str | None
    content_type: str | None
    headers: list[Header]

    def __init__(
        self,
        reader: _Reader,
        name: str,
        filename: str | None,
        content_type: str | None,
        headers: list[Header],
    ) -> None:
        self._reader = reader
        self._done = False
        self.name = name
        self.filename = filename
        self.content_type = content_type
        self.headers = headers

    def __repr__(self) -> str:
        return f"Part(name={self.name!r}, filename={self.filename!r}, content_type={self.content_type!r})"

    def __aiter__(self) -> Part:
        return self

    async def __anext__(self) -> bytes:
        while not self._done:
            kind, data = await self._reader.event()
            if kind == _DATA:
                if data:
                    return data
            else:  # the end of this part
                self._done = True
        raise StopAsyncIteration

    async def read(self) -> bytes:
        """The rest of the part's data, whole (bounded by the body's limit)."""
        return b"".join([chunk async for chunk in self])


def multipart_reader(scope: Scope, content: Content, max_size: int | None = None) -> AsyncIterator[Part]:
    """The parts of a ``multipart/form-data`` body, in order, each a :class:`Part`.

    ::

        async for part in multipart_reader(scope, content):
            if part.filename is None:
                fields[part.name] = (await part.read()).decode()
            else:
                async for chunk in part:     # a file, chunk by chunk
                    await file.write(chunk)

    ``max_size`` bounds the whole body, as for :func:`~bareasgi.bytes_reader` (by
    default the application's ``max_request_body``, 4 MiB unless set): past it,
    ``HttpError(413)``. A file part streamed to disk costs no memory, so to accept
    large uploads on one route, give that route a larger ``max_size`` (or
    ``UNLIMITED``), and bound the plain fields it reads whole yourself.

    A request that is not ``multipart/form-data`` with a boundary, or a body that
    does not parse (a missing ``content-disposition`` name, a bad boundary, a body
    that ends before the closing boundary, a part with more than
    :data:`MAX_PART_HEADERS` headers or :data:`MAX_PART_HEADER_BYTES` bytes of them),
    raises ``HttpError(400)``. Without
    python-multipart installed, ``ImportError`` naming the extra.
    """
    try:
        from python_multipart.multipart import MultipartParser, parse_options_header
    except ImportError as error:
        raise ImportError(EXTRA_MISSING) from error
    limit = body_limit(content, max_size)
    kind, options = parse_options_header(header(scope, b"content-type"))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise HttpError(400, "Expected a multipart/form-data body with a boundary")
    try:
        parser = MultipartParser(boundary)
    except ValueError as error:  # python-multipart's FormParserError: a boundary too long
        raise HttpError(400, "The multipart boundary is not valid") from error
    return _Reader(content, limit, parser)


@final
class _Reader:
    """The parts of one body, and the state they share: the parser and what it found.

    An iterator class rather than an async generator, so that a handler that stops
    early leaves nothing to finalise.
    """

    def __init__(self, content: Content, limit: int, parser: MultipartParser) -> None:
        self._chunks = aiter(content)
        self._limit = limit
        self._size = 0
        self._events: deque[tuple[int, bytes]] = deque()
        self._headers: list[Header] = []
        self._finished_headers: deque[list[Header]] = deque()  # one per _HEADERS event
        self._field = bytearray()
        self._value = bytearray()
        self._header_bytes = 0
        self._ended = False
        self._exhausted = False
        self._part: Part | None = None
        parser.callbacks = self._callbacks()
        self._parser = parser

    def _callbacks(self) -> MultipartCallbacks:
        events = self._events

        def on_part_begin() -> None:
            self._headers = []
            self._header_bytes = 0

        def count(size: int) -> None:
            # Raised through the parser's write(): the headers of a part are held whole.
            self._header_bytes += size
            if self._header_bytes > MAX_PART_HEADER_BYTES:
                raise HttpError(400, f"A multipart part has more than {MAX_PART_HEADER_BYTES} bytes of headers")

        def on_header_field(data: bytes, start: int, end: int) -> None:
            count(end - start)
            self._field += data[start:end]

        def on_header_value(data: bytes, start: int, end: int) -> None:
            count(end - start)
            self._value += data[start:end]

        def on_header_end() -> None:
            if len(self._headers) == MAX_PART_HEADERS:
                raise HttpError(400, f"A multipart part has more than {MAX_PART_HEADERS} headers")
            self._headers.append((bytes(self._field).lower(), bytes(self._value)))
            self._field.clear()
            self._value.clear()

        def on_headers_finished() -> None:
            self._finished_headers.append(self._headers)
            events.append((_HEADERS, b""))

        def on_part_data(data: bytes, start: int, end: int) -> None:
            events.append((_DATA, data[start:end]))

        def on_part_end() -> None:
            events.append((_END, b""))

        def on_end() -> None:
            self._ended = True

        return {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": on_end,
        }

    async def event(self) -> tuple[int, bytes]:
        """The next thing the parser found, reading the body as far as it takes."""
        events = self._events
        while not events:
            if self._ended:
                return _END, b""  # only asked for by a part already ended
            await self._feed()
        return events.popleft()

    async def _feed(self) -> None:
        try:
            await self._feed_one()
        except HttpError:
            # The body is refused: an async generator given as the body is finalised
            # now, not by the garbage collector.
            aclose = getattr(self._chunks, "aclose", None)
            if aclose is not None:
                await aclose()
            raise

    async def _feed_one(self) -> None:
        if self._exhausted:
            raise HttpError(400, "The multipart body ends before its closing boundary")
        try:
            chunk = await anext(self._chunks)
        except StopAsyncIteration:
            self._exhausted = True
            return
        self._size += len(chunk)
        if self._size > self._limit:
            raise HttpError(413, f"Request body larger than {self._limit} bytes")
        try:
            self._parser.write(chunk)
        except ValueError as error:  # python-multipart's MultipartParseError
            raise HttpError(400, "The multipart body does not parse") from error

    def __aiter__(self) -> _Reader:
        return self

    async def __anext__(self) -> Part:
        if self._part is not None:
            async for _ in self._part:  # what the handler left unread is read and dropped
                pass
            self._part = None
        events = self._events
        while not events:
            if self._ended:
                raise StopAsyncIteration
            await self._feed()
        kind, _ = events.popleft()
        if kind != _HEADERS:
            raise HttpError(400, "The multipart body does not parse")
        self._part = part = self._new_part()
        return part

    def _new_part(self) -> Part:
        from python_multipart.multipart import parse_options_header

        headers = self._finished_headers.popleft()
        disposition = b""
        content_type: str | None = None
        for name, value in headers:
            if name == b"content-disposition":
                disposition = value
            elif name == b"content-type":
                content_type = value.decode("latin-1").strip()
        kind, options = parse_options_header(disposition)
        field = options.get(b"name")
        if kind != b"form-data" or field is None:
            raise HttpError(400, "A multipart part has no content-disposition form-data name")
        filename = options.get(b"filename")
        return Part(
            self,
            field.decode("utf-8", "replace"),
            None if filename is None else filename.decode("utf-8", "replace"),
            content_type,
            headers,
        )

