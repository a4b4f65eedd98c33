"""HTTP exchanges: their rules, and the parts beyond a response sent in one message.

The exchange itself, from the route's handler to the last message, is
:meth:`bareasgi.Application.__call__`, which reads top to bottom. It calls on this
module to stream a body, to close one, and to answer an exception. The rules it keeps,
with these (ASGI spec, "HTTP"):

- At most one ``http.response.start`` per request. A failure before it becomes a
  response (``HttpError``, or a logged 500); a failure after it ends the response
  without completing it, so the client can tell it was cut short.
- A client that leaves is not an error: nothing is logged and the response body
  iterator is closed, so its ``finally`` runs.
- Only a body streamed in several parts costs a task: a watcher that notices the
  client leaving while the body iterator waits. A body known in full is one message.
"""

from __future__ import annotations

import re
import sys
import urllib.error
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence, Set
from typing import TYPE_CHECKING, cast

import anyio

from .errors import ClientDisconnect, HttpError, is_client_disconnect
from .log import LOGGER, request_line
from .request_body import RequestBody
from .streaming import BytesBody
from .asgi import AsgiSend, HttpScope
from .types import Content, Header, Headers
from .watch import watching

if TYPE_CHECKING:
    import email.message


_INTERNAL_ERROR = b"Internal Server Error"

HTTP_ERRORS = (HttpError, urllib.error.HTTPError)
"""The exceptions that stand for a response: middleware sees them as that response."""

_UNSAFE_IN_HEADER = re.compile(rb"[\r\n\0]").search

# Header pairs found safe: most responses send the same few (a content-type, a
# content-length), and a set lookup per pair costs a fraction of a search of it. The
# application looks each pair up itself (a call would cost as much as the lookups)
# and calls check_headers() only for a response with a pair not found. Only short
# pairs are kept, and the set is emptied when full, so it holds a bounded few hundred
# KiB whatever values the handlers make.
CHECKED_HEADERS: set[Header] = set()
_CHECKED_MAX = 4096
_CHECKED_LENGTH = 256


def check_headers(headers: Headers) -> None:
    """Raise ``ValueError`` naming a header whose name or value holds CR, LF or NUL.

    Such a header, built say from the decoded path, would let a lax server split the
    response in two; a strict one drops the connection without a response. Either way
    it is the handler's mistake, answered as one: a logged 500. ``TypeError`` for a
    header that is not a tuple of two ``bytes``. Pairs found safe are remembered in
    :data:`CHECKED_HEADERS`.
    """
    for header in headers:
        found: object = header  # checked as any object: handlers are not always typed
        if (
            not isinstance(found, tuple)
            or len(found) != 2
            or not all(isinstance(p, bytes) for p in found)
        ):
            raise TypeError(f"a response header must be a (bytes, bytes) pair, not {found!r:.100}")
        name, value = header
        if _UNSAFE_IN_HEADER(name + value) is not None:
            raise ValueError(
                f"the response header {name[:100]!r} (value {value[:100]!r}) holds CR, LF "
                "or NUL, which would break the response; escape or refuse such values"
            )
    if len(CHECKED_HEADERS) >= _CHECKED_MAX:
        CHECKED_HEADERS.clear()
    for pair in headers:
        name, value = pair
        if len(name) + len(value) > _CHECKED_LENGTH:
            continue
        # Kept as a plain pair of bytes (the pair itself when it is one, so that its next
        # lookup is by identity): a subclass's instance, and what it holds, is not.
        plain = type(pair) is tuple and type(name) is bytes and type(value) is bytes
        CHECKED_HEADERS.add(pair if plain else (bytes(name), bytes(value)))


async def stream_body(body: Content, content: RequestBody, send: AsgiSend, scope: HttpScope) -> None:
    """Send ``body`` chunk by chunk, stopping it as soon as the client leaves."""
    chunks = aiter(body)
    try:
        async with watching(content.watch()):
            try:
                async for chunk in chunks:
                    if chunk:
                        try:
                            await send({"type": "http.response.body", "body": chunk, "more_body": True})
                        except OSError:
                            return  # the client left: servers on ASGI spec 2.4 raise from send
                try:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                except OSError:
                    return
            except ClientDisconnect:
                pass  # the client left: not an error
            except Exception as error:
                if not is_client_disconnect(error):  # a task group's, of nothing but that
                    LOGGER.exception(
                        "%s: the response body failed after the response started",
                        request_line(scope["method"], scope["path"]),
                    )
    finally:
        if getattr(chunks, "ag_frame", chunks) is not None:  # not an async generator run to its end
            await close_body(chunks)


async def close_body(body: Content | AsyncIterator[bytes] | None) -> None:
    """Close a body iterator (its ``finally`` runs), even inside a cancelled scope."""
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        with anyio.CancelScope(shield=True):
            try:
                await aclose()
            except Exception:
                LOGGER.exception("closing a response body failed")


# Headers an error response does not pass on: the server frames the body it is given
# and the length is counted here (the hop-by-hop headers of RFC 9110, 7.6.1).
_FRAMING = frozenset(
    {b"content-length", b"connection", b"keep-alive", b"proxy-connection", b"te",
     b"trailer", b"transfer-encoding", b"upgrade"}
)  # fmt: skip
# The headers of an HTTPError urllib raised describe the upstream body, not its reason.
_UPSTREAM = _FRAMING | {b"content-encoding"}


