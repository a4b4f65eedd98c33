"""The watchers of :mod:`bareasgi.watch` for asyncio, in a module of their own.

Imported with the first response streamed on asyncio, so that importing bareasgi does
not import asyncio.
"""

from __future__ import annotations

import asyncio
import sys
from types import TracebackType
from typing import Any, final

import anyio
from typing_extensions import TypeAlias

from .watch import Watcher


@final
class _TaskWatch:
    """The watcher as an asyncio task, cancelling an anyio scope in the host task."""

    __slots__ = ("_error", "_scope", "_started", "_task", "_watcher")

    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher
        self._scope = anyio.CancelScope()
        self._error: Exception | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = False

    async def __aenter__(self) -> None:
        self._scope.__enter__()
        self._task = asyncio.get_running_loop().create_task(self._run())

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
        if not self._started:
            self._watcher.close()  # the body was sent before the watcher's first step
        if self._error is not None:
            raise self._error
        return suppress


if sys.version_info >= (3, 11):  # Task.uncancel() and Task.cancelling()

    @final
    class _CountedWatch:
        """The watcher as an asyncio task, cancelling the host task (Python 3.11 and later).

        The task is made only once the host first waits, at the loop's next turn: a
        body sent whole without waiting (its chunks ready, the client reading) leaves
        the block before then, having cost a callback rather than a task.
        """

        __slots__ = (
            "_cancelled", "_error", "_host", "_loop", "_over", "_pending", "_started",
            "_task", "_watcher",
        )  # fmt: skip

        def __init__(self, watcher: Watcher) -> None:
            self._watcher = watcher
            self._host: asyncio.Task[Any] | None = None
            self._loop: asyncio.AbstractEventLoop | None = None
            self._pending: asyncio.Handle | None = None  # the call that makes the task
            self._task: asyncio.Task[None] | None = None
            self._error: Exception | None = None
            self._started = False
            self._cancelled = False  # the watcher cancelled the host
            self._over = False  # the block has been left: the host is not to be cancelled

        async def __aenter__(self) -> None:
            self._host = asyncio.current_task()
            self._loop = asyncio.get_running_loop()
            self._pending = self._loop.call_soon(self._begin)

        def _begin(self) -> None:
            """The host waits (the loop has taken a turn): the watcher starts."""
            if self._loop is not None:
                self._task = self._loop.create_task(self._run())

        async def _run(self) -> None:
            self._started = True
            try:
                await self._watcher
            except asyncio.CancelledError:
                return  # stopped by __aexit__: the response is over
            except Exception as error:  # the server's receive failed: ends the response too
                self._error = error
            # This task runs only while the host waits, and the host waits only inside
            # the block: the cancellation reaches it there, at the await it waits in.
            if not self._over and self._host is not None:
                self._cancelled = True
                self._host.cancel()

        async def __aexit__(
            self,
            kind: type[BaseException] | None,
            error: BaseException | None,
            traceback: TracebackType | None,
        ) -> bool:
            self._over = True
            if self._task is not None:
                self._task.cancel()  # a no-op if it has ended; else it ends at its next step
            elif self._pending is not None:
                self._pending.cancel()  # the host never waited: no task was made
            if not self._started:
                self._watcher.close()  # the body was sent before the watcher's first step
            # The cancellation the watcher asked for is taken back: the block's
            # CancelledError ends here, unless somebody else cancelled the host too.
            suppress = (
                self._cancelled
                and self._host is not None
                and self._host.uncancel() == 0
                and kind is not None
                and issubclass(kind, asyncio.CancelledError)
            )
            if self._error is not None:
                raise self._error
            return suppress


if sys.version_info >= (3, 11):
    AsyncioWatch: TypeAlias = _CountedWatch
else:
    AsyncioWatch: TypeAlias = _TaskWatch

