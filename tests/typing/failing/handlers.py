"""Handlers that do not fit the contract."""

from __future__ import annotations

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    text_writer,
)

app = Application()


async def three_parameters(scope: HttpScope, info: Info, matches: RouteMatches) -> HttpResponse:
    return 204


async def content_as_text(scope: HttpScope, info: Info, matches: RouteMatches, content: str) -> HttpResponse:
    return 204


def not_async(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def text_headers(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [("content-type", "text/plain")], text_writer("hello")  # E: Incompatible return value type


async def status_as_text(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return "200 OK"  # E: Incompatible return value type


async def ws_handler(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.close()


async def http_handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


app.http_router.add({"GET"}, "/a", three_parameters)  # E: Argument 3 to "add"
app.http_router.add({"GET"}, "/b", content_as_text)  # E: Argument 3 to "add"
app.http_router.add({"GET"}, "/c", not_async)  # E: Argument 3 to "add"
app.http_router.add({"GET"}, "/d", ws_handler)  # E: Argument 3 to "add"
app.ws_router.add("/e", http_handler)  # E: Argument 2 to "add"
app.http_router.add("GET", "/f", http_handler)  # E: Argument 1 to "add"
app.on_http_request({"GET"}, "/g")(ws_handler)  # E: Argument 1
app.on_ws_request("/h")(http_handler)  # E: Argument 1
app.on_http_request({"GET"}, "/i")(not_async)  # E: Value of type variable "AsyncDefReturningHttpResponse"
