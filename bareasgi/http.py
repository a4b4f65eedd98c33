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
import urllib.error
from itertools import chain
from collections.abc import AsyncIterator

import anyio

from .errors import ClientDisconnect, HttpError, is_client_disconnect
from .log import LOGGER, request_line
from .request_body import RequestBody
from .streaming import BytesBody
from .asgi import AsgiSend, HttpScope
from .types import Content, Headers
from .watch import watching


_INTERNAL_ERROR = b"Internal Server Error"

_UNSAFE_IN_HEADER = re.compile(rb"[\r\n\0]").search


def check_headers(headers: Headers) -> None:
    """Raise ``ValueError`` naming a header whose name or value holds CR, LF or NUL.

    Such a header, built say from the decoded path, would let a lax server split the
    response in two; a strict one drops the connection without a response. Either way
    it is the handler's mistake, answered as one: a logged 500. The headers are
    searched as one joined string (one call for them all); only a failure looks for
    the culprit.
    """
    try:
        if _UNSAFE_IN_HEADER(b"".join(chain.from_iterable(headers))) is None:
            return
    except TypeError:
        pass  # something is not bytes: found below
    for header in headers:
        found: object = header  # checked as any object: handlers are not always typed
        if type(found) is not tuple or len(found) != 2 or not all(type(p) is bytes for p in found):
            raise TypeError(f"a response header must be a (bytes, bytes) pair, not {found!r:.100}")
        name, value = header
        if _UNSAFE_IN_HEADER(name + value) is not None:
            raise ValueError(
                f"the response header {name[:100]!r} (value {value[:100]!r}) holds CR, LF "
                "or NUL, which would break the response; escape or refuse such values"
            )


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


def error_response(scope: HttpScope, error: Exception) -> tuple[int, Headers, Content]:
    """The response for an exception raised before the response started.

    An ``HttpError`` that cannot be made into a response (a body that is neither text
    nor bytes, say) is a mistake of the handler's like any other: a logged 500.
    """
    try:
        if isinstance(error, HttpError):
            check_headers(error.headers)
            return _plain_response(error.status, error.headers, error.body)
        if isinstance(error, urllib.error.HTTPError) and 100 <= error.code <= 599:
            headers = [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in (error.headers or {}).items()
                if name.lower() != "content-length"
            ]
            check_headers(headers)
            return _plain_response(error.code, headers, error.reason)
    except Exception:
        LOGGER.exception(
            "%s: the handler raised an %s that cannot be sent as a response",
            request_line(scope["method"], scope["path"]),
            type(error).__name__,
        )
        return _plain_response(500, (), _INTERNAL_ERROR)
    LOGGER.exception("%s: the handler failed", request_line(scope["method"], scope["path"]))
    return _plain_response(500, (), _INTERNAL_ERROR)


def _plain_response(
    status: int, headers: Headers, body: str | bytes | None
) -> tuple[int, Headers, Content]:
    data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    given = [header for header in headers if header[0] != b"content-length"]
    if data and not any(name == b"content-type" for name, _ in given):
        given.append((b"content-type", b"text/plain; charset=utf-8"))
    given.append((b"content-length", str(len(data)).encode("ascii")))
    return status, given, BytesBody(data)

