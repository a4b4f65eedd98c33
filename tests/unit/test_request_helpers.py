"""Reading the scope: header, header_values, query_params, query and cookies."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import Annotated, Optional
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, field_validator
from typing_extensions import NotRequired, TypedDict

from bareasgi import HttpError, cookies, header, header_values, query, query_params
from bareasgi.validation import MAX_ERRORS, MAX_TEXT, shape_of

from .peer import http_scope

HEADERS = [(b"accept", b"text/html"), (b"user-agent", b"curl"), (b"accept", b"application/json")]


def test_header_gives_the_first_value_or_none() -> None:
    scope = http_scope(headers=HEADERS)
    assert header(scope, b"accept") == b"text/html"
    assert header(scope, b"user-agent") == b"curl"
    assert header(scope, b"x-missing") is None


def test_header_values_gives_every_value_in_order() -> None:
    scope = http_scope(headers=HEADERS)
    assert header_values(scope, b"accept") == [b"text/html", b"application/json"]
    assert header_values(scope, b"x-missing") == []


def test_an_upper_case_header_name_is_a_mistake_named_at_once() -> None:
    scope = http_scope(headers=HEADERS)
    with pytest.raises(ValueError, match="b'User-Agent'"):
        header(scope, b"User-Agent")
    with pytest.raises(ValueError, match="b'Accept'"):
        header_values(scope, b"Accept")


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        (b"", {}),
        (b"a=1&b=2&a=3", {"a": ["1", "3"], "b": ["2"]}),
        (b"q=&flag", {"q": [""], "flag": [""]}),
        (b"name=Harry+Palmer&city=%C3%A9", {"name": ["Harry Palmer"], "city": ["é"]}),
        (b"a%26b=c%3Dd", {"a&b": ["c=d"]}),
        (b"&&a=1&", {"a": ["1"]}),
        (b"bad=%FF", {"bad": ["\ufffd"]}),
        ("raw=\u00e9".encode(), {"raw": ["é"]}),
    ],
    ids=["empty", "repeated", "blank-kept", "escapes", "escaped-separators", "empty-pairs", "not-utf8", "raw-utf8"],
)
def test_query_params(query_string: bytes, expected: dict[str, list[str]]) -> None:
    assert query_params(http_scope(query_string=query_string)) == expected


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_query_params_reads_any_ascii_query_as_the_standard_library_does(text: str) -> None:
    expected = parse_qs(text, keep_blank_values=True, errors="replace")
    assert query_params(http_scope(query_string=text.encode())) == expected


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.lists(st.tuples(st.text(), st.text())))
def test_an_encoded_query_reads_back_to_its_pairs(pairs: list[tuple[str, str]]) -> None:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    encoded = urlencode(pairs).encode()
    assert query_params(http_scope(query_string=encoded)) == grouped


class Paging(BaseModel):
    page: int = 1
    size: Annotated[int, Field(le=100)] = 10
    tag: list[str] = []
    sort: Optional[str] = None  # noqa: UP045 - an Optional is seen through as a union is


@dataclasses.dataclass
class PagingData:
    page: int = 1
    tag: tuple[str, ...] = ()


class PagingDict(TypedDict):
    page: int
    tag: NotRequired[list[str]]


class Aliased(BaseModel):
    page_size: int = Field(default=10, alias="page-size")
    ids: list[int] = Field(default=[], alias="id")


def test_query_validates_a_model_lists_taking_every_value() -> None:
    scope = http_scope(query_string=b"page=2&tag=a&tag=b&sort=title&page=9")
    assert query(scope, Paging) == Paging(page=2, tag=["a", "b"], sort="title")
    assert query(http_scope(), Paging) == Paging()


def test_query_validates_a_dataclass_and_a_typeddict() -> None:
    scope = http_scope(query_string=b"page=3&tag=x&tag=y")
    assert query(scope, PagingData) == PagingData(page=3, tag=("x", "y"))
    assert query(scope, PagingDict) == {"page": 3, "tag": ["x", "y"]}


def test_query_reads_fields_by_their_alias() -> None:
    scope = http_scope(query_string=b"page-size=5&id=1&id=2")
    assert query(scope, Aliased) == Aliased.model_validate({"page-size": 5, "id": [1, 2]})


def unprocessable(error: HttpError) -> dict[str, object]:
    assert error.status == 422
    assert dict(error.headers)[b"content-type"] == b"application/json"
    assert isinstance(error.body, bytes)
    found: dict[str, object] = json.loads(error.body)
    return found


def test_a_query_that_does_not_validate_is_422_listing_each_field() -> None:
    with pytest.raises(HttpError) as caught:
        query(http_scope(query_string=b"page=two&size=500"), Paging)
    assert unprocessable(caught.value) == {
        "detail": [
            {"loc": ["page"], "msg": "Input should be a valid integer, unable to parse string as an integer", "type": "int_parsing"},
            {"loc": ["size"], "msg": "Input should be less than or equal to 100", "type": "less_than_equal"},
        ]
    }  # fmt: skip
    with pytest.raises(HttpError) as missing:
        query(http_scope(), PagingDict)
    assert unprocessable(missing.value)["detail"] == [{"loc": ["page"], "msg": "Field required", "type": "missing"}]


class Checked(BaseModel):
    code: str

    @field_validator("code")
    @classmethod
    def known(cls, value: str) -> str:
        raise ValueError(f"secret internals: {value}")


def test_a_422_never_carries_the_input_or_a_validators_exception_text() -> None:
    huge = "x" * 1_000_000
    with pytest.raises(HttpError) as caught:
        query(http_scope(query_string=f"code={huge}".encode()), Checked)
    assert unprocessable(caught.value) == {"detail": [{"loc": ["code"], "msg": "Value error", "type": "value_error"}]}
    assert isinstance(caught.value.body, bytes) and b"secret" not in caught.value.body


class Strict(BaseModel, extra="forbid"):
    n: list[int] = []


def test_a_422_stays_small_whatever_the_input() -> None:
    # A thousand bad values, and an unknown field whose name is a megabyte long.
    params = [("n", "x")] * 1000 + [("k" * 1_000_000, "1")]
    with pytest.raises(HttpError) as caught:
        query(http_scope(query_string=urlencode(params).encode()), Strict)
    found = unprocessable(caught.value)
    assert isinstance(caught.value.body, bytes) and len(caught.value.body) < 10_000
    detail = found["detail"]
    assert isinstance(detail, list) and len(detail) == MAX_ERRORS
    assert found["more"] == 1001 - MAX_ERRORS
    assert all(len(part) <= MAX_TEXT for error in detail for part in error["loc"] if isinstance(part, str))


def test_a_types_adapter_is_built_once() -> None:
    assert shape_of(Paging) is shape_of(Paging)
    assert shape_of(Paging).list_fields == {"tag"}
    assert shape_of(PagingData).list_fields == {"tag"}
    assert shape_of(PagingDict).list_fields == {"tag"}
    assert shape_of(Aliased).list_fields == {"id"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([b"a=1; b=2"], {"a": "1", "b": "2"}),
        ([b"a=1", b"b=2"], {"a": "1", "b": "2"}),
        ([b'quoted="hello"'], {"quoted": "hello"}),
        ([b"a=1;b=2;  c=3 "], {"a": "1", "b": "2", "c": "3"}),
        ([b"a=1; a=2"], {"a": "1"}),
        ([b"empty="], {"empty": ""}),
        ([b"noequals; a=1"], {"a": "1"}),
        ([b"=nameless; a=1"], {"a": "1"}),
        ([b"sp ace=1; a=1"], {"a": "1"}),
        ([b"bad=a b; a=1"], {"a": "1"}),
        ([b'bad="unclosed; a=1'], {"a": "1"}),
        ([b"bad=a,b; bad2=a\\b; a=1"], {"a": "1"}),
        ([b"bad=\xe9; a=1"], {"a": "1"}),
        (["utf8=\u00e9".encode()], {"utf8": "é"}),
        ([b"a=b=c"], {"a": "b=c"}),
        ([b""], {}),
    ],
    ids=[
        "two", "two-headers", "quoted", "loose-spacing", "first-wins", "empty-value",
        "no-equals", "no-name", "space-in-name", "space-in-value", "unclosed-quote",
        "comma-backslash", "not-utf8", "utf8", "equals-in-value", "empty",
    ],
)  # fmt: skip
def test_cookies(headers: list[bytes], expected: dict[str, str]) -> None:
    scope = http_scope(headers=[(b"cookie", value) for value in headers])
    assert cookies(scope) == expected


def test_cookies_reads_only_the_cookie_header() -> None:
    assert cookies(http_scope(headers=[(b"set-cookie", b"a=1"), (b"x-cookie", b"b=2")])) == {}


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.binary())
def test_any_cookie_header_reads_without_raising(value: bytes) -> None:
    found = cookies(http_scope(headers=[(b"cookie", value)]))
    assert all(name and ";" not in name and ";" not in text for name, text in found.items())


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.dictionaries(st.from_regex(r"[A-Za-z0-9_\-]+", fullmatch=True), st.from_regex(r"[A-Za-z0-9._\-]*", fullmatch=True)))
def test_cookies_written_as_a_browser_does_read_back(jar: dict[str, str]) -> None:
    value = "; ".join(f"{name}={text}" for name, text in jar.items()).encode()
    assert cookies(http_scope(headers=[(b"cookie", value)])) == jar


UNTYPED_PROBE = """
import sys
from bareasgi import cookies, header, query_params, set_cookie
scope = {"headers": [(b"cookie", b"a=1")], "query_string": b"q=1"}
assert (header(scope, b"cookie"), query_params(scope), cookies(scope)) == (b"a=1", {"q": ["1"]}, {"a": "1"})
set_cookie("a", "1")
print("pydantic" in sys.modules, "pydantic_core" in sys.modules)
"""


def test_the_untyped_helpers_never_import_pydantic() -> None:
    done = subprocess.run([sys.executable, "-c", UNTYPED_PROBE], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
