"""Converters: type names in templates, turned into validators (Pydantic's, but for the
built-in numbers, which read one bounded spelling); the registry users extend."""

from __future__ import annotations

import datetime
import json
import math
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, cast, final

from typing_extensions import TypeForm

from ..errors import ConverterError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

# Pydantic is imported where a converter first needs it, not with bareasgi: the
# built-in strings and numbers never do, so an application routing only those starts
# without it (a serverless function or a command pays its import on every start).

# Type names whose values need no conversion: the segment is the value.
UNCONVERTED = frozenset({"str", "path"})

BUILTIN_TYPES: Mapping[str, TypeForm[Any]] = {
    "str": str,
    "path": str,
    "int": int,
    "float": float,
    "bool": bool,
    "decimal": Decimal,
    "uuid": uuid.UUID,
    "date": datetime.date,
    "datetime": datetime.datetime,
    "time": datetime.time,
}

# The types that take a strptime format, and how to narrow a parsed datetime to each.
FORMATTED: Mapping[str, Callable[[datetime.datetime], object]] = {
    "date": datetime.datetime.date,
    "datetime": lambda value: value,
    "time": datetime.datetime.time,
}

# Core schema kinds that hold several values: no single path segment can be one.
_CONTAINER_SCHEMAS = frozenset(
    {
        "list", "tuple", "set", "frozenset", "dict", "generator", "model", "model-fields",
        "dataclass", "dataclass-args", "typed-dict", "arguments", "call", "callable",
    }
)  # fmt: skip


@final
@dataclass(frozen=True, slots=True, eq=False)
class Converter:
    """How a segment becomes a value of one declared type, and a value a segment.

    ``convert`` is ``None`` for the types that need no conversion (``str``, ``path``);
    otherwise it raises ``ValueError`` (Pydantic's ``ValidationError``) for a segment
    that is not a value of the type. ``adapter`` is the Pydantic adapter of the values'
    type (for the built-in strings and numbers, made when first asked for).
    """

    type_name: str
    format: str | None
    value_type: TypeForm[Any]  # the type of the values: what a handler sees in matches
    made_adapter: Callable[[], TypeAdapter[Any]]
    convert: Callable[[str], Any] | None

    @property
    def adapter(self) -> TypeAdapter[Any]:
        """The Pydantic adapter of the values' type."""
        return self.made_adapter()

    def to_segment(self, value: object) -> str:
        """The text that converts back to ``value``; ``ValueError`` if there is none."""
        if self.convert is None:
            if not isinstance(value, str):
                raise ValueError(f"expected str, got {type(value).__name__} {value!r}")
            return value
        typed = self.adapter.validate_python(value)
        dumped = json.loads(self.adapter.dump_json(typed))
        text = dumped if isinstance(dumped, str) else json.dumps(dumped)
        if self.convert(text) != typed:
            raise ValueError(f"{value!r} does not survive the round trip through {text!r}")
        return text


MAX_INT_DIGITS = 20
"""The most digits an ``int`` segment may have: every 64-bit integer, signed or not, fits."""

MAX_FLOAT_LENGTH = 32
"""The most characters a ``float`` segment may have; ``repr`` of any float takes at most 24."""

MAX_DECIMAL_DIGITS = 40
"""The most digits a ``decimal`` segment may have before its exponent."""

MAX_EXPONENT_DIGITS = 3
"""The most digits in the exponent of a ``float`` or ``decimal`` segment (up to 999)."""

# One spelling for each int: no sign but '-', no leading zero, no '-0', ASCII digits only.
_INT = re.compile(rf"0|-?[1-9][0-9]{{0,{MAX_INT_DIGITS - 1}}}").fullmatch
# A number with an optional fraction and exponent, its integer part spelled as an int's
# but for '-0' (-0.0 and Decimal('-0') are values of their own). Groups: the digits
# before the point, and after it.
_NUMBER = re.compile(
    rf"-?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE][-+]?[0-9]{{1,{MAX_EXPONENT_DIGITS}}})?"
).fullmatch


