"""Lifespan: the startup and shutdown handlers, run when the server says so."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .types import Info, LifespanHandler, LifespanScope, Receive, Send

LOGGER = logging.getLogger("bareasgi")


async def serve_lifespan(
    scope: LifespanScope,
    receive: Receive,
    send: Send,
    startup: Sequence[LifespanHandler],
    shutdown: Sequence[LifespanHandler],
    info: Info,
) -> None:
    """Answer the server's lifespan messages (ASGI spec, "Lifespan Protocol").

    Handlers run in order with ``(scope, info, message)``; the first to raise stops
    the phase, and the server is told with ``lifespan.*.failed`` and its message.
    """
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "lifespan.startup":
            phase, handlers = "startup", startup
        elif kind == "lifespan.shutdown":
            phase, handlers = "shutdown", shutdown
        else:
            continue
        try:
            for handler in handlers:
                await handler(scope, info, message)
        except Exception as error:
            LOGGER.exception("lifespan %s failed", phase)
            await send({"type": f"lifespan.{phase}.failed", "message": str(error) or repr(error)})
            return
        await send({"type": f"lifespan.{phase}.complete"})
        if phase == "shutdown":
            return
