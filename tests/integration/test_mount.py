"""Mounted ASGI applications under a real server: Starlette, Prometheus, a WebSocket."""

from __future__ import annotations

import prometheus_client
import pytest
from websockets.asyncio.client import connect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket as StarletteWebSocket

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, text_response

from .servers import run_uvicorn

pytestmark = pytest.mark.anyio


async def user(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "id": request.path_params["id"],
            "self": str(request.url_for("user", id=request.path_params["id"])),
            "path": request.url.path,
        }
    )


async def echo(web_socket: StarletteWebSocket) -> None:
    await web_socket.accept()
    text = await web_socket.receive_text()
    await web_socket.send_text(f"starlette says {text}")
    await web_socket.close()


async def own(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, None, "bareasgi")


def make_app(registry: prometheus_client.CollectorRegistry) -> Application:
    starlette = Starlette(
        routes=[
            Route("/users/{id:int}", user, name="user"),
            Route("/", lambda request: PlainTextResponse("starlette home")),
            WebSocketRoute("/echo", echo),
        ]
    )
    app = Application()
    app.http_router.add({"GET"}, "/", own)
    app.mount("/legacy", starlette)
    app.mount("/metrics", prometheus_client.make_asgi_app(registry=registry))
    return app


async def test_a_mounted_starlette_app_routes_and_builds_urls_under_the_prefix() -> None:
    with run_uvicorn(make_app(prometheus_client.CollectorRegistry())) as server:
        async with server.client() as client:
            user = await client.get("/legacy/users/42")
            home = await client.get("/legacy/")
            own = await client.get("/")
            missing = await client.get("/legacy/nothing")
    assert user.status_code == 200
    assert user.json() == {"id": 42, "self": f"{server.url}/legacy/users/42", "path": "/legacy/users/42"}
    assert (home.status_code, home.text) == (200, "starlette home")
    assert own.text == "bareasgi"
    assert missing.status_code == 404  # Starlette's own 404


async def test_prometheus_metrics_are_served_mounted() -> None:
    registry = prometheus_client.CollectorRegistry()
    requests = prometheus_client.Counter("shop_orders", "Orders taken", registry=registry)
    requests.inc(3)
    with run_uvicorn(make_app(registry)) as server:
        async with server.client() as client:
            metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "shop_orders_total 3.0" in metrics.text


async def test_a_websocket_reaches_the_mounted_app() -> None:
    with run_uvicorn(make_app(prometheus_client.CollectorRegistry())) as server:
        async with connect(f"{server.ws_url}/legacy/echo") as web_socket:
            await web_socket.send("hello")
            reply = await web_socket.recv()
    assert reply == "starlette says hello"
