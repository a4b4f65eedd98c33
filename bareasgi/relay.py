"""The relay: request body messages passed from the disconnect watcher to the body's reader.

While a response streams, one task watches ``receive()`` for the client leaving. A
server's ``receive`` must have one caller at a time, so the request body's reader
(often the response body itself, as in an echo) gets its messages through this
relay. Two rules keep it bounded:

- Once the reader has asked for a message, the watcher reads the next one only when
  the reader has taken what it holds: the upload is paced by the reader, as it would
  be without the watcher.
- While the reader has never asked, the watcher holds up to ``UNREAD_LIMIT`` bytes of
  the body for it and drops the rest, so that it can go on reading until the client
  leaves. A reader that asks after some was dropped gets an error naming the cause.
  The limit is far above what a server hands over in the moment between the watcher
  starting and a reader (such as an echo's body) asking for its first message.

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
"""Bytes of a request body held for a reader that has not asked for them yet."""

_DISCONNECT: HttpDisconnectEvent = {"type": "http.disconnect"}


@final
class Relay:
    """Body messages from the watcher (:meth:`run`) to the reader (:meth:`receive`)."""

    __slots__ = ("_asked", "_changed", "_dropped", "_ended", "_held", "_held_bytes", "_odd")

    def __init__(self) -> None:
        self._held: deque[HttpRequestEvent] = deque()
        self._held_bytes = 0
        self._asked = False
        self._dropped = False
        self._ended = False
        self._odd: ReceiveEvent | None = None  # a message that is not part of a body
        self._changed = anyio.Event()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()

    async def receive(self) -> ReceiveEvent:
        """The next body message, for the reader; a disconnect once the watcher stopped."""
        self._asked = True
        while not self._held:
            if self._odd is not None:
                return self._odd
            if self._dropped:
                raise RuntimeError(
                    f"the request body was left unread while the response streamed, and "
                    f"more than {UNREAD_LIMIT} bytes of it had to be dropped: read it "
                    "before returning the response"
                )
            if self._ended:
                return _DISCONNECT
            await self._changed.wait()
        message = self._held.popleft()
        self._held_bytes -= len(message.get("body", b""))
        self._notify()
        return message

    async def run(self, receive: AsgiReceive) -> None:
        """Read the server's messages until the client has gone, relaying the body."""
        try:
            more = True
            while more:
                while self._asked and self._held:
                    await self._changed.wait()
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                if message["type"] != "http.request":
                    self._odd = message  # for the reader to report
                    self._notify()
                    break
                more = message.get("more_body", False)
                self._hold(message)
            while (await receive())["type"] != "http.disconnect":
                pass
        finally:
            self._ended = True
            self._notify()

    def _hold(self, message: HttpRequestEvent) -> None:
        if self._dropped:
            return
        self._held.append(message)
        self._held_bytes += len(message.get("body", b""))
        if not self._asked and self._held_bytes > UNREAD_LIMIT:
            self._dropped = True
            self._held.clear()
            self._held_bytes = 0
        self._notify()
