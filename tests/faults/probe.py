"""Response bodies that record their life: how many started, and how many ran their ``finally``."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Literal

import anyio

Then = Literal["end", "raise", "wait", "tick"]


class Probe:
    """Makes response bodies and counts them.

    ``waiting`` is set when a body (or a handler, see :meth:`wait`) starts waiting
    for ever, so that a scripted server can cancel it right then.
    """

    def __init__(self) -> None:
        self.started = 0
        self.finalised = 0
        self.generators: list[AsyncIterator[bytes]] = []
        self.waiting = anyio.Event()

    def body(self, *chunks: bytes, then: Then = "end") -> AsyncIterator[bytes]:
        """A body yielding ``chunks``, then ending, raising, waiting for ever or ticking."""
        generator = self._body(chunks, then)
        self.generators.append(generator)
        return generator

    def relay(self, source: AsyncIterable[bytes], then: Then = "end") -> AsyncIterator[bytes]:
        """A body yielding what ``source`` yields, closing it when done, then as ``then``."""
        generator = self._relay(source, then)
        self.generators.append(generator)
        return generator

    async def wait(self) -> None:
        """Wait for ever, saying so first."""
        self.waiting.set()
        await anyio.sleep_forever()

    @property
    def all_closed(self) -> bool:
        """Whether every body made has finished or been closed."""
        return all(getattr(generator, "ag_frame", None) is None for generator in self.generators)

    async def _body(self, chunks: tuple[bytes, ...], then: Then) -> AsyncIterator[bytes]:
        self.started += 1
        try:
            for chunk in chunks:
                yield chunk
            await self._then(then)
            while then == "tick":
                yield b"tick"
                await anyio.sleep(0.001)
        finally:
            self.finalised += 1

    async def _relay(self, source: AsyncIterable[bytes], then: Then) -> AsyncIterator[bytes]:
        self.started += 1
        chunks = aiter(source)
        try:
            async for chunk in chunks:
                yield chunk
            await self._then(then)
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()
            self.finalised += 1

    async def _then(self, then: Then) -> None:
        if then == "raise":
            raise RuntimeError("the body failed: secret detail")
        if then == "wait":
            await self.wait()
