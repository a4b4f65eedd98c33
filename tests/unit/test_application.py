"""Application configuration: one converter registry, checked callbacks."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import StringConstraints

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    HttpTreeRouter,
    Info,
    RouteMatches,
    WebSocket,
    WebSocketScope,
)

from .peer import call, http_scope

pytestmark = pytest.mark.anyio

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]


async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def live(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.close()


async def test_a_configured_router_shares_the_application_converters() -> None:
    app = Application(http_router=HttpTreeRouter(conversion_error_status=422), converters={"slug": Slug})
    app.add_converter("code", int)
    app.http_router.add({"GET"}, "/post/<name:slug>/<n:code>", handler)
    app.ws_router.add("/live/<name:slug>", live)
    assert (await call(app, http_scope("GET", "/post/hello/1"))).status == 204
    assert (await call(app, http_scope("GET", "/post/Not_A_Slug/1"))).status == 422


def test_a_sync_startup_handler_is_refused_at_once() -> None:
    def sync(*args: object) -> None: ...

    with pytest.raises(TypeError, match="startup handler 0"):
        Application(startup_handlers=[sync])  # type: ignore[list-item]  # the mistake under test
    with pytest.raises(TypeError, match="shutdown handler"):
        Application().on_shutdown(sync)  # type: ignore[type-var]  # the mistake under test
