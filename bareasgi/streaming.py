"""Body writers: response bodies known in full, as async iterables sent in one message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import final

from .types import Content


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
        self.data: bytes = data
        self.chunk_size: int = chunk_size

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
