"""The ``bareasgi`` logger, and client-controlled text made safe to write to it.

A request's method and path are the client's words. Written into a record as they
are, a path holding CR and LF (``/x%0d%0a2026-01-01 ... CRITICAL forged``) forges a
log line, and ESC sequences or U+2028 do the same to terminals and log viewers. Every
record that names a request names it through :func:`request_line`.
"""

from __future__ import annotations

import logging

LOGGER = logging.getLogger("bareasgi")

MAX_LOGGED_TEXT = 200
"""Characters of a client's text written to a record; the rest is counted, not written."""


def client_text(text: str) -> str:
    """``text`` as it may appear in a log record: printable, and at most ``MAX_LOGGED_TEXT`` long.

    Anything not printable (controls, line and paragraph separators, ...) is written
    as a Python escape, and so is a backslash wherever escapes are used, so that the
    record cannot be read two ways.
    """
    cut = len(text) > MAX_LOGGED_TEXT
    shown = text[:MAX_LOGGED_TEXT] if cut else text
    if not shown.isprintable():
        shown = shown.encode("unicode_escape").decode("ascii")
    return f"{shown}... ({len(text)} characters)" if cut else shown


def request_line(method: str, path: str) -> str:
    """The method and path of a request, for a log record."""
    return f"{client_text(method)} {client_text(path)}"
