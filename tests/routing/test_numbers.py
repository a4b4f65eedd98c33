"""The built-in numbers read one bounded ASCII spelling; registered types stay Pydantic's.

Pydantic's lax reading of a string takes signs, spaces, underscores, any Unicode digit,
``nan``, ``inf`` and exponents without bound: several spellings of one value (which
defeat proxy rules and cache keys) and values that cost a handler seconds of CPU or a
gigabyte to format. The built-in ``int``, ``float`` and ``decimal`` refuse all of it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bareasgi import ConverterRegistry, HttpTreeRouter
from bareasgi.routing.converters import (
    MAX_DECIMAL_DIGITS,
    MAX_EXPONENT_DIGITS,
    MAX_FLOAT_LENGTH,
    MAX_INT_DIGITS,
)

from .support import make_handler
from .test_properties import BOUNDED_DECIMALS

REGISTRY = ConverterRegistry()


def converted(type_name: str, segment: str) -> object:
    """What the built-in converter gives for ``segment``, or ``ValueError``."""
    convert = REGISTRY.get(type_name, None).convert
    assert convert is not None
    try:
        return convert(segment)
    except ValueError:
        return ValueError


def canonical_int(segment: str) -> object:
    """The int whose one spelling ``segment`` is (what Python writes), else ``ValueError``."""
    try:
        value = int(segment)  # as lax as Pydantic: signs, spaces, '_', Unicode digits
    except ValueError:
        return ValueError
    if str(value) != segment or len(segment.lstrip("-")) > MAX_INT_DIGITS:
        return ValueError
    return value


INT_LIKE = st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=25),
    st.text(alphabet="0123456789+-_ .e", min_size=1, max_size=25),
    st.text(min_size=1, max_size=8),
    st.integers().map(str),
)
NUMBER_LIKE = st.one_of(
    st.text(alphabet="0123456789+-_ .eE", min_size=1, max_size=40),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "sNaN", "1e400", "٤٢", "0x10"]),
    st.text(min_size=1, max_size=8),
    st.floats().map(repr),
)


@given(INT_LIKE)
def test_int_takes_exactly_the_spelling_python_writes(segment: str) -> None:
    answer = converted("int", segment)
    assert answer == canonical_int(segment)
    assert answer is ValueError or type(answer) is int


@given(st.integers(-(10**MAX_INT_DIGITS) + 1, 10**MAX_INT_DIGITS - 1))
def test_every_int_within_the_bound_reads_back(value: int) -> None:
    assert converted("int", str(value)) == value


@pytest.mark.parametrize(
    "segment",
    ["007", "-0", "+1", " 1", "1 ", "1_0", "٤٢", "１", "1e3", "0x10", "9" * (MAX_INT_DIGITS + 1),
     "", "-", "0" * 5000],
    ids=["leading-zeros", "minus-zero", "plus", "space-before", "space-after", "underscore",
         "arabic-indic-digits", "fullwidth-digit", "exponent", "hex", "too-long", "empty",
         "minus-alone", "5000-zeros"],
)  # fmt: skip
def test_int_refuses_other_spellings(segment: str) -> None:
    assert converted("int", segment) is ValueError


@pytest.mark.parametrize(
    ("segment", "expected"),
    [("0", 0), ("42", 42), ("-42", -42), ("9" * MAX_INT_DIGITS, 10**MAX_INT_DIGITS - 1),
     ("-" + "9" * MAX_INT_DIGITS, -(10**MAX_INT_DIGITS) + 1), ("18446744073709551615", 2**64 - 1)],
    ids=["zero", "positive", "negative", "longest", "longest-negative", "max-uint64"],
)  # fmt: skip
def test_int_reads_its_spelling(segment: str, expected: int) -> None:
    assert converted("int", segment) == expected


@given(NUMBER_LIKE)
def test_float_is_finite_ascii_and_bounded(segment: str) -> None:
    answer = converted("float", segment)
    if answer is ValueError:
        return
    assert isinstance(answer, float)
    assert math.isfinite(answer)
    assert segment.isascii() and len(segment) <= MAX_FLOAT_LENGTH
    assert set(segment) <= set("0123456789.-+eE")
    assert answer == float(segment)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_reads_back_from_repr(value: float) -> None:
    assert converted("float", repr(value)) == value


@pytest.mark.parametrize(
    "segment",
    ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e1000", ".5", "5.",
     "+1.5", " 1.5", "1_0.5", "01.5", "٤.٥", "1.5e", "0x1p3", "1" * (MAX_FLOAT_LENGTH + 1), ""],
    ids=["nan", "nan-capitals", "minus-nan", "inf", "minus-inf", "infinity", "overflows",
         "overflows-negative", "exponent-too-long", "no-integer-part", "no-fraction-digits",
         "plus", "space", "underscore", "leading-zero", "arabic-indic-digits", "bare-exponent",
         "hex-float", "too-long", "empty"],
)  # fmt: skip
def test_float_refuses(segment: str) -> None:
    assert converted("float", segment) is ValueError


@pytest.mark.parametrize(
    ("segment", "expected"),
    [("1.5", 1.5), ("-2.25", -2.25), ("3", 3.0), ("0", 0.0), ("-0.0", -0.0), ("1e3", 1e3),
     ("1E3", 1e3), ("1e+16", 1e16), ("1e-05", 1e-5), ("-1.7976931348623157e+308", -1.7976931348623157e308)],
    ids=["fraction", "negative", "integer", "zero", "minus-zero", "exponent", "capital-exponent",
         "repr-exponent", "exponent-leading-zero", "largest-negative"],
)  # fmt: skip
def test_float_reads_its_spelling(segment: str, expected: float) -> None:
    assert converted("float", segment) == expected


@given(NUMBER_LIKE)
def test_decimal_is_ascii_and_bounded(segment: str) -> None:
    answer = converted("decimal", segment)
    if answer is ValueError:
        return
    assert isinstance(answer, Decimal)
    assert answer.is_finite()
    assert segment.isascii()
    mantissa, _, exponent = segment.lower().partition("e")
    assert sum(character.isdigit() for character in mantissa) <= MAX_DECIMAL_DIGITS
    assert len(exponent.lstrip("+-")) <= MAX_EXPONENT_DIGITS
    assert answer == Decimal(segment)


@given(BOUNDED_DECIMALS)
def test_decimals_within_the_bounds_read_back_digit_for_digit(value: Decimal) -> None:
    answer = converted("decimal", str(value))
    assert isinstance(answer, Decimal)
    assert str(answer) == str(value)


@pytest.mark.parametrize(
    "segment",
    ["1e1000000", "1E+999999999", "1e1000", "NaN", "sNaN", "-Infinity", "inf", "٤٢", "1.2.3",
     "+1", " 1", "1_0", "01", ".5", "9" * (MAX_DECIMAL_DIGITS + 1), "0." + "0" * MAX_DECIMAL_DIGITS,
     "9" * 50_000, ""],
    ids=["exponent-of-a-million", "exponent-of-a-billion", "four-digit-exponent", "nan",
         "signalling-nan", "minus-infinity", "inf", "arabic-indic-digits", "two-points", "plus",
         "space", "underscore", "leading-zero", "no-integer-part", "too-many-digits",
         "too-many-fraction-digits", "huge", "empty"],
)  # fmt: skip
def test_decimal_refuses(segment: str) -> None:
    assert converted("decimal", segment) is ValueError


@pytest.mark.parametrize(
    ("segment", "expected"),
    [("1.50", "1.50"), ("-2", "-2"), ("-0", "-0"), ("0E-7", "0E-7"), ("1e999", "1E+999"),
     ("1E-999", "1E-999"), ("9" * MAX_DECIMAL_DIGITS, "9" * MAX_DECIMAL_DIGITS)],
    ids=["keeps-its-digits", "negative", "minus-zero", "zero-with-exponent", "largest-exponent",
         "smallest-exponent", "most-digits"],
)  # fmt: skip
def test_decimal_reads_its_spelling(segment: str, expected: str) -> None:
    answer = converted("decimal", segment)
    assert isinstance(answer, Decimal)
    assert str(answer) == expected


def test_a_huge_decimal_never_reaches_the_handler() -> None:
    """The attack: int() of Decimal('1e1000000') burns half a minute of CPU."""
    router = HttpTreeRouter()
    router.add({"GET"}, "/pay/{amount:decimal}", make_handler())
    assert router.resolve("GET", "/pay/1e1000000") == (router.not_found, {})
    assert router.resolve("GET", "/pay/1E+999999999") == (router.not_found, {})


def test_nan_and_inf_never_reach_the_handler() -> None:
    """The attack: ``amount > limit`` is False for nan, so a limit check lets it pass."""
    router = HttpTreeRouter()
    router.add({"GET"}, "/pay/{amount:float}", make_handler())
    for segment in ("nan", "inf", "-inf", "1e999"):
        assert router.resolve("GET", f"/pay/{segment}") == (router.not_found, {}), segment


@pytest.mark.parametrize(
    ("type_", "segment", "expected"),
    [(int, "+1", 1), (int, " 1", 1), (int, "1_0", 10), (int, "007", 7), (float, "inf", math.inf),
     (Decimal, "1e5", Decimal("1e5"))],
    ids=["int-plus", "int-space", "int-underscore", "int-leading-zeros", "float-inf",
         "decimal-exponent"],
)  # fmt: skip
def test_registered_numbers_keep_pydantic_reading(type_: Any, segment: str, expected: object) -> None:
    """A user who registers Pydantic's own int, float or Decimal gets Pydantic's reading."""
    router = HttpTreeRouter(ConverterRegistry({"lax": type_}))
    handler = make_handler()
    router.add({"GET"}, "/v/{value:lax}", handler)
    assert router.resolve("GET", f"/v/{segment}") == (handler, {"value": expected})


def test_registered_float_still_takes_nan() -> None:
    router = HttpTreeRouter(ConverterRegistry({"lax": float}))
    router.add({"GET"}, "/v/{value:lax}", make_handler())
    _, matches = router.resolve("GET", "/v/nan")
    assert math.isnan(matches["value"])


@pytest.mark.parametrize(
    ("template", "value", "fault"),
    [("/n/{x:int}", 10**MAX_INT_DIGITS, "bad value for 'x' (int): should be an integer"),
     ("/n/{x:decimal}", Decimal("1e1000000"), "bad value for 'x' (decimal)"),
     ("/n/{x:decimal}", Decimal("1" * (MAX_DECIMAL_DIGITS + 1)), "bad value for 'x' (decimal)")],
    ids=["int-too-long", "decimal-exponent-too-big", "decimal-too-many-digits"],
)  # fmt: skip
def test_url_for_refuses_a_number_the_path_could_not_carry(template: str, value: object, fault: str) -> None:
    router = HttpTreeRouter()
    router.add({"GET"}, template, make_handler(), name="n")
    with pytest.raises(ValueError) as raised:
        router.url_for("n", x=value)
    assert repr(template) in str(raised.value)
    assert fault in str(raised.value)
