"""The watcher of :mod:`bareasgi.watch` for asyncio, in a module of its own.

Imported with the first response streamed on asyncio, so that importing bareasgi does
not import asyncio.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import final

import anyio

from .watch import Watcher


@final
class AsyncioWatch:
    """The watcher as an asyncio task, cancelling an anyio scope in the host task.

    The scope, rather than a ``Task.cancel()`` of the host, is what keeps the body's
    own cancel scopes working: a shielded one (a cleanup that must finish) is not
    interrupted, and a body that catches the cancellation is cancelled again at its
    next wait, as on trio. The task is made only once the host first waits, at the
    loop's next turn: a body sent whole without waiting (its chunks ready, the client
    reading) leaves the block before then, having cost a callback rather than a task.
    """

    __slots__ = ("_error", "_loop", "_pending", "_scope", "_started", "_task", "_watcher")

    def __init__(self, watcher: Watcher, loop: asyncio.AbstractEventLoop) -> None:
        self._watcher = watcher
        self._loop = loop  # the running loop, found by watching()
        self._scope = (_scope_class or _find_scope_class())()
        self._error: Exception | None = None
        self._pending: asyncio.Handle | None = None  # the call that makes the task
        self._task: asyncio.Task[None] | None = None
        self._started = False

    async def __aenter__(self) -> None:
        self._scope.__enter__()
        self._pending = self._loop.call_soon(self._begin)

    def _begin(self) -> None:
        """The host waits (the loop has taken a turn): the watcher starts."""
        self._task = self._loop.create_task(self._run())

    async def _run(self) -> None:
        self._started = True
        try:
            await self._watcher
        except asyncio.CancelledError:
            return  # stopped by __aexit__: the response is over
        except Exception as error:  # the server's receive failed: ends the response too
            self._error = error
        self._scope.cancel()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        suppress = self._scope.__exit__(kind, error, traceback)
        if self._task is not None:
            self._task.cancel()  # a no-op if it has ended; else it ends at its next step
        elif self._pending is not None:
            self._pending.cancel()  # the host never waited: no task was made
        if not self._started:
            self._watcher.close()  # the body was sent before the watcher's first step
        if self._error is not None:
            raise self._error
        return suppress


# The event loop's own cancel scope class, called directly: ``anyio.CancelScope()``
# asks which event loop runs on every call, which costs as much as entering the scope.
# Found from the first scope made, on the loop that runs this module's watchers.
_scope_class: type[anyio.CancelScope] | None = None


def _find_scope_class() -> type[anyio.CancelScope]:
    global _scope_class
    _scope_class = type(anyio.CancelScope())
    return _scope_class
