"""Configuration checks: what the user registers is fit to be called."""

from __future__ import annotations

import inspect


def require_async_callable(role: str, value: object) -> None:
    """Raise ``TypeError`` naming ``role`` unless ``value`` can be awaited when called.

    Functions are checked exactly (a plain ``def`` is refused); other callables, such
    as objects with an ``async def __call__``, are trusted.
    """
    if not callable(value):
        raise TypeError(f"{role} must be an async function, not {value!r}")
    function = inspect.unwrap(value)
    if inspect.isfunction(function) and not inspect.iscoroutinefunction(function):
        raise TypeError(f"{role} {function.__qualname__!r} must be declared 'async def'")
