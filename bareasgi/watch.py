"""Watching for the client leaving while a response body streams.

One task reads ``receive()`` (see :meth:`bareasgi.request_body.RequestBody.watch`)
while the body is iterated; when the client has gone it cancels the iteration. That
task is the fixed cost of every streamed response, so it is as cheap as the event loop
allows:

- on asyncio, a plain task beside an anyio cancel scope (an anyio task group costs
  several times as much). The scope, rather than a ``Task.cancel()`` of the host
  task, ends the block, so the body's own cancel scopes keep their meaning: a
  shielded one (a cleanup that must finish) is not interrupted, and a body that
  catches the cancellation is cancelled again at its next wait, as on trio;
- on any other backend (trio), an anyio task group.

The asyncio one is in :mod:`bareasgi.watch_asyncio`, imported with the first stream
served on asyncio: an application only built (by a command, say) does not pay for
importing asyncio. Each is used as ``async with watching(watcher):`` around the
iteration. Leaving the block stops the watcher; a watcher that ends first (the client
left) cancels the block, and the cancellation ends there.
"""

from __future__ import annotations

import sys
from collections.abc import Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any, final

import anyio
from anyio.abc import TaskGroup

if TYPE_CHECKING:
    from .watch_asyncio import AsyncioWatch

Watcher = Coroutine[Any, Any, None]
"""The watcher: a coroutine that returns when the client has gone."""


@final
class _GroupWatch:
    """The watcher as a task of an anyio task group, for backends other than asyncio."""

    __slots__ = ("_group", "_watcher")

    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher
        self._group: TaskGroup = anyio.create_task_group()

    async def __aenter__(self) -> None:
        await self._group.__aenter__()
        self._group.start_soon(self._run)

    async def _run(self) -> None:
        await self._watcher
        self._group.cancel_scope.cancel()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        self._group.cancel_scope.cancel()
        return await self._group.__aexit__(kind, error, traceback)


def watching(watcher: Watcher) -> AsyncioWatch | _GroupWatch:
    """Run ``watcher`` beside the ``async with`` block, cancelling the block when it returns."""
    asyncio = sys.modules.get("asyncio")  # a running asyncio loop means it is imported
    if asyncio is not None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            pass  # asyncio is imported, but another backend (trio) is running
        else:
            return (_asyncio_watch or _import_asyncio_watch())(watcher, loop)
    return _GroupWatch(watcher)


_asyncio_watch: type[AsyncioWatch] | None = None


def _import_asyncio_watch() -> type[AsyncioWatch]:
    global _asyncio_watch
    from .watch_asyncio import AsyncioWatch

    _asyncio_watch = AsyncioWatch
    return AsyncioWatch
