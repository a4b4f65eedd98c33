"""Configuration checks: what the user registers is fit to be called."""

from __future__ import annotations

import inspect
from collections.abc import Callable

HTTP_HANDLER = ("scope", "info", "matches", "content")
WEBSOCKET_HANDLER = ("scope", "info", "matches", "web_socket")
HTTP_MIDDLEWARE = ("scope", "info", "matches", "content", "handler")
LIFESPAN_HANDLER = ("scope", "info", "message")


def require_async_callable(
    role: str, value: object, parameters: tuple[str, ...] | None = None
) -> None:
    """Raise ``TypeError`` naming ``role`` unless ``value`` can be awaited when called.

    Functions are checked exactly (a plain ``def`` is refused); other callables, such
    as objects with an ``async def __call__``, are trusted. With ``parameters``, the
    signature must also take that many positional arguments (see
    :func:`require_parameters`).
    """
    if not callable(value):
        raise TypeError(f"{role} must be an async function, not {value!r}")
    function = inspect.unwrap(value)
    if inspect.isfunction(function) and not inspect.iscoroutinefunction(function):
        raise TypeError(f"{role} {function.__qualname__!r} must be declared 'async def'")
    if parameters is not None:
        require_parameters(role, value, parameters)


def require_parameters(
    role: str, value: Callable[..., object], parameters: tuple[str, ...]
) -> None:
    """Raise ``TypeError`` unless ``value`` can be called with ``parameters``, positionally.

    A callable whose signature cannot be read (some built-ins) is trusted.
    """
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*parameters)
    except TypeError:
        name = getattr(inspect.unwrap(value), "__qualname__", None) or type(value).__qualname__
        raise TypeError(
            f"{role} {name!r} must take {len(parameters)} positional parameters "
            f"({', '.join(parameters)}), but its signature is {signature}"
        ) from None
