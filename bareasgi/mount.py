"""Mounts: other ASGI applications served under a path prefix.

A request reaches a mounted application only when no route of the application's own
routers has its path, so the routes are tried first and an unmounted request pays
nothing. The mounted application gets a copy of the scope whose ``root_path`` is
the prefix and whose ``path`` is unchanged: under ASGI the path includes the root
path, and a framework such as Starlette routes on the part after it and builds its
URLs under it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, final

from .log import LOGGER, client_text
from .types import Scope, ServerReceive, ServerSend

AsgiApplication = Callable[[Any, Any, Any], Awaitable[None]]
"""Any ASGI 3 application, typed as loosely as frameworks type their own."""

_INTERNAL_ERROR = b"Internal Server Error"


@final
class Mounts:
    """The mounted applications, longest prefix first, so the most specific one wins."""

    __slots__ = ("_mounted",)

    def __init__(self) -> None:
        self._mounted: list[tuple[str, AsgiApplication]] = []

    def add(self, prefix: str, app: AsgiApplication) -> None:
        """Mount ``app`` at ``prefix``; a bad or repeated prefix raises ``ValueError`` naming it."""
        given: object = prefix  # checked as any object: callers are not always typed
        if not isinstance(given, str) or not given.startswith("/") or given.endswith("/"):
            raise ValueError(
                f"mount: the prefix must start with '/' and not end with one, such as "
                f"'/metrics', not {prefix!r}"
            )
        if "//" in prefix or "\x00" in prefix:
            raise ValueError(f"mount: the prefix {prefix!r} has an empty segment or a NUL")
        if not callable(app):
            raise TypeError(f"mount: {prefix!r}: an ASGI application is callable, not {app!r}")
        if any(prefix == taken for taken, _ in self._mounted):
            raise ValueError(f"mount: {prefix!r} is already mounted")
        self._mounted.append((prefix, app))
        self._mounted.sort(key=lambda mounted: len(mounted[0]), reverse=True)

    def find(self, path: str) -> tuple[str, AsgiApplication] | None:
        """The prefix and application for ``path``: it is the prefix, or is under ``prefix + '/'``."""
        for prefix, app in self._mounted:
            if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
                return prefix, app
        return None


async def serve_mounted(
    prefix: str, app: AsgiApplication, scope: Scope, receive: ServerReceive, send: ServerSend
) -> None:
    """Call ``app`` for an HTTP request or WebSocket under ``prefix`` (ASGI spec, ``root_path``).

    An exception from it is logged; if it had sent nothing yet, the client gets a 500
    (a WebSocket: a close, 1011) rather than a dropped connection.
    """
    child = dict(scope)
    child["root_path"] = prefix
    sent = False

    async def send_on(message: Any) -> None:
        nonlocal sent
        sent = True
        await send(message)

    try:
        await app(child, receive, send_on)
    except Exception:
        LOGGER.exception(
            "%s %s: the application mounted at %r failed", scope["type"], client_text(scope["path"]), prefix
        )
        if sent:
            return
        if scope["type"] == "http":
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", b"%d" % len(_INTERNAL_ERROR)),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _INTERNAL_ERROR, "more_body": False})
        else:
            await send({"type": "websocket.close", "code": 1011})