def _int(segment: str) -> int:
    """The ``int`` a segment spells, if it is the one way a path writes that int."""
    # Plain digits, the usual case, are checked without the regular expression, in half
    # the time (of digits, those >= "1" are those not starting with "0"); a '-', a lone
    # '0', and anything to refuse are left to it.
    if segment.isascii() and segment.isdigit() and segment >= "1":
        if len(segment) <= MAX_INT_DIGITS:
            return int(segment)
    if _INT(segment) is None:
        raise ValueError(
            f"should be an integer written as 0, or as an optional '-' and 1 to "
            f"{MAX_INT_DIGITS} ASCII digits, the first not 0"
        )
    return int(segment)


def _float(segment: str) -> float:
    """The finite ``float`` a segment spells in ASCII, with no more than its bounds."""
    if len(segment) <= MAX_FLOAT_LENGTH and _NUMBER(segment) is not None:
        value = float(segment)
        if math.isfinite(value):
            return value
    raise ValueError(
        f"should be a finite number of at most {MAX_FLOAT_LENGTH} characters, written as "
        f"an optional '-', ASCII digits (the first not 0 unless alone), an optional "
        f"fraction and an optional exponent of at most {MAX_EXPONENT_DIGITS} digits"
    )


def _decimal(segment: str) -> Decimal:
    """The ``Decimal`` a segment spells in ASCII, with no more digits than its bounds."""
    # Checked by length first, so a huge segment is refused without reading it.
    found = _NUMBER(segment) if len(segment) <= _MAX_DECIMAL_LENGTH else None
    if found is not None and len(found[1]) + len(found[2] or "") <= MAX_DECIMAL_DIGITS:
        return Decimal(segment)
    raise ValueError(
        f"should be a decimal number of at most {MAX_DECIMAL_DIGITS} digits, written as "
        f"an optional '-', ASCII digits (the first not 0 unless alone), an optional "
        f"fraction and an optional exponent of at most {MAX_EXPONENT_DIGITS} digits"
    )


# '-', the digits, '.', 'e', the exponent's sign and its digits.
_MAX_DECIMAL_LENGTH = MAX_DECIMAL_DIGITS + MAX_EXPONENT_DIGITS + 4

# The built-in numeric types read their own bounded, ASCII spelling rather than
# Pydantic's lax one (signs, spaces, underscores, any Unicode digit, 'nan', 'inf',
# exponents without bound): one spelling a proxy rule or a cache key can rely on.
_NUMERIC: Mapping[str, Callable[[str], Any]] = {"int": _int, "float": _float, "decimal": _decimal}


def _strptime(fmt: str, narrow: Callable[[datetime.datetime], object], value: object) -> object:
    if isinstance(value, str):
        return narrow(datetime.datetime.strptime(value, fmt))
    return value


def _check_format(fmt: str) -> None:
    """Raise ``ValueError`` unless strptime can read back what strftime writes with ``fmt``.

    strptime checks a format only when it first parses with it, and some faults it
    reports as ``re.error``, not ``ValueError`` (a directive used twice, as in
    ``%Y%Y``): found per request, such a format would fail every request on its route.
    """
    sample = datetime.datetime(2001, 2, 3, 4, 5, 6, 7000, tzinfo=datetime.timezone.utc)
    try:
        datetime.datetime.strptime(sample.strftime(fmt), fmt)
    except (ValueError, re.error) as error:
        raise ValueError(f"strptime cannot read the format {fmt!r}: {error}") from error


def _schema_kinds(schema: Mapping[str, Any]) -> Iterator[str]:
    """Every schema kind that a core schema can end up validating with."""
    yield schema["type"]
    for key in ("schema", "lax_schema", "python_schema"):
        if isinstance(schema.get(key), Mapping):
            yield from _schema_kinds(schema[key])
    for key in ("choices", "steps", "definitions"):
        for item in schema.get(key, ()):
            child = cast(object, item[0] if isinstance(item, tuple) else item)
            if isinstance(child, Mapping):
                yield from _schema_kinds(cast("Mapping[str, Any]", child))


