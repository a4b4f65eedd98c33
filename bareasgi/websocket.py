"""One WebSocket connection: the object a handler drives, and the connection's life."""

from __future__ import annotations

import reprlib
from typing import final

from .errors import ClientDisconnect, is_client_disconnect
from .log import LOGGER, client_text
from .asgi import AsgiReceive, AsgiSend, WebSocketAcceptEvent, WebSocketScope, WebSocketSendEvent
from .types import Headers, InfoT, RouteMatches, WebSocketRequestCallback


# Close code for "an unexpected condition prevented the server from fulfilling the request".
INTERNAL_ERROR = 1011
# Close codes that are never sent (RFC 6455, 7.4.1): what a disconnect without a code
# means (ASGI spec, "Disconnect - receive event"), and a connection that dropped.
NO_STATUS = 1005
ABNORMAL = 1006


@final
class ServerWebSocket:
    """The :class:`~bareasgi.types.WebSocket` a handler is given, over ASGI messages."""

    __slots__ = ("_accepted", "_closed", "_code", "_receive", "_send")

    def __init__(self, receive: AsgiReceive, send: AsgiSend) -> None:
        self._receive = receive
        self._send = send
        self._accepted = False
        self._closed = False
        self._code: int | None = None

    @property
    def accepted(self) -> bool:
        """Whether :meth:`accept` has been called."""
        return self._accepted

    @property
    def closed(self) -> bool:
        """Whether the connection is over, closed by either side."""
        return self._closed

    @property
    def code(self) -> int | None:
        """The close code once the connection is closed, else ``None``.

        The client's code when it closed (1005 when it gave none), the server's when
        :meth:`close` was called first, 1006 when the connection dropped.
        """
        return self._code

    async def accept(self, subprotocol: str | None = None, headers: Headers | None = None) -> None:
        """Accept the connection, choosing ``subprotocol`` and adding ``headers``."""
        if self._accepted or self._closed:
            raise RuntimeError("accept() called on a WebSocket already accepted or closed")
        message: WebSocketAcceptEvent = {"type": "websocket.accept", "subprotocol": subprotocol}
        if headers:
            message["headers"] = list(headers)
        try:
            await self._send(message)
        except OSError as error:
            self._dropped()
            raise ClientDisconnect("the client left the WebSocket") from error
        self._accepted = True

    async def receive(self) -> bytes | str | None:
        """The next message, ``str`` for text and ``bytes`` for binary; ``None`` once gone."""
        while not self._closed:
            message = await self._receive()
            if message["type"] == "websocket.receive":
                text = message.get("text")
                if text is not None:
                    return text
                data = message.get("bytes")
                return data if data is not None else b""
            if message["type"] == "websocket.disconnect":
                self._closed = True
                self._code = message.get("code", NO_STATUS)
        return None

    async def send(self, content: bytes | str) -> None:
        """Send ``content`` as a text (``str``) or binary (``bytes``) message.

        Raises ``TypeError`` for anything else (``bytes(42)`` would be 42 NUL bytes),
        and :class:`~bareasgi.errors.ClientDisconnect` once the connection is over.
        """
        message: WebSocketSendEvent
        if isinstance(content, str):
            message = {"type": "websocket.send", "text": content}
        elif isinstance(content, (bytes, bytearray, memoryview)):
            message = {"type": "websocket.send", "bytes": bytes(content)}
        else:
            raise TypeError(
                f"WebSocket.send() takes bytes or str, not {type(content).__name__} "
                f"{reprlib.repr(content)}"
            )
        if self._closed:
            raise ClientDisconnect("the WebSocket is closed")
        try:
            await self._send(message)
        except OSError as error:
            self._dropped()
            raise ClientDisconnect("the client left the WebSocket") from error

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Close the connection with ``code``; does nothing once it is over."""
        if self._closed:
            return
        self._closed = True
        self._code = code
        try:
            await self._send({"type": "websocket.close", "code": code, "reason": reason or ""})
        except OSError:
            pass  # the client went first: the connection is over either way

    def _dropped(self) -> None:
        """The server's ``send`` raised: the connection is gone, without a close code."""
        self._closed = True
        self._code = ABNORMAL


async def serve_websocket(
    scope: WebSocketScope,
    receive: AsgiReceive,
    send: AsgiSend,
    handler: WebSocketRequestCallback[InfoT, RouteMatches] | None,
    matches: RouteMatches,
    info: InfoT,
) -> None:
    """Run one WebSocket connection; with no handler, refuse it (the server answers 403)."""
    if (await receive())["type"] != "websocket.connect":
        return  # the client left before the handshake completed
    web_socket = ServerWebSocket(receive, send)
    if handler is None:
        await web_socket.close()
        return
    code = 1000
    try:
        await handler(scope, info, matches, web_socket)
    except ClientDisconnect:
        pass  # the client left: not an error
    except Exception as error:
        if not is_client_disconnect(error):  # a task group's, of nothing but the client leaving
            LOGGER.exception("WebSocket %s: the handler failed", client_text(scope["path"]))
            code = INTERNAL_ERROR if web_socket.accepted else 1000
    try:
        await web_socket.close(code)
    except Exception:  # the server refused the close (a client leaving is an OSError, caught)
        LOGGER.exception(
            "WebSocket %s: closing the connection failed", client_text(scope["path"])
        )
