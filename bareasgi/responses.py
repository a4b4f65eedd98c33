"""Response helpers: ``(status, headers, body)`` tuples with the content headers filled in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from .streaming import BytesBody
from .types import Content, Headers, JsonResponseValue

_TEXT_PLAIN_UTF8 = b"text/plain; charset=utf-8"


def bytes_response(
    status: int,
    headers: Headers | None,
    buf: bytes,
    content_type: bytes = b"application/octet-stream",
) -> tuple[int, Headers, Content]:
    """A response of ``buf``, adding ``content-type`` (unless given) and ``content-length``."""
    length = (b"content-length", b"%d" % len(buf))
    if not headers:
        return status, [(b"content-type", content_type), length], BytesBody(buf)
    given = list(headers)
    if not any(name == b"content-type" for name, _ in given):
        given.append((b"content-type", content_type))
    given.append(length)
    return status, given, BytesBody(buf)


def text_response(
    status: int, headers: Headers | None, text: str, encoding: str = "utf-8"
) -> tuple[int, Headers, Content]:
    """A ``text/plain`` response of ``text`` (a ``content-type`` in ``headers`` wins)."""
    if encoding == "utf-8":
        return bytes_response(status, headers, text.encode(), _TEXT_PLAIN_UTF8)
    content_type = f"text/plain; charset={encoding}".encode("ascii")
    return bytes_response(status, headers, text.encode(encoding), content_type)


def json_response(
    status: int, headers: Headers | None, obj: JsonResponseValue
) -> tuple[int, Headers, Content]:
    """An ``application/json`` response of ``obj``, written as :func:`json.dumps` writes it.

    ``obj`` is a JSON value, a Pydantic model or a dataclass, or JSON values holding
    them (typed, so that a coroutine left un-awaited is a type error, not a 500). A
    structure that holds itself raises ``RecursionError``.
    """
    # What json.dumps cannot write itself (models, dataclasses) Pydantic makes JSON of:
    # only those values pay for it.
    body = _encode(obj).encode()
    return bytes_response(status, headers, body, b"application/json")


def _jsonable(value: object) -> object:
    """What ``json.dumps`` cannot write itself, as Pydantic makes it JSON (imported when needed)."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)


def _make_encode() -> Callable[[object], str]:
    """``json.dumps(obj, default=_jsonable)``, with the C encoder made once.

    ``json.dumps`` (and ``JSONEncoder.encode``) make a new C encoder on every call,
    which costs a small object's response twice what the encoding itself does. This
    one is made once, so it keeps no record of the containers it is inside (the
    record ``check_circular`` needs, one per call): a structure that holds itself,
    always a handler's mistake, raises ``RecursionError`` rather than ``ValueError``.
    The text is what ``json.dumps`` writes: ASCII, ``", "`` and ``": "`` between
    items, ``NaN`` and ``Infinity`` allowed.
    """
    # Not in the stubs: the C accelerator's encoder factory, None where it is missing.
    make: Callable[..., Callable[[object, int], Iterable[str]]] | None = getattr(
        json.encoder, "c_make_encoder", None
    )
    try:
        if make is not None:
            write = make(None, _jsonable, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
            return lambda obj: "".join(write(obj, 0))
    except TypeError:  # a C encoder that takes other arguments than CPython's 3.10 to 3.14
        pass
    # An interpreter without the C accelerator: the same text, and the same answer to a
    # structure that holds itself.
    return json.JSONEncoder(default=_jsonable, check_circular=False).encode


_encode = _make_encode()
