"""Body readers and writers: whole bodies in, bodies as async iterables out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import final

from .errors import HttpError
from .request_body import RequestBody, too_large
from .types import Content


async def bytes_reader(content: Content, max_size: int | None = None) -> bytes:
    """Read the whole body.

    With ``max_size``, a body longer than that many bytes raises ``HttpError(413)`` as
    soon as the limit is crossed; the rest is not read.
    """
    if type(content) is RequestBody:  # a handler's own request body: read directly
        return await content.read(max_size)
    chunks: list[bytes] = []
    size = 0
    iterator = aiter(content)
    try:
        async for chunk in iterator:
            size += len(chunk)
            if max_size is not None and size > max_size:
                raise too_large(max_size)
            chunks.append(chunk)
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()  # an async generator left early is finalised now, not by the GC
    return b"".join(chunks)


async def text_reader(content: Content, encoding: str = "utf-8", max_size: int | None = None) -> str:
    """Read the whole body as text.

    ``max_size`` counts bytes, as for :func:`bytes_reader`. A body that is not valid
    in ``encoding`` raises ``HttpError(400)``.
    """
    data = await bytes_reader(content, max_size)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise HttpError(400, f"Request body is not valid {encoding}") from error


@final
class BytesBody:
    """A response body known in full: iterable any number of times.

    The application sends it in one message when ``chunk_size`` is negative, without
    running an iterator at all.
    """

    __slots__ = ("chunk_size", "data")

    def __init__(self, data: bytes, chunk_size: int = -1) -> None:
        if chunk_size == 0:
            raise ValueError("chunk_size must be positive, or negative for a single chunk")
        self.data = data
        self.chunk_size = chunk_size

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        data, size = self.data, self.chunk_size
        if size < 0:
            yield data
            return
        for start in range(0, len(data), size):
            yield data[start : start + size]

    def __repr__(self) -> str:
        return f"BytesBody({len(self.data)} bytes, chunk_size={self.chunk_size})"


def bytes_writer(buf: bytes, chunk_size: int = -1) -> Content:
    """A response body of ``buf``, in chunks of ``chunk_size`` bytes (-1: one chunk)."""
    return BytesBody(buf, chunk_size)


def text_writer(text: str, encoding: str = "utf-8", chunk_size: int = -1) -> Content:
    """A response body of ``text`` encoded, in chunks of ``chunk_size`` bytes (-1: one chunk)."""
    return BytesBody(text.encode(encoding), chunk_size)
