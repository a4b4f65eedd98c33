"""The request helpers used wrongly."""

from __future__ import annotations

from pydantic import BaseModel

from bareasgi import (
    Content,
    HttpScope,
    cookies,
    decode_cookies,
    delete_cookie,
    encode_cookies,
    encode_set_cookie,
    form_reader,
    header,
    header_values,
    json_reader,
    multipart_reader,
    query,
    query_params,
    set_cookie,
)


class Paging(BaseModel):
    page: int = 1


async def misuse(scope: HttpScope, content: Content) -> None:
    header(scope, "user-agent")  # E: Argument 2 to "header" has incompatible type "str"; expected "bytes"
    first: bytes = header_values(scope, b"accept")  # E: Incompatible types in assignment (expression has type "list[bytes]", variable has type "bytes")
    tag: str = query_params(scope)["tag"]  # E: Incompatible types in assignment (expression has type "list[str]", variable has type "str")
    page: str = query(scope, Paging)  # E: Incompatible types in assignment (expression has type "Paging", variable has type "str")
    size: int = query(scope, Paging).size  # E: "Paging" has no attribute "size"
    user: Paging = json_reader(content, Paging)  # E: Incompatible types in assignment (expression has type "Coroutine
    name: bytes = cookies(scope)["session"]  # E: Incompatible types in assignment (expression has type "str", variable has type "bytes")
    form: dict[str, str] = await form_reader(content)  # E: Incompatible types in assignment
    async for part in multipart_reader(scope, content):
        text: str = await part.read()  # E: Incompatible types in assignment (expression has type "bytes", variable has type "str")
        part.filename.lower()  # E: Item "None" of "str | None" has no attribute "lower"
    set_cookie("session", "abc", samesite="loose")  # E: Argument "samesite" to "set_cookie" has incompatible type
    set_cookie(b"session", b"abc")  # E: Argument 1 to "set_cookie" has incompatible type "bytes"; expected "str"
    encode_set_cookie("session", "abc")  # E: Argument 1 to "encode_set_cookie" has incompatible type "str"; expected "bytes"
    delete_cookie("session", max_age=0)  # E: Unexpected keyword argument "max_age" for "delete_cookie"
    jar: dict[str, str] = decode_cookies(b"a=1")  # E: Incompatible types in assignment
    encode_cookies({b"a": b"1"})  # E: Dict entry 0 has incompatible type "bytes": "bytes"; expected "bytes": "list[bytes]"
