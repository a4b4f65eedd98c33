"""The request body: the server's ``http.request`` messages, read lazily, once, or whole."""

# bytes_reader reads a RequestBody's own state, in this module, to save a call per
# body: pyright would have private names used only inside their class.
# pyright: reportPrivateUsage=false

from __future__ import annotations

import sys
from collections.abc import Coroutine
from typing import Any, Final, NoReturn

from .asgi import AsgiReceive, ReceiveEvent
from .errors import ClientDisconnect, HttpError
from .relay import Relay
from .types import Content

DEFAULT_MAX_REQUEST_BODY: Final = 4 * 1024 * 1024
"""The bytes a body reader reads by default (4 MiB): ``Application(max_request_body=...)``."""

UNLIMITED: Final = sys.maxsize
"""A limit that lifts the body limit: ``max_size=UNLIMITED`` or ``max_request_body=UNLIMITED``."""


MAX_EMPTY_MESSAGES: Final = 1000
"""Empty body messages in a row a request may send before it is refused with a 400.

They carry nothing, so they cost nothing to hold, but a flood of them would keep a
reader busy for ever without crossing any byte limit.
"""


class RequestBody:
    """The request body: a lazy, single-pass async iterator over ``receive()``.

    Yields the non-empty chunks as the server delivers them; raises
    :class:`~bareasgi.errors.ClientDisconnect` if the client leaves before the end.
    ``limit`` is the application's ``max_request_body``: what the body readers read
    when called without ``max_size``.
    """

    __slots__ = ("_more", "_receive", "limit")

    def __init__(self, receive: AsgiReceive, limit: int = DEFAULT_MAX_REQUEST_BODY) -> None:
        self._receive: AsgiReceive = receive
        self._more = True
        self.limit: int = limit

    def __aiter__(self) -> RequestBody:
        return self

    async def __anext__(self) -> bytes:
        empty = 0
        while self._more:
            message = await self._receive()
            if message["type"] != "http.request":
                self._refuse(message)
            self._more = message.get("more_body", False)
            chunk = message.get("body", b"")
            if chunk:
                return chunk
            empty += 1
            if empty > MAX_EMPTY_MESSAGES:
                raise _too_many_empty()
        raise StopAsyncIteration

    def _refuse(self, message: ReceiveEvent) -> NoReturn:
        """Raise for a message that is not part of the body: the client left, or a fault."""
        if message["type"] == "http.disconnect":
            self._more = False
            raise ClientDisconnect("the client left before the request body was read")
        raise RuntimeError(
            f"unexpected ASGI message {message['type']!r} while reading a request body"
        )

    def watch(self) -> Coroutine[Any, Any, None]:
        """The coroutine that watches for the client leaving while the response streams.

        It returns when the client has gone, passing on any body messages still to
        come. From this call on it is the only caller of the server's ``receive``: the
        iterator gets its messages through a :class:`~bareasgi.relay.Relay`, which
        lives as long as the watcher (that is, as long as the response streams).
        Taking ``receive`` over here, before the watcher runs, means the iterator is
        never itself waiting in ``receive`` meanwhile: two concurrent callers of
        uvicorn's ``receive`` are both woken for one message, and one gets an empty copy.
        """
        receive = self._receive
        if not self._more:
            return _until_disconnect(receive)
        relay = Relay()
        self._receive = relay.receive
        return relay.run(receive)


async def _until_disconnect(receive: AsgiReceive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def body_limit(content: Content, max_size: int | None) -> int:
    """The limit a body reader applies: ``max_size``, else the application's.

    The application's is its ``max_request_body`` for the request body it hands a
    handler, and :data:`DEFAULT_MAX_REQUEST_BODY` for any other body.
    """
    if max_size is not None:
        if type(max_size) is not int or max_size < 0:
            raise ValueError(f"max_size must be a non-negative int, not {max_size!r}")
        return max_size
    return content.limit if type(content) is RequestBody else DEFAULT_MAX_REQUEST_BODY


async def bytes_reader(content: Content, max_size: int | None = None) -> bytes:
    """Read the whole body.

    A body longer than ``max_size`` bytes raises ``HttpError(413)`` as soon as the
    limit is crossed; the rest is not read. Without ``max_size`` the application's
    ``max_request_body`` applies (by default :data:`DEFAULT_MAX_REQUEST_BODY`);
    ``max_size=UNLIMITED`` lifts it.
    """
    size = empty = 0
    # (isinstance, not ``type() is``: pyright narrows a Protocol only by isinstance.)
    if isinstance(content, RequestBody):
        max_size = content.limit if max_size is None else body_limit(content, max_size)
        gathered: _Gathered | None = None  # made for a second chunk: most bodies have one
        # A handler's own request body: its messages taken here as __anext__ takes
        # them, without the iterator protocol, whose closing StopAsyncIteration costs
        # more than reading a small body.
        while content._more:
            message = await content._receive()
            if message["type"] != "http.request":
                content._refuse(message)
            content._more = message.get("more_body", False)
            chunk = message.get("body", b"")
            if not chunk:
                empty += 1
                if empty > MAX_EMPTY_MESSAGES:
                    raise _too_many_empty()
                continue
            empty = 0
            size += len(chunk)
            if size > max_size:
                raise _too_large(max_size)
            if gathered is None:
                if not content._more:
                    return chunk  # the whole body in one message, the usual case: no gathering
                gathered = _Gathered()
            gathered.add(chunk)
        return gathered.result() if gathered is not None else b""
    max_size = body_limit(content, max_size)
    gathered = _Gathered()
    iterator = aiter(content)
    try:
        async for chunk in iterator:
            size += len(chunk)
            if size > max_size:
                raise _too_large(max_size)
            gathered.add(chunk)
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()  # an async generator left early is finalised now, not by the GC
    return gathered.result()


class _Gathered:
    """The chunks of a body, held in memory in proportion to their bytes, joined once.

    Large chunks are kept as they came; small ones are copied into a buffer, so that a
    body sent a byte at a time does not cost a list of a million objects (some 40
    times its size). A body in one chunk, the usual case, is returned without a copy.
    """

    __slots__ = ("chunks", "small")

    SMALL = 4096

    def __init__(self) -> None:
        self.chunks: list[bytes | bytearray] = []
        self.small: bytearray | None = None

    def __bool__(self) -> bool:
        return bool(self.chunks) or self.small is not None

    def add(self, chunk: bytes) -> None:
        if len(chunk) >= self.SMALL:
            if self.small is not None:
                self.chunks.append(self.small)
                self.small = None
            self.chunks.append(chunk)
        elif self.small is not None:
            self.small += chunk
        else:
            self.small = bytearray(chunk)

    def result(self) -> bytes:
        chunks = self.chunks
        if self.small is not None:
            chunks.append(self.small)
        if len(chunks) == 1 and type(chunks[0]) is bytes:
            return chunks[0]
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


def _too_many_empty() -> HttpError:
    return HttpError(400, f"Request body of more than {MAX_EMPTY_MESSAGES} empty messages in a row")


def _too_large(max_size: int) -> HttpError:
    return HttpError(413, f"Request body larger than {max_size} bytes")
