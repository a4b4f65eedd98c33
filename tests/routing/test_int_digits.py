"""The ``int`` converter reads plain digits itself: its answers must stay Pydantic's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from bareasgi import ConverterRegistry

PYDANTIC_INT = TypeAdapter(int)
CONVERT = ConverterRegistry().get("int", None).convert

# Text around the fast path's edges: digits of every length near its limit, leading
# zeros, signs, spaces, underscores, decimals and non-ASCII digits.
SEGMENTS = st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=25),
    st.text(alphabet="0123456789+-_ .e", min_size=1, max_size=25),
    st.text(min_size=1, max_size=8),
    st.integers().map(str),
)


def pydantic_answer(segment: str) -> object:
    try:
        return PYDANTIC_INT.validate_strings(segment)
    except ValidationError:
        return ValidationError


def converter_answer(segment: str) -> object:
    assert CONVERT is not None
    try:
        return CONVERT(segment)
    except ValidationError:
        return ValidationError


@given(SEGMENTS)
def test_int_converter_answers_as_pydantic(segment: str) -> None:
    assert converter_answer(segment) == pydantic_answer(segment)


@pytest.mark.parametrize(
    "segment",
    ["0", "007", "-5", "+5", " 5", "1_000", "42.0", "٤٢", "9" * 18, "9" * 19, "0" * 5000],
    ids=["zero", "leading-zeros", "negative", "plus", "space", "underscore", "decimal",
         "arabic-digits", "18-digits", "19-digits", "5000-zeros"],
)  # fmt: skip
def test_int_converter_edges(segment: str) -> None:
    answer = converter_answer(segment)
    assert answer == pydantic_answer(segment)
    assert answer is ValidationError or type(answer) is int
