"""json_reader and form_reader: validated bodies, 400, 413 and 422; json_response of models."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from enum import Enum
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typing_extensions import TypedDict

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    form_reader,
    json_reader,
    json_response,
)
from bareasgi.streaming import BytesBody
from bareasgi.testing import TestClient
from bareasgi.types import JsonResponseValue

pytestmark = pytest.mark.anyio


async def body(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


class CreateUser(BaseModel):
    name: str
    age: int
    tags: list[str] = []


@dataclasses.dataclass
class Point:
    x: float
    y: float


class SignUp(TypedDict):
    email: str
    interests: list[str]


async def test_json_reader_validates_the_body_as_the_type() -> None:
    assert await json_reader(body(b'{"name": "Harry", ', b'"age": 40}'), CreateUser) == CreateUser(name="Harry", age=40)
    assert await json_reader(body(b'{"x": 1, "y": 2.5}'), Point) == Point(1.0, 2.5)
    assert await json_reader(body(b"[1, 2, 3]"), list[int]) == [1, 2, 3]


@pytest.mark.parametrize(
    "data",
    [b"", b"{", b'{"name": "Harry", "age": 40', b"\xff\xfe", b"{'name': 'single quotes'}", b"NaNx"],
    ids=["empty", "open-brace", "truncated", "not-utf8", "single-quotes", "garbage"],
)
async def test_malformed_json_is_400(data: bytes) -> None:
    with pytest.raises(HttpError) as caught:
        await json_reader(body(data), CreateUser)
    assert caught.value.status == 400


async def test_json_that_does_not_validate_is_422_naming_each_field() -> None:
    with pytest.raises(HttpError) as caught:
        await json_reader(body(b'{"name": 7, "tags": "x"}'), CreateUser)
    assert caught.value.status == 422
    assert isinstance(caught.value.body, bytes)
    found = json.loads(caught.value.body)
    assert [(error["loc"], error["type"]) for error in found["detail"]] == [
        (["name"], "string_type"),
        (["age"], "missing"),
        (["tags"], "list_type"),
    ]


async def test_a_json_body_over_max_size_is_413_as_soon_as_the_limit_is_crossed() -> None:
    taken = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal taken
        for _ in range(100):
            taken += 1
            yield b" " * 100

    with pytest.raises(HttpError) as caught:
        await json_reader(counted(), CreateUser, max_size=250)
    assert (caught.value.status, taken) == (413, 3)


async def test_a_big_value_is_not_echoed_in_the_422() -> None:
    huge = json.dumps({"name": "x", "age": "9" * 100_000 + "z"}).encode()
    with pytest.raises(HttpError) as caught:
        await json_reader(body(huge), CreateUser)
    assert caught.value.status == 422
    assert isinstance(caught.value.body, bytes) and len(caught.value.body) < 500


async def test_form_reader_without_a_type_gives_every_value() -> None:
    form = await form_reader(body(b"name=Harry+Palmer&tag=a", b"&tag=b&empty="))
    assert form == {"name": ["Harry Palmer"], "tag": ["a", "b"], "empty": [""]}
    assert await form_reader(body()) == {}


async def test_form_reader_with_a_type_validates_it() -> None:
    data = b"email=harry%40example.com&interests=spy&interests=chess"
    assert await form_reader(body(data), SignUp) == {"email": "harry@example.com", "interests": ["spy", "chess"]}
    with pytest.raises(HttpError) as caught:
        await form_reader(body(b"interests=spy"), SignUp)
    assert caught.value.status == 422


async def test_a_form_over_max_size_is_413() -> None:
    with pytest.raises(HttpError) as caught:
        await form_reader(body(b"a=" + b"x" * 100), max_size=50)
    assert caught.value.status == 413


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.lists(st.tuples(st.text(), st.text()), max_size=20))
async def test_a_form_reads_back_what_a_browser_encoded(pairs: list[tuple[str, str]]) -> None:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    assert await form_reader(body(urlencode(pairs).encode())) == grouped


async def test_the_application_limit_applies_when_no_max_size_is_given() -> None:
    app = Application(max_request_body=100)

    async def create(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return json_response(201, None, await json_reader(content, CreateUser))

    app.http_router.add({"POST"}, "/users", create)
    async with TestClient(app) as client:
        small = await client.post("/users", json={"name": "Harry", "age": 40})
        big = await client.post("/users", json={"name": "H" * 200, "age": 40})
        bad = await client.post("/users", json={"name": "Harry"})
    assert (small.status_code, small.json()) == (201, {"name": "Harry", "age": 40, "tags": []})
    assert big.status_code == 413
    assert (bad.status_code, bad.headers["content-type"]) == (422, "application/json")
    assert bad.json() == {"detail": [{"loc": ["age"], "msg": "Field required", "type": "missing"}]}


class Colour(Enum):
    RED = "red"


class Item(BaseModel):
    id: UUID
    when: datetime
    colour: Colour
    point: Point | None = None


ITEM = Item(
    id=UUID("12345678-1234-5678-1234-567812345678"),
    when=datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc),
    colour=Colour.RED,
    point=Point(1, 2),
)
ITEM_JSON = {
    "id": "12345678-1234-5678-1234-567812345678",
    "when": "2024-05-01T12:00:00Z",
    "colour": "red",
    "point": {"x": 1, "y": 2},
}


async def written(obj: JsonResponseValue) -> Any:
    status, headers, content = json_response(200, None, obj)
    data = b"".join([chunk async for chunk in content])
    assert dict(headers)[b"content-type"] == b"application/json"
    assert dict(headers)[b"content-length"] == b"%d" % len(data)
    return json.loads(data)


async def test_json_response_writes_models_and_dataclasses_by_pydantic() -> None:
    assert await written(ITEM) == ITEM_JSON
    assert await written(Point(1.5, 2)) == {"x": 1.5, "y": 2}
    assert await written({"items": [ITEM], "count": 1}) == {"items": [ITEM_JSON], "count": 1}
    assert await written({"plain": [1, "two", None]}) == {"plain": [1, "two", None]}


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_JSON_VALUES)
def test_json_response_writes_a_json_value_byte_for_byte_as_json_dumps_does(value: Any) -> None:
    _, _, content = json_response(200, None, value)
    assert isinstance(content, BytesBody)
    assert content.data == json.dumps(value).encode()


def test_a_json_response_of_a_structure_that_holds_itself_raises() -> None:
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(RecursionError):
        json_response(200, None, looped)
    _, _, content = json_response(200, None, {"id": 42})  # the encoder is none the worse
    assert isinstance(content, BytesBody) and content.data == b'{"id": 42}'


async def test_json_response_still_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="object"):  # Pydantic's serialisation error
        json_response(200, None, {"x": object()})
    with pytest.raises(ValueError, match="type"):
        json_response(200, None, Point)  # type: ignore[arg-type]  # the class, not an instance



def test_without_the_c_encoder_the_text_and_the_answer_to_a_loop_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bareasgi import responses

    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    encode = responses._make_encode()
    value = {"id": 42, "f": float("nan"), "s": "é", "l": [1, None, True], "p": Point(1.5, 2)}
    assert encode(value) == responses._encode(value) == json.dumps(value, default=responses._jsonable)
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(RecursionError):
        encode(looped)
