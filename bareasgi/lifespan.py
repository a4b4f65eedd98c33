"""Lifespan: the startup and shutdown handlers, run when the server says so."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .asgi import AsgiReceive, AsgiSend, LifespanEvent, LifespanScope
from .checks import LIFESPAN_HANDLER, require_async_callable
from .types import InfoT, LifespanHandler

LOGGER = logging.getLogger("bareasgi")

_ROLE = {"lifespan.startup": "startup handler", "lifespan.shutdown": "shutdown handler"}


async def serve_lifespan(
    scope: LifespanScope,
    receive: AsgiReceive,
    send: AsgiSend,
    startup: Sequence[LifespanHandler[InfoT]],
    shutdown: Sequence[LifespanHandler[InfoT]],
    info: InfoT,
) -> None:
    """Answer the server's lifespan messages (ASGI spec, "Lifespan Protocol").

    Handlers run in order with ``(scope, info, message)``; the first to raise stops
    the phase, and the server is told with ``lifespan.*.failed`` and its message.
    """
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            error = await _run(startup, scope, info, message)
            if error is not None:
                await send({"type": "lifespan.startup.failed", "message": error})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            error = await _run(shutdown, scope, info, message)
            if error is not None:
                await send({"type": "lifespan.shutdown.failed", "message": error})
            else:
                await send({"type": "lifespan.shutdown.complete"})
            return


async def _run(
    handlers: Sequence[LifespanHandler[InfoT]],
    scope: LifespanScope,
    info: InfoT,
    message: LifespanEvent,
) -> str | None:
    """Run ``handlers`` in order; the first failure's message, logged, or ``None``."""
    try:
        for index, handler in enumerate(handlers):
            # The lists may have been changed since they were checked: check again.
            require_async_callable(f"{_ROLE[message['type']]} {index}", handler, LIFESPAN_HANDLER)
            await handler(scope, info, message)
    except Exception as error:
        LOGGER.exception("%s failed", message["type"])
        return str(error) or repr(error)
    return None
