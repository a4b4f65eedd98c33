"""Errors: the exceptions a handler raises or meets."""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import cast, final

from .types import Content, Headers


class HttpError(Exception):
    """Raised from a handler or middleware to answer with this response instead.

    ``body`` may be text (sent as UTF-8), bytes, or an async iterable of bytes such
    as ``text_writer(...)`` (streamed); a body without a ``content-type`` among the
    ``headers`` is sent as ``text/plain; charset=utf-8``. A body of any other type,
    or ``headers`` that are not a sequence of pairs (a dict, or a URL where bareASGI
    4 took one), is a ``TypeError`` here, where it is raised, rather than a broken
    response later. ``urllib.error.HTTPError`` is honoured too, as bareASGI 3.x did.

    >>> raise HttpError(404, 'No such user')  # doctest: +SKIP
    """

    def __init__(
        self,
        status: int,
        body: str | bytes | Content | None = None,
        headers: Headers | None = None,
    ) -> None:
        if type(status) is not int or not 100 <= status <= 599:
            raise ValueError(f"HttpError: status must be an int from 100 to 599, not {status!r}")
        # Checked as any objects: handlers are not always typed.
        given: object = body
        if not (given is None or isinstance(given, (str, bytes)) or hasattr(given, "__aiter__")):
            raise TypeError(
                f"HttpError: body must be str, bytes, an async iterable of bytes or None, "
                f"not {type(body).__name__} {reprlib.repr(body)}"
            )
        pairs: object = headers
        if pairs is not None and (isinstance(pairs, (str, bytes)) or not isinstance(pairs, Sequence)):
            raise TypeError(
                f"HttpError: headers must be a list of (bytes, bytes) pairs or None, "
                f"not {type(headers).__name__} {reprlib.repr(headers)}"
            )
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers: Headers = headers or ()

    def __str__(self) -> str:
        body = self.body.decode("utf-8", "replace") if isinstance(self.body, bytes) else self.body
        return f"{self.status} {body}" if isinstance(body, str) and body else str(self.status)


@final
class ClientDisconnect(OSError):
    """The client went away: raised when reading a request body or sending on a WebSocket.

    It is not an error of the application: when it escapes a handler nothing is
    logged and nothing more is sent.
    """


class TemplateError(ValueError):
    """A path template or route that cannot be added; the message names the template."""


class ConverterError(ValueError):
    """A converter that cannot be registered; the message names it."""


def is_client_disconnect(error: BaseException) -> bool:
    """Whether ``error`` means only that the client left.

    That is a :class:`ClientDisconnect`, or an exception group (PEP 654: a handler that
    read the body or sent on a WebSocket inside a task group) made of nothing else.
    Groups are recognised by their ``exceptions`` tuple, so that the backport anyio
    uses on Python 3.10 counts as well as the built-in ``BaseExceptionGroup``.
    """
    if isinstance(error, ClientDisconnect):
        return True
    members: object = getattr(error, "exceptions", None)
    if type(members) is not tuple:
        return False
    group = cast("tuple[object, ...]", members)  # of anything, as far as the types know
    return len(group) > 0 and all(
        isinstance(member, BaseException) and is_client_disconnect(member) for member in group
    )


class UncheckedMatchesWarning(UserWarning):
    """A handler's ``matches`` annotation could not be resolved, so its route is unchecked.

    Warned when the route is added; the message names the handler and the name that
    could not be found. ``warnings.simplefilter("error", UncheckedMatchesWarning)``
    makes it an error.
    """