@final
class ConverterRegistry:
    """The type names an application's templates may use, built-in and registered.

    One registry is shared by the HTTP and WebSocket routers of an application;
    converters are built once per type name and format, and reused by every template.
    """

    def __init__(self, types: Mapping[str, TypeForm[Any]] | None = None) -> None:
        self._types: dict[str, TypeForm[Any]] = dict(BUILTIN_TYPES)
        self._built: dict[tuple[str, str | None], Converter] = {}
        for name, type_ in (types or {}).items():
            self.add(name, type_)

    def add(self, name: str, type_: TypeForm[Any]) -> None:
        """Register ``type_`` (anything Pydantic validates from a string) as ``name``."""
        given: object = name  # checked as any object: callers are not always typed
        if not isinstance(given, str) or not given.isidentifier():
            raise ConverterError(f"converter name {name!r} must be an identifier")
        if name in BUILTIN_TYPES:
            raise ConverterError(f"converter name {name!r} clashes with the built-in type")
        if name in self._types:
            raise ConverterError(f"converter name {name!r} is already registered")
        from pydantic import TypeAdapter
        from pydantic.errors import PydanticUserError

        try:
            adapter: TypeAdapter[Any] = TypeAdapter(type_)
        except (PydanticUserError, TypeError) as error:
            raise ConverterError(
                f"converter {name!r}: Pydantic cannot validate {type_!r}: {error}"
            ) from error
        containers = _CONTAINER_SCHEMAS.intersection(_schema_kinds(adapter.core_schema))
        if containers:
            raise ConverterError(
                f"converter {name!r}: {type_!r} is a {'/'.join(sorted(containers))}, "
                "which cannot be read from one path segment"
            )
        self._types[name] = type_
        self._built[(name, None)] = Converter(
            name, None, type_, _given(adapter), adapter.validate_strings
        )

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def names(self) -> list[str]:
        """Every type name known, sorted."""
        return sorted(self._types)

    def get(self, name: str, format: str | None) -> Converter:
        """The converter for ``name`` with ``format``; ``KeyError`` or ``ValueError`` if none."""
        key = (name, format)
        converter = self._built.get(key)
        if converter is None:
            converter = self._built[key] = self._build(name, format)
        return converter

    def _build(self, name: str, format: str | None) -> Converter:
        type_ = self._types[name]
        if format is None:
            if name in UNCONVERTED or name in _NUMERIC:
                convert = None if name in UNCONVERTED else _NUMERIC[name]
                return Converter(name, None, type_, _made_when_asked(type_), convert)
            from pydantic import TypeAdapter

            adapter: TypeAdapter[Any] = TypeAdapter(type_)
            return Converter(name, None, type_, _given(adapter), adapter.validate_strings)
        narrow = FORMATTED.get(name)
        if narrow is None:
            raise ValueError(f"type {name!r} takes no format (only {', '.join(FORMATTED)} do)")
        _check_format(format)
        from pydantic import BeforeValidator, PlainSerializer, TypeAdapter

        formatted: Any = Annotated[
            type_,  # a type held in a variable: one of FORMATTED
            BeforeValidator(partial(_strptime, format, narrow)),
            PlainSerializer(lambda value: value.strftime(format), return_type=str),
        ]
        adapter = TypeAdapter(formatted)
        return Converter(name, format, type_, _given(adapter), adapter.validate_strings)


def _given(adapter: TypeAdapter[Any]) -> Callable[[], TypeAdapter[Any]]:
    return lambda: adapter


def _made_when_asked(type_: TypeForm[Any]) -> Callable[[], TypeAdapter[Any]]:
    """The adapter of ``type_``, made (importing Pydantic) the first time it is asked for."""
    made: list[TypeAdapter[Any]] = []

    def adapter() -> TypeAdapter[Any]:
        if not made:
            from pydantic import TypeAdapter

            made.append(TypeAdapter(type_))
        return made[0]

    return adapter
