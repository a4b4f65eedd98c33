"""Validation by Pydantic: one adapter per type, built once, and the 422 answer.

A request helper that is given a type (``query(scope, Paging)``, ``json_reader(content,
CreateUser)``) validates through a :class:`Shape`: the type's ``TypeAdapter`` and the
names of its fields that take every value of a repeated key. Both are made the first
time a type is seen and kept, so a request costs a dict lookup, never a schema build.

The 422 body lists each failing field as ``{"loc": [...], "msg": ..., "type": ...}``
under ``"detail"``. It is built from Pydantic's errors without their ``input`` or
``ctx`` (which may hold what the client sent) and with the text of a validator's own
exception replaced, and it is bounded: at most :data:`MAX_ERRORS` errors, each
location part and message cut to :data:`MAX_TEXT` characters.

Pydantic is imported when the first type is validated, not with bareasgi, so an
application that never validates a request never loads it.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import types
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeVar, Union, get_type_hints

from typing_extensions import NotRequired, ReadOnly, Required, get_args, get_origin, is_typeddict

from .errors import HttpError

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError
    from pydantic_core import ErrorDetails

T = TypeVar("T")

MAX_ERRORS: Final = 20
"""The most errors a 422 body lists; it says how many more there were."""

MAX_TEXT: Final = 100
"""The most characters of a location part or message in a 422 body."""

_JSON_HEADERS: Final = ((b"content-type", b"application/json"),)

# Messages that carry the text of an exception raised by a user's validator, which is
# not for the client: each is replaced by the plain phrase of its type.
_OPAQUE_TYPES: Final = {"value_error": "Value error", "assertion_error": "Assertion failed"}

_SEQUENCES: Final = frozenset({list, tuple, set, frozenset, Sequence, typing.List, typing.Tuple})


@dataclasses.dataclass(frozen=True, slots=True)
class Shape:
    """How one type is validated: its adapter, and which fields take a list of values.

    ``invalid`` is Pydantic's ``ValidationError``, kept here so that the module need
    not import Pydantic before a type is first validated.
    """

    adapter: TypeAdapter[Any]
    list_fields: frozenset[str]
    invalid: type[ValidationError]

    def from_pairs(self, params: Mapping[str, list[str]]) -> dict[str, str | list[str]]:
        """``params`` as the type's input: every value for a list field, else the first."""
        list_fields = self.list_fields
        return {
            name: values if name in list_fields else values[0] for name, values in params.items()
        }


_shapes: dict[type[object], Shape] = {}
_lock = threading.Lock()


def shape_of(kind: type[object]) -> Shape:
    """The :class:`Shape` of ``kind``, built the first time and then kept."""
    shape = _shapes.get(kind)
    if shape is None:
        with _lock:
            shape = _shapes.get(kind)
            if shape is None:
                from pydantic import TypeAdapter, ValidationError

                shape = _shapes[kind] = Shape(TypeAdapter(kind), _list_fields(kind), ValidationError)
    return shape


def validate_python(kind: type[T], data: object) -> T:
    """``data`` validated as ``kind``; ``HttpError(422)`` naming each fault otherwise."""
    shape = shape_of(kind)
    try:
        value: T = shape.adapter.validate_python(data)
    except shape.invalid as error:
        raise unprocessable(error) from None
    return value


def validate_json(kind: type[T], data: bytes) -> T:
    """JSON text validated as ``kind``: 400 when it is not JSON, 422 when it does not fit."""
    shape = shape_of(kind)
    try:
        value: T = shape.adapter.validate_json(data)
    except shape.invalid as error:
        if any(detail["type"] == "json_invalid" for detail in error.errors(include_url=False)):
            raise HttpError(400, "Request body is not valid JSON") from None
        raise unprocessable(error) from None
    return value


def unprocessable(error: ValidationError) -> HttpError:
    """``HttpError(422)`` with the bounded JSON list of the faults (see the module docstring)."""
    details = error.errors(include_url=False, include_context=False, include_input=False)
    listed = [_detail(detail) for detail in details[:MAX_ERRORS]]
    body: dict[str, object] = {"detail": listed}
    if len(details) > MAX_ERRORS:
        body["more"] = len(details) - MAX_ERRORS
    return HttpError(422, json.dumps(body).encode(), _JSON_HEADERS)


def _detail(detail: ErrorDetails) -> dict[str, object]:
    kind = detail["type"]
    message = _OPAQUE_TYPES.get(kind) or _cut(detail["msg"])
    loc = [part if isinstance(part, int) else _cut(part) for part in detail["loc"]]
    return {"loc": loc, "msg": message, "type": _cut(kind)}


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


# --- Which fields take a list -------------------------------------------------------------


def _list_fields(given: type[object]) -> frozenset[str]:
    """The input names of ``kind``'s fields whose type is a list, tuple or set."""
    from pydantic import BaseModel

    kind: object = given  # at run time maybe no class at all: list[int], a TypedDict
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return frozenset(
            _input_name(name, info.alias, info.validation_alias)
            for name, info in kind.model_fields.items()
            if _is_sequence(info.annotation)
        )
    if (isinstance(kind, type) and dataclasses.is_dataclass(kind)) or is_typeddict(kind):
        hints = get_type_hints(kind, include_extras=True)
        return frozenset(name for name, hint in hints.items() if _is_sequence(hint))
    return frozenset()


def _input_name(name: str, alias: str | None, validation_alias: object) -> str:
    if isinstance(validation_alias, str):
        return validation_alias
    return alias or name


def _is_sequence(hint: object) -> bool:
    """Whether a field typed ``hint`` takes a list (``Optional`` and ``Annotated`` seen through)."""
    origin = get_origin(hint)
    if origin is Annotated or origin is Required or origin is NotRequired or origin is ReadOnly:
        return _is_sequence(get_args(hint)[0])
    if origin is Union or origin is types.UnionType:
        return any(_is_sequence(arg) for arg in get_args(hint) if arg is not type(None))
    return (origin or hint) in _SEQUENCES
