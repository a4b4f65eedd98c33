"""The WebSocket router: path to handler."""

from __future__ import annotations

from typing import Any, final

from ..asgi import WebSocketScope
from ..checks import WEBSOCKET_HANDLER, require_async_callable
from ..types import (
    InfoT,
    MatchesT,
    RouteMatches,
    WebSocket,
    WebSocketRequestCallback,
)
from .converters import ConverterRegistry
from .router import TrailingSlash, TreeRouter
from .typed_matches import require_handler_kind

# WebSocket routes have no method; they are stored under this key.
_KEY = "WEBSOCKET"


async def refuse(scope: WebSocketScope, info: object, matches: object, web_socket: WebSocket, /) -> None:
    """Refuse the connection: closed before it is accepted, which the server answers with 403."""
    await web_socket.close()


@final
class WebSocketTreeRouter(TreeRouter[WebSocketRequestCallback[InfoT, Any]]):
    """The default WebSocket router, resolving paths as the HTTP router does.

    A path no route has gets :attr:`not_found`, which refuses the connection.
    """

    def __init__(
        self,
        converters: ConverterRegistry | None = None,
        *,
        trailing_slash: TrailingSlash = "strict",
    ) -> None:
        super().__init__(converters, trailing_slash=trailing_slash)
        self.not_found: WebSocketRequestCallback[InfoT, Any] = refuse
        """What :meth:`resolve` gives for a path no route has."""

    def add(
        self,
        path: str,
        callback: WebSocketRequestCallback[InfoT, MatchesT],
        *,
        name: str | None = None,
    ) -> None:
        """Route the template ``path`` to ``callback``; a bad or repeated template raises.

        ``TypeError`` for a callback that is not ``async``, does not take four
        parameters, or is annotated as an HTTP handler.
        """
        def check() -> None:
            require_async_callable(f"{path!r}: WebSocket handler", callback, WEBSOCKET_HANDLER)
            require_handler_kind(f"{path!r}: WebSocket handler", callback, "websocket")

        self._check_once(callback, check)
        self._add([_KEY], path, callback, name)

    def resolve(self, path: str) -> tuple[WebSocketRequestCallback[InfoT, Any], RouteMatches]:
        """The handler for ``path`` and the route's converted variables.

        For a path no route has, :attr:`not_found` (refusing the connection) and no
        matches.
        """
        route, matches, _ = self._find(path, _KEY, "")
        return (route.handler, matches) if route is not None else (self.not_found, {})

    def resolve_route(
        self, path: str
    ) -> tuple[WebSocketRequestCallback[InfoT, Any] | None, RouteMatches, str | None]:
        """As :meth:`resolve`, and the template of the route found; ``None`` and ``None`` when none was."""
        route, matches, _ = self._find(path, _KEY, "")
        return (route.handler, matches, route.template.text) if route is not None else (None, {}, None)