def error_response(scope: HttpScope, error: Exception) -> tuple[int, Headers, Content]:
    """The response for an exception raised before the response started.

    ``HttpError`` and ``urllib.error.HTTPError`` become their response. The latter is
    read as bareASGI 3.x documents it: ``msg`` the body (``str``, ``bytes`` or an
    async iterable of bytes), ``hdrs`` a list of ``(bytes, bytes)`` pairs, a mapping,
    or an ``email.message.Message`` (as when urllib itself raised it). One that cannot
    be made into a response (a body of another type, say) is a mistake of the
    handler's like any other: a logged 500.
    """
    try:
        if isinstance(error, HTTP_ERRORS):
            response = http_error_response(error)
            if response is not None:
                return response
    except Exception:
        LOGGER.exception(
            "%s: the handler raised an %s that cannot be sent as a response",
            request_line(scope["method"], scope["path"]),
            type(error).__name__,
        )
        return _error_body(500, _error_headers(error), _INTERNAL_ERROR)
    LOGGER.exception("%s: the handler failed", request_line(scope["method"], scope["path"]))
    return _error_body(500, _error_headers(error), _INTERNAL_ERROR)


def http_error_response(
    error: HttpError | urllib.error.HTTPError,
) -> tuple[int, Headers, Content] | None:
    """The response ``error`` stands for; ``None`` for a urllib code that is no HTTP status.

    Raises when the error cannot be sent (see :func:`error_response`).
    """
    if isinstance(error, HttpError):
        return _error_body(error.status, _sendable(error.headers, _FRAMING), error.body)
    if not 100 <= error.code <= 599:
        return None
    return _error_body(error.code, _legacy_headers(error.headers), error.reason)


# The attribute of an exception holding the headers its 500 carries (add_error_headers).
_ERROR_HEADERS = "_bareasgi_error_headers"


def add_error_headers(error: BaseException, headers: Headers) -> None:
    """Have the ``500`` that ``error`` becomes carry ``headers`` too.

    For a middleware that lets an exception pass up (so that error tracking outside
    it still sees it) but whose headers belong on every response, the ``500``
    included: CORS headers, a request id. Headers added by several middlewares are
    all sent, in the order they were added; ``content-length`` is never taken.
    """
    held: list[Header] | None = getattr(error, _ERROR_HEADERS, None)
    if held is None:
        held = []
        setattr(error, _ERROR_HEADERS, held)
    held.extend(headers)


def _error_headers(error: BaseException) -> list[Header]:
    """The headers added to ``error`` for its 500, but any that would break the response."""
    held: list[Header] = getattr(error, _ERROR_HEADERS, [])
    return [
        (name, value)
        for name, value in held
        if type(name) is bytes
        and type(value) is bytes
        and name.lower() not in _FRAMING
        and _UNSAFE_IN_HEADER(name + value) is None
    ]


def _legacy_headers(hdrs: object) -> list[Header]:
    """The ``hdrs`` of a ``urllib.error.HTTPError`` as response headers."""
    if hdrs is None:
        return []
    # An email.message.Message, as urllib gives: looked for without importing the email
    # package (a Message can only exist once it has been imported).
    message = sys.modules.get("email.message")
    if message is not None and isinstance(hdrs, message.Message):
        fields = cast("list[tuple[str, object]]", cast("email.message.Message", hdrs).items())
        return _sendable([(name, str(value)) for name, value in fields], _UPSTREAM)
    if isinstance(hdrs, Mapping):
        return _sendable(cast("Mapping[object, object]", hdrs).items(), _FRAMING)
    if isinstance(hdrs, Iterable):
        return _sendable(cast("Iterable[object]", hdrs), _FRAMING)
    raise TypeError(
        f"headers of type {type(hdrs).__name__}: expected a list of (bytes, bytes) pairs"
    )


def _sendable(headers: Iterable[object], dropped: Set[bytes]) -> list[Header]:
    """``headers`` as a new list of lower-case byte pairs, without those ``dropped``."""
    sendable: list[Header] = []
    for pair in headers:
        name, value = _header_pair(pair)
        if name.lower() not in dropped:
            sendable.append((name.lower(), value))
    return sendable


def _header_pair(pair: object) -> Header:
    """One header as a pair of bytes (``str`` as Latin-1, as HTTP has it)."""
    items = cast("Sequence[object]", pair) if isinstance(pair, (tuple, list)) else ()
    if len(items) == 2:
        found = [item.encode("latin-1") if isinstance(item, str) else item for item in items]
        name, value = found
        if isinstance(name, bytes) and isinstance(value, bytes):
            return name, value
    raise TypeError(f"header {pair!r}: expected a (name, value) pair of bytes")


def _error_body(status: int, headers: list[Header], body: object) -> tuple[int, Headers, Content]:
    """The response: a body known in full counted in ``content-length``, any other streamed.

    Raises ``ValueError`` for a header that would break the response (see
    :func:`check_headers`), so the error becomes a logged 500 instead.
    """
    check_headers(headers)
    if not any(name == b"content-type" for name, _ in headers) and body:
        headers.append((b"content-type", b"text/plain; charset=utf-8"))
    if body is None or isinstance(body, (str, bytes)):
        data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        headers.append((b"content-length", str(len(data)).encode("ascii")))
        return status, headers, BytesBody(data)
    if isinstance(body, AsyncIterable):
        return status, headers, cast(Content, body)  # of bytes, as the handler's types say
    raise TypeError(
        f"a body of type {type(body).__name__}: expected str, bytes or an async iterable of bytes"
    )
