"""Routing test helpers: distinct handlers to tell routes apart, and a caller for the
synthetic handlers a router answers with (405, 308, 400/422)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from typing import Any

from bareasgi import Application, Content, HttpRequestCallback, HttpResponse, HttpScope, Info, RouteMatches
from bareasgi import HttpTreeRouter, WebSocket, WebSocketRequestCallback, WebSocketScope, WebSocketTreeRouter


def make_handler() -> HttpRequestCallback:
    """A new HTTP handler, distinct from every other, so resolve's answer can be told apart."""

    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, /
    ) -> HttpResponse:
        return 204

    return handler


def make_ws_handler() -> WebSocketRequestCallback:
    """A new WebSocket handler, distinct from every other."""

    async def handler(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket, /
    ) -> None:
        await web_socket.close()

    return handler


def not_found_of(app: Application[Any]) -> HttpRequestCallback[Any, Any]:
    """What the application's HTTP tree router gives for a path no route has."""
    router = app.http_router
    assert isinstance(router, HttpTreeRouter)
    return router.not_found


def ws_not_found_of(app: Application[Any]) -> WebSocketRequestCallback[Any, Any]:
    """What the application's WebSocket tree router gives for a path no route has."""
    router = app.ws_router
    assert isinstance(router, WebSocketTreeRouter)
    return router.not_found


@dataclass(frozen=True)
class Answer:
    """A response, normalised: status, headers by (lower-case) name, whole body."""

    status: int
    headers: dict[bytes, bytes]
    body: bytes


def call(handler: HttpRequestCallback, path: str = "/", query: bytes = b"") -> Answer:
    """Call ``handler`` as the application would for ``GET path?query``; its whole answer."""
    scope: HttpScope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": [],
    }
    return asyncio.run(_call(handler, scope))


async def _no_body() -> AsyncIterator[bytes]:
    chunks: list[bytes] = []
    for chunk in chunks:
        yield chunk


async def _call(handler: HttpRequestCallback, scope: HttpScope) -> Answer:
    response = await handler(scope, {}, {}, _no_body())
    if isinstance(response, int):
        return Answer(response, {}, b"")
    status = response[0]
    headers = response[1] if len(response) > 1 else None
    body = response[2] if len(response) > 2 else None
    by_name: dict[bytes, bytes] = {}
    for name, value in headers or ():
        assert name not in by_name, f"header {name!r} sent twice"
        by_name[name] = value
    data = b""
    if body is not None:
        async for chunk in body:
            data += chunk
    return Answer(status, by_name, data)
