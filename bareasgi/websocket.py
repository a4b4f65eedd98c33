"""One WebSocket connection: the object a handler drives, and the connection's life."""

from __future__ import annotations

from typing import final

from .errors import ClientDisconnect, is_client_disconnect
from .log import LOGGER, client_text
from .asgi import AsgiReceive, AsgiSend, WebSocketAcceptEvent, WebSocketScope, WebSocketSendEvent
from .types import Headers, InfoT, RouteMatches, WebSocketRequestCallback


# Close code for "an unexpected condition prevented the server from fulfilling the request".
INTERNAL_ERROR = 1011


@final
class ServerWebSocket:
    """The :class:`~bareasgi.types.WebSocket` a handler is given, over ASGI messages."""

    __slots__ = ("_accepted", "_closed", "_receive", "_send")

    def __init__(self, receive: AsgiReceive, send: AsgiSend) -> None:
        self._receive = receive
        self._send = send
        self._accepted = False
        self._closed = False

    @property
    def accepted(self) -> bool:
        """Whether :meth:`accept` has been called."""
        return self._accepted

    @property
    def closed(self) -> bool:
        """Whether the connection is over, closed by either side."""
        return self._closed

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
            self._closed = True
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
        return None

    async def send(self, content: bytes | str) -> None:
        """Send ``content`` as a text (``str``) or binary (``bytes``) message.

        Raises :class:`~bareasgi.errors.ClientDisconnect` once the connection is over.
        """
        if self._closed:
            raise ClientDisconnect("the WebSocket is closed")
        message: WebSocketSendEvent = (
            {"type": "websocket.send", "text": content}
            if isinstance(content, str)
            else {"type": "websocket.send", "bytes": bytes(content)}
        )
        try:
            await self._send(message)
        except OSError as error:
            self._closed = True
            raise ClientDisconnect("the client left the WebSocket") from error

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Close the connection with ``code``; does nothing once it is over."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._send({"type": "websocket.close", "code": code, "reason": reason or ""})
        except OSError:
            pass  # the client went first: the connection is over either way


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
