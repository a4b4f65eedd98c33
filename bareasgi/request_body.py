"""The request body: the server's ``http.request`` messages, read lazily, once, or whole."""

from __future__ import annotations

from typing import NoReturn

import anyio
from anyio.abc import TaskStatus

from .asgi import AsgiReceive, ReceiveEvent
from .errors import ClientDisconnect, HttpError
from .relay import Relay
from .types import Content


class RequestBody:
    """The request body: a lazy, single-pass async iterator over ``receive()``.

    Yields the non-empty chunks as the server delivers them; raises
    :class:`~bareasgi.errors.ClientDisconnect` if the client leaves before the end.
    """

    __slots__ = ("_more", "_receive")

    def __init__(self, receive: AsgiReceive) -> None:
        self._receive = receive
        self._more = True

    def __aiter__(self) -> RequestBody:
        return self

    async def __anext__(self) -> bytes:
        while self._more:
            message = await self._receive()
            if message["type"] != "http.request":
                self._refuse(message)
            self._more = message.get("more_body", False)
            chunk = message.get("body", b"")
            if chunk:
                return chunk
        raise StopAsyncIteration

    def _refuse(self, message: ReceiveEvent) -> NoReturn:
        """Raise for a message that is not part of the body: the client left, or a fault."""
        if message["type"] == "http.disconnect":
            self._more = False
            raise ClientDisconnect("the client left before the request body was read")
        raise RuntimeError(
            f"unexpected ASGI message {message['type']!r} while reading a request body"
        )

    async def wait_disconnect(
        self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Return when the client has gone, passing on any body messages still to come.

        From ``task_status.started()`` on, this is the only caller of the server's
        ``receive``: body messages reach the iterator through a
        :class:`~bareasgi.relay.Relay`, which lives as long as this call (that is,
        as long as the response streams). Start it with ``task_group.start()``, so that the iterator is not itself
        waiting in ``receive`` meanwhile: two concurrent callers of uvicorn's
        ``receive`` are both woken for one message, and one gets an empty copy.
        """
        receive = self._receive
        if not self._more:
            task_status.started()
            await _until_disconnect(receive)
            return
        relay = Relay()
        self._receive = relay.receive
        task_status.started()
        await relay.run(receive)


async def _until_disconnect(receive: AsgiReceive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def bytes_reader(content: Content, max_size: int | None = None) -> bytes:
    """Read the whole body.

    With ``max_size``, a body longer than that many bytes raises ``HttpError(413)`` as
    soon as the limit is crossed; the rest is not read.
    """
    chunks: list[bytes] = []
    size = 0
    if type(content) is RequestBody:
        # A handler's own request body: its messages taken here as __anext__ takes
        # them, without the iterator protocol, whose closing StopAsyncIteration costs
        # more than reading a small body.
        while content._more:
            message = await content._receive()
            if message["type"] != "http.request":
                content._refuse(message)
            content._more = message.get("more_body", False)
            chunk = message.get("body", b"")
            size += len(chunk)
            if max_size is not None and size > max_size:
                raise _too_large(max_size)
            chunks.append(chunk)
        return b"".join(chunks)
    iterator = aiter(content)
    try:
        async for chunk in iterator:
            size += len(chunk)
            if max_size is not None and size > max_size:
                raise _too_large(max_size)
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


def _too_large(max_size: int) -> HttpError:
    return HttpError(413, f"Request body larger than {max_size} bytes")
