"""Reading a request body as JSON or as a urlencoded form, validated by Pydantic."""

from __future__ import annotations

from typing import TypeVar, overload

from .request import parse_pairs
from .request_body import bytes_reader
from .types import Content
from .validation import shape_of, validate_json, validate_python

T = TypeVar("T")


async def json_reader(content: Content, kind: type[T], max_size: int | None = None) -> T:
    """The body, JSON validated as ``kind`` (a Pydantic model, a dataclass, a TypedDict,
    or any type Pydantic validates, such as ``list[Item]``).

    Pydantic parses and validates in one pass, from the bytes. Malformed JSON raises
    ``HttpError(400)``; JSON that does not validate, ``HttpError(422)`` listing each
    failing field (see :mod:`bareasgi.validation`); a body over ``max_size`` bytes,
    ``HttpError(413)`` as soon as the limit is crossed. Without ``max_size`` the
    application's ``max_request_body`` applies, as for :func:`~bareasgi.bytes_reader`.

    >>> user = await json_reader(content, CreateUser)  # doctest: +SKIP
    """
    return validate_json(kind, await bytes_reader(content, max_size))


@overload
async def form_reader(content: Content, *, max_size: int | None = None) -> dict[str, list[str]]: ...


@overload
async def form_reader(content: Content, kind: type[T], max_size: int | None = None) -> T: ...


async def form_reader(
    content: Content, kind: type[T] | None = None, max_size: int | None = None
) -> T | dict[str, list[str]]:
    """The body as an ``application/x-www-form-urlencoded`` form.

    Without ``kind``: every value of each name, in order, blank values kept (as
    :func:`~bareasgi.query_params` reads a query string). With ``kind`` (a Pydantic
    model, a dataclass or a TypedDict): validated as ``query`` does, a list field
    taking every value and any other the first; ``HttpError(422)`` when it does not
    fit. Over ``max_size`` bytes: ``HttpError(413)``, as for :func:`json_reader`.
    The body is not checked against the request's ``content-type``.
    """
    body = await bytes_reader(content, max_size)
    params = parse_pairs(body.decode("utf-8", "replace")) if body else {}
    if kind is None:
        return params
    return validate_python(kind, shape_of(kind).from_pairs(params))
