"""Reading the request's scope: headers, the query string and cookies, typed.

Plain functions over the ASGI scope, so a handler stays straight-line::

    agent = header(scope, b"user-agent")            # bytes | None
    page = query(scope, Paging)                     # a Paging, or HttpError(422)
    session = cookies(scope).get("session")         # str | None
"""

from __future__ import annotations

import re
from typing import Final, TypeVar
from urllib.parse import unquote_plus

from .types import Scope
from .validation import shape_of, validate_python

T = TypeVar("T")

# RFC 6265 section 4.1.1: a cookie name is an RFC 2616 token; a value is cookie-octets,
# optionally in double quotes. Bytes from 0x80 are let through for UTF-8 values, which
# browsers send as they are.
_COOKIE_NAME: Final = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_COOKIE_VALUE: Final = re.compile(rb"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e\x80-\xff]*")


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of the request header ``name`` (lower-case bytes), or ``None``.

    >>> header(scope, b"user-agent")  # doctest: +SKIP
    b'curl/8.5.0'

    A name with upper-case letters raises ``ValueError``: the server gives every
    name in lower case, so it could never match.
    """
    for key, value in scope["headers"]:
        if key == name:
            found: bytes = value
            return found
    if name != name.lower():
        raise ValueError(f"header names are lower-case bytes, not {name!r}")
    return None


def header_values(scope: Scope, name: bytes) -> list[bytes]:
    """Every value of the request header ``name`` (lower-case bytes), in order; may be empty."""
    if name != name.lower():
        raise ValueError(f"header names are lower-case bytes, not {name!r}")
    return [value for key, value in scope["headers"] if key == name]


def query_params(scope: Scope) -> dict[str, list[str]]:
    """The query string by name, every value of a repeated name in order.

    Blank values are kept (``?q=`` gives ``{'q': ['']}``, ``?flag`` gives
    ``{'flag': ['']}``); ``+`` and percent escapes are decoded as UTF-8, a byte that
    is not UTF-8 becoming U+FFFD. The length is bounded by the server's limit on the
    request line (uvicorn and hypercorn refuse one over some tens of KiB).
    """
    raw: bytes = scope["query_string"]
    return parse_pairs(raw.decode("utf-8", "replace")) if raw else {}


def query(scope: Scope, kind: type[T]) -> T:
    """The query string validated as ``kind``: a Pydantic model, a dataclass or a TypedDict.

    A field typed as a list, tuple or set takes every value of its name, any other
    field the first. Values are strings, converted by Pydantic (``'10'`` to ``10``
    for an ``int``). A query that does not validate raises ``HttpError(422)``
    listing each failing field (see :mod:`bareasgi.validation`).

    >>> class Paging(BaseModel):  # doctest: +SKIP
    ...     page: int = 1
    ...     tag: list[str] = []
    >>> query(scope, Paging)  # ?page=2&tag=a&tag=b  # doctest: +SKIP
    Paging(page=2, tag=['a', 'b'])
    """
    return validate_python(kind, shape_of(kind).from_pairs(query_params(scope)))


def cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies by name, as RFC 6265 reads the ``cookie`` header.

    A value in double quotes is given without them. A pair that is malformed (no
    ``=``, a name that is not a token, a space, comma, backslash or control in the
    value, bytes that are not UTF-8) is ignored, and the others kept. When a name
    comes more than once, the first wins: browsers send the most specific path first.
    """
    found: dict[str, str] = {}
    for key, value in scope["headers"]:
        if key == b"cookie":
            for pair in value.split(b";"):
                _add_cookie(found, pair)
    return found


def _add_cookie(found: dict[str, str], pair: bytes) -> None:
    name, equals, value = pair.partition(b"=")
    name = name.strip(b" \t")
    value = value.strip(b" \t")
    if not equals or _COOKIE_NAME.fullmatch(name) is None:
        return
    if len(value) >= 2 and value[0] == 0x22 and value[-1] == 0x22:  # DQUOTE
        value = value[1:-1]
    if _COOKIE_VALUE.fullmatch(value) is None:
        return
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return
    found.setdefault(name.decode("ascii"), text)


def parse_pairs(text: str) -> dict[str, list[str]]:
    """``name=value`` pairs joined by ``&`` (a query string, a urlencoded form), grouped by name.

    As :func:`urllib.parse.parse_qs` with ``keep_blank_values=True``, decoding escapes
    only in the pairs that have any.
    """
    params: dict[str, list[str]] = {}
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "%" in field or "+" in field:
            name = unquote_plus(name, errors="replace")
            value = unquote_plus(value, errors="replace")
        values = params.get(name)
        if values is None:
            params[name] = [value]
        else:
            values.append(value)
    return params
