"""The relay: request body messages passed from the disconnect watcher to the body's reader.

While a response streams, one task watches ``receive()`` for the client leaving. A
server's ``receive`` must have one caller at a time, so the request body's reader
(often the response body itself, as in an echo) gets its chunks through this relay.

The watcher never stops reading: a client that leaves is noticed whatever the reader
does, even if it stopped reading half-way. What it reads is held for the reader, up
to ``UNREAD_LIMIT`` bytes; past that the rest of the body is dropped (the watcher
goes on reading until the client leaves) and a reader that asks for more gets an
error naming the cause. So the memory held is bounded whatever the client sends, and
an upload streamed through an echo is passed on as long as the reader keeps within
``UNREAD_LIMIT`` bytes of the client. Empty messages are not held: they cost nothing.

A message that has no place in a request body (a server fault) is passed on to the
reader after the body held before it, as it would reach a reader without the
watcher; the watcher goes on waiting for the client to leave.
"""

from __future__ import annotations

from collections import deque
from typing import final

import anyio

from .asgi import AsgiReceive, HttpDisconnectEvent, HttpRequestEvent, ReceiveEvent

UNREAD_LIMIT = 1024 * 1024
"""Bytes of a request body held for a reader while the response streams."""

_DISCONNECT: HttpDisconnectEvent = {"type": "http.disconnect"}
_END: HttpRequestEvent = {"type": "http.request", "body": b"", "more_body": False}


@final
class Relay:
    """Body chunks from the watcher (:meth:`run`) to the reader (:meth:`receive`)."""

    __slots__ = ("_changed", "_complete", "_dropped", "_ended", "_held", "_held_bytes", "_odd")

    def __init__(self) -> None:
        self._held: deque[bytes] = deque()
        self._held_bytes = 0
        self._complete = False  # the last body message has been read
        self._dropped = False
        self._ended = False  # the watcher has stopped: the client has gone
        self._odd: ReceiveEvent | None = None  # a message that is not part of a body
        self._changed: anyio.Event | None = None  # made when the reader waits: most never do

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def receive(self) -> ReceiveEvent:
        """The next body message, for the reader; a disconnect once the watcher stopped."""
        while not self._held:
            if self._dropped:
                raise RuntimeError(
                    f"the request body was read more than {UNREAD_LIMIT} bytes behind the "
                    "client while the response streamed, and the rest had to be dropped: "
                    "read it before returning the response, or keep up with it"
                )
            if self._complete:
                return _END
            if self._odd is not None:
                return self._odd
            if self._ended:
                return _DISCONNECT
            if self._changed is None:
                self._changed = anyio.Event()
            await self._changed.wait()
        chunk = self._held.popleft()
        self._held_bytes -= len(chunk)
        more = bool(self._held) or not self._complete
        return {"type": "http.request", "body": chunk, "more_body": more}

    async def run(self, receive: AsgiReceive) -> None:
        """Read the server's messages until the client has gone, relaying the body."""
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                if message["type"] != "http.request":
                    self._odd = message  # for the reader to report
                    self._notify()
                    break
                chunk = message.get("body", b"")
                if chunk and not self._dropped:
                    self._held.append(chunk)
                    self._held_bytes += len(chunk)
                    if self._held_bytes > UNREAD_LIMIT:
                        self._dropped = True
                        self._held.clear()
                        self._held_bytes = 0
                if not message.get("more_body", False):
                    self._complete = True
                    self._notify()
                    break
                if chunk:
                    self._notify()
            while (await receive())["type"] != "http.disconnect":
                pass
        finally:
            self._ended = True
            self._notify()
