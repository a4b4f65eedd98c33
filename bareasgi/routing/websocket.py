"""The WebSocket router: path to handler."""

from __future__ import annotations

from typing import final

from ..checks import require_async_callable
from typing import Any

from ..types import InfoT, MatchesT, RouteMatches, WebSocketRequestCallback
from .router import TreeRouter

# WebSocket routes have no method; they are stored under this key.
_KEY = "WEBSOCKET"


@final
class WebSocketTreeRouter(TreeRouter[WebSocketRequestCallback[InfoT, Any]]):
    """The default WebSocket router, resolving paths as the HTTP router does."""

    def add(
        self,
        path: str,
        callback: WebSocketRequestCallback[InfoT, MatchesT],
        *,
        name: str | None = None,
    ) -> None:
        """Route the template ``path`` to ``callback``; a bad or repeated template raises."""
        require_async_callable(f"{path!r}: WebSocket handler", callback)
        self._add([_KEY], path, callback, name)

    def resolve(
        self, path: str
    ) -> tuple[WebSocketRequestCallback[InfoT, Any] | None, RouteMatches]:
        """The handler for ``path`` and the route's converted variables; ``None`` if no route."""
        route, matches, _ = self._find(path, _KEY, "")
        return (route.handler, matches) if route is not None else (None, {})
