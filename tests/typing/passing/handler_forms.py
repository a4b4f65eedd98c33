"""Every response form, any parameter names, narrower return types, decorators."""

from __future__ import annotations

from collections.abc import AsyncIterator

from bareasgi import (
    Application,
    Content,
    Headers,
    HttpResponse,
    HttpScope,
    Info,
    PushResponses,
    RouteMatches,
    Scope,
    bytes_response,
    json_response,
    text_response,
    text_writer,
)

app = Application()


async def status_only(_scope: HttpScope, _info: Info, _matches: RouteMatches, _body: Content) -> int:
    return 204


async def status_tuple(scope: Scope, request_info: Info, m: RouteMatches, c: Content) -> tuple[int]:
    return (204,)


async def with_headers(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> tuple[int, list[tuple[bytes, bytes]]]:
    return 201, [(b"location", b"/things/1")]


async def no_headers(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, None, None


async def chunks() -> AsyncIterator[bytes]:
    yield b"one"
    yield b"two"


async def streamed(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], chunks()


async def pushed(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    pushes: PushResponses = [("/style.css", [(b"accept", b"text/css")])]
    headers: Headers = [(b"content-type", b"text/html")]
    return 200, headers, text_writer("<link rel=stylesheet href=/style.css>"), pushes


async def echo(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, None, content


async def helpers(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    if scope["method"] == "HEAD":
        return text_response(200, None, "hello")
    if scope["path"].endswith(".json"):
        return json_response(200, [(b"cache-control", b"no-store")], {"hello": "world"})
    return bytes_response(200, None, b"\x00")


for path, handler in [("/a", status_only), ("/b", streamed), ("/c", pushed), ("/d", echo)]:
    app.http_router.add({"GET"}, path, handler)
app.http_router.add({"GET"}, "/e", status_tuple)
app.http_router.add({"GET", "HEAD"}, "/f", with_headers)
app.http_router.add(frozenset({"PUT"}), "/g", no_headers, name="g")
app.http_router.add({"GET", "HEAD"}, "/h", helpers)


@app.on_http_request({"GET"}, "/decorated/<id:int>")
async def decorated(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> int:
    return 200 if matches["id"] > 0 else 404


async def call_the_decorated(scope: HttpScope, content: Content) -> int:
    # The decorator gives the function back, with its narrower return type.
    status: int = await decorated(scope, app.info, {"id": 1}, content)
    return status


g_path: str = app.http_router.url_for("g")
