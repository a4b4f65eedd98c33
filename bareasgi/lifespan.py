"""Lifespan: the startup and shutdown handlers, and the lifespan context, run when the server says so."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import cast

from .asgi import AsgiReceive, AsgiSend, LifespanEvent, LifespanScope
from .checks import LIFESPAN_HANDLER, require_async_callable
from .types import InfoT, LifespanHandler

LOGGER = logging.getLogger("bareasgi")

_ROLE = {"lifespan.startup": "startup handler", "lifespan.shutdown": "shutdown handler"}

LifespanContext = Callable[[InfoT], AbstractAsyncContextManager[object]]
"""``Application(lifespan=...)``: given ``info``, an async context manager held while the server runs."""


async def serve_lifespan(
    scope: LifespanScope,
    receive: AsgiReceive,
    send: AsgiSend,
    startup: Sequence[LifespanHandler[InfoT]],
    shutdown: Sequence[LifespanHandler[InfoT]],
    info: InfoT,
    lifespan: LifespanContext[InfoT] | None = None,
) -> None:
    """Answer the server's lifespan messages (ASGI spec, "Lifespan Protocol").

    Handlers run in order with ``(scope, info, message)``; the first to raise stops
    the phase, and the server is told with ``lifespan.*.failed`` and its message.
    The ``lifespan`` context is entered after the startup handlers and exited before
    the shutdown handlers, here, in the one task that runs the whole lifespan.
    """
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            error = await _run(startup, scope, info, message)
            if error is not None:
                await send({"type": "lifespan.startup.failed", "message": error})
                return
            if lifespan is not None:
                await _serve_in_context(lifespan, scope, receive, send, shutdown, info)
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            error = await _run(shutdown, scope, info, message)
            if error is not None:
                await send({"type": "lifespan.shutdown.failed", "message": error})
            else:
                await send({"type": "lifespan.shutdown.complete"})
            return


async def _serve_in_context(
    lifespan: LifespanContext[InfoT],
    scope: LifespanScope,
    receive: AsgiReceive,
    send: AsgiSend,
    shutdown: Sequence[LifespanHandler[InfoT]],
    info: InfoT,
) -> None:
    """Complete startup inside the context, wait there for shutdown, then leave it.

    A task group the context opened cancels this wait if one of its tasks fails:
    leaving the context then raises that failure, which is logged, and the shutdown
    that follows reports it as its own.
    """
    error: str | None = None
    message: LifespanEvent | None = None
    try:
        async with AsyncExitStack() as stack:
            try:
                context = lifespan(info)
                if not hasattr(context, "__aenter__"):
                    close = getattr(context, "close", None)  # a coroutine, never to be awaited
                    if callable(close):
                        close()
                    raise TypeError(
                        f"lifespan(info) gave {type(context).__name__}, not an async context "
                        "manager: write it as an @asynccontextmanager function"
                    )
                await stack.enter_async_context(context)
            except Exception as failure:
                LOGGER.exception("lifespan.startup failed: entering the lifespan context")
                await send({"type": "lifespan.startup.failed", "message": _text(failure)})
                return
            await send({"type": "lifespan.startup.complete"})
            message = await _shutdown(receive)
    except Exception as failure:
        LOGGER.exception("the lifespan context failed")
        error = _text(failure)
    if message is None:  # the context ended before the server asked for shutdown
        message = await _shutdown(receive)
    handlers_error = await _run(shutdown, scope, info, message)
    error = error or handlers_error
    if error is not None:
        await send({"type": "lifespan.shutdown.failed", "message": error})
    else:
        await send({"type": "lifespan.shutdown.complete"})


async def _shutdown(receive: AsgiReceive) -> LifespanEvent:
    """The server's next ``lifespan.shutdown`` message (after startup, the only one it sends)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.shutdown":
            return message


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
        return _text(error)
    return None


def _text(error: BaseException) -> str:
    """What the server is told of a failure: its message, or its repr when it has none."""
    inner: object = getattr(error, "exceptions", None)  # an exception group's (3.11+, or the backport)
    if isinstance(inner, tuple):
        members = cast("tuple[object, ...]", inner)
        if len(members) == 1 and isinstance(members[0], BaseException):
            return _text(members[0])  # a task group's one failure, as itself
    return str(error) or repr(error)
