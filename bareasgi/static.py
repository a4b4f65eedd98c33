"""Static files: a handler serving the files under one directory.

The rules it keeps:

- Only files under the directory are served. The route's ``path`` variable (already
  percent-decoded by the server) is taken apart by ``/``; a part that is ``..``, a
  leading ``/``, a NUL or a backslash means 404, never a look elsewhere. Once the
  file is found, its real path (symlinks resolved) must still be under the
  directory's, unless ``follow_symlinks`` is set.
- A file is looked up, checked and opened in one call to a worker thread, and a file
  that fits in one chunk is read in that same call: a small file costs one thread hop.
  A larger one is read through anyio's file API, one chunk per thread hop, so memory
  held is one chunk whatever the size, and the file is closed when the body ends,
  fails, or the client leaves.
- ``etag`` and ``last-modified`` come from the file's size and modification time;
  ``if-none-match`` (weak comparison) and then ``if-modified-since`` answer 304.
- One byte range is served as 206 (``if-range`` honoured); a range that starts past
  the end is 416. A request for several ranges gets the whole file (200), as RFC
  9110 (section 14.2) lets a server do, rather than a ``multipart/byteranges`` body.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, final
from urllib.parse import quote

import anyio

from .asgi import HttpScope
from .streaming import BytesBody
from .types import Content, Header, HttpResponse, HttpRequestCallback, RouteMatches

CHUNK_SIZE = 256 * 1024
"""Bytes read from a file, and sent, at a time."""

_NOT_FOUND: HttpResponse = (
    404,
    ((b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"9")),
    BytesBody(b"Not Found"),
)
_NOT_ALLOWED: HttpResponse = (
    405,
    (
        (b"allow", b"GET, HEAD"),
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"18"),
    ),
    BytesBody(b"Method Not Allowed"),
)
# A range header answered with the whole file, as if it had not been sent.
_IGNORED = (0, -1)
# The types of files compressed as a whole, which guess_type reports as an encoding.
_ENCODED_TYPES = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}


@final
@dataclass(frozen=True, slots=True)
class _Request:
    """What of a request decides the answer, taken from its headers on the event loop."""

    method: str
    if_none_match: bytes | None
    if_modified_since: bytes | None
    range: bytes | None
    if_range: bytes | None


def static_files(
    directory: str | os.PathLike[str],
    *,
    match: str = "path",
    index: str | None = "index.html",
    fallback: str | None = None,
    follow_symlinks: bool = False,
    max_age: int | None = None,
) -> HttpRequestCallback[object, RouteMatches]:
    """A handler serving the files under ``directory``, for a route ending in a ``path`` variable.

    ``match`` names that variable. A request for a directory gets its ``index`` file
    (a directory named without its trailing slash is redirected, 308, to the path
    with it, so that relative links in the page work); ``index=None`` makes
    directories 404. A path with no file gets ``fallback`` (a file under
    ``directory``, such as ``'index.html'`` for a single-page application) with status
    200, or 404 without one. ``max_age`` (seconds) is sent as
    ``cache-control: max-age=...``. Symlinks that lead out of ``directory`` are 404
    unless ``follow_symlinks``. Methods other than GET and HEAD are answered 405.

    Raises ``ValueError`` at once for a directory that does not exist, a ``fallback``
    that is not a file in it, or a ``max_age`` that is not a whole number >= 0::

        app.http_router.add({'GET', 'HEAD'}, '/static/{path:path}', static_files('public'))
    """
    root = Path(directory)
    if not root.is_dir():
        raise ValueError(f"static_files: {str(root)!r} is not a directory")
    given: object = match  # checked as any object: callers are not always typed
    if not isinstance(given, str) or not given:
        raise ValueError(f"static_files: match must name the route's path variable, not {match!r}")
    names: tuple[tuple[str, object], ...] = (("index", index), ("fallback", fallback))
    for role, name in names:
        if name is not None and (not isinstance(name, str) or not _parts(name)):
            raise ValueError(f"static_files: {role} must be a relative file name, not {name!r}")
    if fallback is not None and not (root / fallback).is_file():
        raise ValueError(f"static_files: fallback {fallback!r} is not a file in {str(root)!r}")
    if max_age is not None and (type(max_age) is not int or max_age < 0):
        raise ValueError(f"static_files: max_age must be a whole number of seconds >= 0, not {max_age!r}")
    cache: tuple[Header, ...] = (
        ((b"cache-control", b"max-age=%d" % max_age),) if max_age is not None else ()
    )
    files = _Files(os.path.realpath(root), index, fallback, follow_symlinks, cache)

    async def serve_static(
        scope: HttpScope, info: object, matches: RouteMatches, content: Content, /
    ) -> HttpResponse:
        method = scope["method"]
        if method != "GET" and method != "HEAD":
            return _NOT_ALLOWED
        requested = matches.get(match)
        if not isinstance(requested, str):
            raise LookupError(f"static_files: the route has no path variable named {match!r}")
        headers = dict(scope["headers"])  # the last of a repeated header: none of these repeat
        request = _Request(
            method,
            headers.get(b"if-none-match"),
            headers.get(b"if-modified-since"),
            headers.get(b"range"),
            headers.get(b"if-range"),
        )
        answer = await anyio.to_thread.run_sync(files.answer, requested, request)
        if isinstance(answer, str):
            return _redirect(scope, answer)
        return answer

    return serve_static


@final
class _Files:
    """The files under a root, and the answer for each request: run in a worker thread."""

    __slots__ = ("cache", "fallback", "follow_symlinks", "index", "root", "root_prefix")

    def __init__(
        self,
        root: str,
        index: str | None,
        fallback: str | None,
        follow_symlinks: bool,
        cache: tuple[Header, ...],
    ) -> None:
        self.root = root  # its real path: symlinks resolved
        self.root_prefix = root.rstrip(os.sep) + os.sep
        self.index = index
        self.fallback = fallback
        self.follow_symlinks = follow_symlinks
        self.cache = cache

    def answer(self, requested: str, request: _Request) -> HttpResponse | str:
        """The response for ``requested``, or the suffix (``'/'``) to redirect to."""
        parts = _parts(requested)
        if parts is None:
            return _NOT_FOUND  # outside the directory by its very text: never the fallback
        found = self._find(parts, requested == "" or requested.endswith("/"))
        if isinstance(found, str):
            return found
        if found is None and self.fallback is not None:
            found = self._find(self.fallback.split("/"), False)
        if found is None or isinstance(found, str):
            return _NOT_FOUND
        return self._respond(found[0], found[1], request)

    def _inside(self, path: str) -> bool:
        if self.follow_symlinks:
            return True  # the path's text is under the root: that is enough
        real = os.path.realpath(path)
        return real == self.root or real.startswith(self.root_prefix)

    def _find(self, parts: list[str], as_directory: bool) -> tuple[str, os.stat_result] | str | None:
        """The path of the file and its status; ``'/'`` for a directory to redirect; else None."""
        path = os.path.join(self.root, *parts)
        try:
            status = os.stat(path)
            if stat.S_ISDIR(status.st_mode):
                if self.index is None:
                    return None
                path = os.path.join(path, self.index)
                status = os.stat(path)
                if not as_directory:
                    return "/" if stat.S_ISREG(status.st_mode) and self._inside(path) else None
            elif as_directory and parts:
                return None  # 'name/' names a directory, and this is not one
        except (OSError, ValueError):  # missing, unreadable, or a name the system refuses
            return None
        if not stat.S_ISREG(status.st_mode) or not self._inside(path):
            return None
        return path, status

    def _respond(self, path: str, status: os.stat_result, request: _Request) -> HttpResponse:
        size = status.st_size
        etag = b'"%x-%x"' % (status.st_mtime_ns, size)
        from email.utils import formatdate  # here, not with bareasgi: imports cost every start

        last_modified = formatdate(status.st_mtime, usegmt=True).encode("ascii")
        validators = [(b"etag", etag), (b"last-modified", last_modified), *self.cache]
        if _not_modified(request, etag, status.st_mtime):
            return 304, validators
        headers = [
            (b"content-type", _content_type(os.path.basename(path))),
            *validators,
            (b"accept-ranges", b"bytes"),
            (b"x-content-type-options", b"nosniff"),
        ]
        start, length, code = 0, size, 200
        if request.method == "GET" and request.range is not None:
            if request.if_range is None or request.if_range.strip() in (etag, last_modified):
                span = _byte_range(request.range, size)
                if span is None:
                    return _unsatisfiable(size)
                if span is not _IGNORED:
                    start, length, code = span[0], span[1], 206
                    headers.append(
                        (b"content-range", b"bytes %d-%d/%d" % (start, start + length - 1, size))
                    )
        headers.append((b"content-length", b"%d" % length))
        if request.method == "HEAD":
            return code, headers, None
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below, or by the body
        except OSError:
            return _NOT_FOUND  # gone since it was found
        if length <= CHUNK_SIZE:  # one chunk: read now, in this thread
            with handle:
                handle.seek(start)
                return code, headers, BytesBody(handle.read(length))
        try:
            handle.seek(start)
        except BaseException:
            handle.close()
            raise
        return code, headers, _chunks(handle, length)


def _parts(requested: str) -> list[str] | None:
    """The parts of a path under the root, or ``None`` when its text leads elsewhere.

    Empty parts and ``.`` are dropped; ``..``, a leading ``/`` (an absolute path), a
    NUL and a backslash (a separator on Windows) make it ``None``.
    """
    if requested.startswith("/") or "\x00" in requested or "\\" in requested:
        return None
    parts = [part for part in requested.split("/") if part and part != "."]
    return None if ".." in parts else parts


def _byte_range(value: bytes, size: int) -> tuple[int, int] | None:
    """The first byte and the length of the range asked for; ``None``: unsatisfiable (416).

    Anything but one well-formed range in bytes is answered with the whole file, as
    :data:`_IGNORED`: a malformed header is ignored (RFC 9110, section 14.2), and so
    is a request for several ranges.
    """
    whole = _IGNORED
    unit, _, spec = value.partition(b"=")
    if unit.strip().lower() != b"bytes" or b"," in spec:
        return whole
    first, dash, last = spec.strip().partition(b"-")
    first, last = first.strip(), last.strip()
    if not dash or len(first) > 18 or len(last) > 18:  # 18 digits: far past any file's size
        return whole
    if not first:  # bytes=-N: the last N bytes
        if not last.isdigit():
            return whole
        suffix = min(int(last), size)
        return (size - suffix, suffix) if suffix > 0 else None
    if not first.isdigit() or (last and not last.isdigit()):
        return whole
    start = int(first)
    if last and int(last) < start:
        return whole  # invalid, so ignored
    if start >= size:
        return None
    end = min(int(last), size - 1) if last else size - 1
    return start, end - start + 1


def _not_modified(request: _Request, etag: bytes, mtime: float) -> bool:
    """Whether the client's copy is current (RFC 9110, 13.1.2 and 13.1.3, in 13.2.2's order)."""
    tags = request.if_none_match
    if tags is not None:  # when sent, if-modified-since is not looked at
        if tags.strip() == b"*":
            return True
        return any(tag.strip().removeprefix(b"W/") == etag for tag in tags.split(b","))
    since = request.if_modified_since
    if since is None:
        return False
    try:
        from email.utils import parsedate_to_datetime

        date = parsedate_to_datetime(since.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return False  # an invalid date is ignored
    return date.tzinfo is not None and int(mtime) <= date.timestamp()


async def _chunks(handle: BinaryIO, length: int) -> AsyncIterator[bytes]:
    """``length`` bytes of the open file, chunk by chunk; the file is closed however it ends."""
    try:
        file = anyio.wrap_file(handle)
        while length > 0:
            chunk = await file.read(min(CHUNK_SIZE, length))
            if not chunk:
                break  # the file shrank while it was sent: the response ends short
            length -= len(chunk)
            yield chunk
    finally:
        # Closed here, not through the worker thread: a regular file closes at once,
        # and this runs even while the request is being cancelled.
        handle.close()


def _unsatisfiable(size: int) -> HttpResponse:
    body = b"Range Not Satisfiable"
    return (
        416,
        [
            (b"content-range", b"bytes */%d" % size),
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", b"%d" % len(body)),
        ],
        BytesBody(body),
    )


def _redirect(scope: HttpScope, suffix: str) -> HttpResponse:
    """308 to the request's path with ``suffix`` added, query kept, never off-site."""
    # scope["path"] is percent-decoded: quoted again for a location, and with its
    # leading slashes made one, so that it cannot read as '//other.host/...'.
    path = "/" + scope["path"].lstrip("/") + suffix
    location = quote(path, safe="/:@!$&'()*+,;=~").encode("ascii")
    query = scope.get("query_string", b"")
    return 308, [(b"location", location + (b"?" + query if query else b"")), (b"content-length", b"0")]


@lru_cache(maxsize=1024)
def _content_type(name: str) -> bytes:
    """The content type for a file name, by its extension (``mimetypes``)."""
    kind, encoding = mimetypes.guess_type(name, strict=False)
    if encoding is not None:
        kind = _ENCODED_TYPES.get(encoding, "application/octet-stream")
    if kind is None:
        return b"application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
        return f"{kind}; charset=utf-8".encode("ascii")
    return kind.encode("ascii")
