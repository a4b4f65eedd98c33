"""The request helpers: what each gives back is known to the type checker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel
from typing_extensions import TypedDict, assert_type

from bareasgi import (
    Content,
    Header,
    HttpResponse,
    HttpScope,
    Info,
    Part,
    RouteMatches,
    cookies,
    decode_cookies,
    decode_set_cookie,
    delete_cookie,
    encode_cookies,
    encode_set_cookie,
    form_reader,
    header,
    header_values,
    json_reader,
    json_response,
    multipart_reader,
    query,
    query_params,
    set_cookie,
)


class Paging(BaseModel):
    page: int = 1
    tag: list[str] = []


@dataclass
class Point:
    x: float
    y: float


class SignUp(TypedDict):
    email: str
    interests: list[str]


async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    assert_type(header(scope, b"user-agent"), "bytes | None")
    assert_type(header_values(scope, b"accept"), "list[bytes]")
    assert_type(query_params(scope), "dict[str, list[str]]")
    assert_type(query(scope, Paging), Paging)
    assert_type(query(scope, Point), Point)
    assert_type(query(scope, SignUp), SignUp)
    assert_type(cookies(scope), "dict[str, str]")
    assert_type(await json_reader(content, Paging), Paging)
    assert_type(await json_reader(content, Point, max_size=1000), Point)
    assert_type(await json_reader(content, list[int]), "list[int]")
    assert_type(await form_reader(content), "dict[str, list[str]]")
    assert_type(await form_reader(content, max_size=1000), "dict[str, list[str]]")
    assert_type(await form_reader(content, SignUp), SignUp)
    async for part in multipart_reader(scope, content, max_size=10_000_000):
        assert_type(part, Part)
        assert_type(part.name, str)
        assert_type(part.filename, "str | None")
        assert_type(part.content_type, "str | None")
        assert_type(await part.read(), bytes)
        async for chunk in part:
            assert_type(chunk, bytes)
    cookie: Header = set_cookie("session", "abc", max_age=timedelta(hours=1), httponly=True, samesite="strict")
    gone: Header = delete_cookie("session")
    return json_response(200, [cookie, gone], Point(1, 2))


def legacy() -> None:
    assert_type(encode_set_cookie(b"a", b"1", expires=datetime(2030, 1, 1), same_site=b"Lax"), bytes)
    assert_type(decode_set_cookie(b"a=1")["name"], "bytes | str | bool | datetime | timedelta")
    assert_type(encode_cookies({b"a": [b"1"]}), bytes)
    assert_type(decode_cookies(b"a=1"), "dict[bytes, list[bytes]]")
