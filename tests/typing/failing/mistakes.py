"""Everyday slips in handlers, middleware and lifespan handlers."""

from __future__ import annotations

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpResponse,
    HttpScope,
    Info,
    LifespanEvent,
    RouteMatches,
    Scope,
    WebSocket,
    WebSocketScope,
    bytes_reader,
    text_writer,
)

app = Application()


async def forgot_await(
    scope: Scope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    return handler(scope, info, matches, content)  # E: Incompatible return value type


async def unpacks_three(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    status, headers, body = await handler(scope, info, matches, content)  # E: Too many values to unpack
    return status, headers, body


async def typo_in_scope_key(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200 if scope["mehtod"] == "GET" else 405  # E: TypedDict "HttpScope" has no key "mehtod"


async def body_from_bytes(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, None, text_writer(b"hello")  # E: Argument 1 to "text_writer"


async def limit_as_text(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    await bytes_reader(content, max_size="1M")  # E: Argument "max_size" to "bytes_reader"
    return 204


async def sends_a_number(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.accept()
    await web_socket.send(42)  # E: Argument 1 to "send" of "WebSocket"


async def receives_text_only(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    text: str = await web_socket.receive()  # E: Incompatible types in assignment
    await web_socket.send(text.upper())


async def startup_with_http_scope(scope: HttpScope, info: Info, message: LifespanEvent) -> None:
    pass


app.on_startup(startup_with_http_scope)  # E: Argument 1 to "on_startup"


async def call_without_content(scope: HttpScope, content: Content) -> HttpResponse:
    handler, matches = app.http_router.resolve("GET", "/x")
    return await handler(scope, app.info, matches)  # E: Too few arguments for "__call__" of "HttpRequestCallback"
