"""The test client: lifespan, HTTP, streaming with early exit, WebSocket."""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncIterator

import anyio
import pytest
from starlette.middleware.trustedhost import TrustedHostMiddleware

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    Info,
    LifespanEvent,
    LifespanScope,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    json_response,
    text_reader,
    text_response,
    text_writer,
)
from bareasgi.testing import LifespanError, TestClient, WebSocketClosed
from bareasgi.types import Scope, ServerReceive, ServerSend

pytestmark = pytest.mark.anyio


def make_app() -> tuple[Application[Info], list[str]]:
    events: list[str] = []
    app: Application[Info] = Application(info={"events": events})

    @app.on_startup
    async def start(scope: LifespanScope, info: Info, message: LifespanEvent) -> None:
        info["events"].append("startup")

    @app.on_shutdown
    async def stop(scope: LifespanScope, info: Info, message: LifespanEvent) -> None:
        info["events"].append("shutdown")

    @app.on_http_request({"GET", "POST"}, "/echo/<id:int>")
    async def echo(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        text = await text_reader(content)
        query = scope["query_string"].decode()
        headers = dict(scope["headers"])
        return json_response(
            200,
            [(b"x-id", str(matches["id"]).encode())],
            {"id": matches["id"], "body": text, "query": query, "agent": headers[b"x-agent"].decode()},
        )

    @app.on_http_request({"GET"}, "/teapot")
    async def teapot(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise HttpError(418, "short and stout")

    @app.on_http_request({"GET"}, "/events")
    async def sse(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async def events_() -> AsyncIterator[bytes]:
            try:
                n = 0
                while True:
                    n += 1
                    yield f"data: {n}\n\n".encode()
                    await anyio.sleep(0.01)
            finally:
                info["events"].append("stream closed")

        return 200, [(b"content-type", b"text/event-stream")], events_()

    @app.on_ws_request("/chat/<room>")
    async def chat(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept(subprotocol="chat.v2", headers=[(b"x-room", matches["room"].encode())])
        while (message := await web_socket.receive()) is not None:
            if message == "bye":
                await web_socket.close(4000, "see you")
                return
            await web_socket.send(message)
        info["events"].append("client left")

    return app, events


async def test_lifespan_runs_on_entry_and_exit() -> None:
    app, events = make_app()
    async with TestClient(app) as client:
        assert events == ["startup"]
        assert (await client.get("/teapot")).status_code == 418
    assert events == ["startup", "shutdown"]


async def test_a_failing_startup_raises_with_its_message() -> None:
    async def broken(scope: LifespanScope, info: Info, message: LifespanEvent) -> None:
        raise RuntimeError("no database")

    with pytest.raises(LifespanError, match="no database"):
        async with TestClient(Application(startup_handlers=[broken])):
            pass  # not reached


async def test_lifespan_can_be_left_out() -> None:
    app, events = make_app()
    async with TestClient(app, lifespan=False) as client:
        assert (await client.get("/teapot")).text == "short and stout"
    assert events == []


async def test_requests_carry_params_headers_and_content() -> None:
    app, _ = make_app()
    async with TestClient(app) as client:
        response = await client.post(
            "/echo/7", params={"q": "x y"}, headers={"x-agent": "tests"}, content=b"hello"
        )
        assert response.status_code == 200
        assert response.headers["x-id"] == "7"
        assert response.json() == {"id": 7, "body": "hello", "query": "q=x+y", "agent": "tests"}
        posted = await client.post("/echo/8", json={"a": 1}, headers={"x-agent": "json"})
        assert json.loads(posted.json()["body"]) == {"a": 1}
        assert (await client.get("/nowhere")).status_code == 404


# httpx's own streaming generators are dropped unfinished when a test leaves early;
# trio reports each of them when it is garbage collected.
@pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <async_generator object (Response|BoundAsyncStream)\.:pytest.PytestUnraisableExceptionWarning"
)
async def test_leaving_a_stream_early_disconnects_and_stops_the_generator() -> None:
    app, events = make_app()
    async with TestClient(app) as client:
        async with client.stream("GET", "/events") as response:
            assert response.headers["content-type"] == "text/event-stream"
            async for chunk in response.aiter_bytes():
                assert chunk.startswith(b"data: ")
                break
        assert "stream closed" in events


async def test_websocket_round_trip_and_the_app_closing() -> None:
    app, _ = make_app()
    async with TestClient(app) as client:
        async with client.websocket("/chat/lobby", subprotocols=["chat.v1", "chat.v2"]) as ws:
            assert ws.subprotocol == "chat.v2"
            assert ws.headers == [(b"x-room", b"lobby")]
            await ws.send_text("hello")
            assert await ws.receive_text() == "hello"
            await ws.send_bytes(b"\x00\x01")
            assert await ws.receive_bytes() == b"\x00\x01"
            await ws.send_json({"n": 1})
            assert await ws.receive_json() == {"n": 1}
            await ws.send_text("bye")
            with pytest.raises(WebSocketClosed) as closed:
                await ws.receive()
            assert (closed.value.code, closed.value.reason) == (4000, "see you")
            assert ws.close_code == 4000


async def test_websocket_client_closing_is_seen_by_the_app() -> None:
    app, events = make_app()
    async with TestClient(app) as client:
        async with client.websocket("/chat/lobby") as ws:
            await ws.send_text("hi")
            assert await ws.receive_text() == "hi"
        assert events[-1] == "client left"


async def test_a_refused_websocket_raises_with_the_close_code() -> None:
    app, _ = make_app()
    async with TestClient(app) as client:
        with pytest.raises(WebSocketClosed) as refused:
            async with client.websocket("/nowhere"):
                pass  # not reached
        assert refused.value.rejected and refused.value.code == 1000


async def test_the_client_must_be_entered() -> None:
    app, _ = make_app()
    client = TestClient(app)
    with pytest.raises(RuntimeError, match="async with"):
        await client.get("/teapot")
    await client.aclose()


async def test_a_request_body_left_unread_leaves_no_generator_behind() -> None:
    # httpx wraps an async-iterator body in a generator of its own; left unfinished,
    # trio reports it when it is collected (an error under filterwarnings=error).
    async def body() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"part"

    app: Application[Info] = Application()

    @app.on_http_request({"POST"}, "/first")
    async def first(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        async for chunk in content:
            return text_response(200, None, chunk.decode())  # the rest is never read
        return 204

    async with TestClient(app) as client:
        response = await client.post("/first", content=body())
        gc.collect()
    assert response.text == "part"


async def deny_in_two_parts(scope: Scope, receive: ServerReceive, send: ServerSend) -> None:
    """A raw ASGI application that answers every WebSocket handshake with an HTTP 401."""
    assert scope["type"] == "websocket" and "websocket.http.response" in scope["extensions"]
    assert (await receive())["type"] == "websocket.connect"
    headers = [(b"content-type", b"text/plain"), (b"www-authenticate", b"Bearer")]
    await send({"type": "websocket.http.response.start", "status": 401, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": b"log in ", "more_body": True})
    await send({"type": "websocket.http.response.body", "body": b"first"})


async def test_a_denial_response_is_given_to_the_test_whole() -> None:
    async with TestClient(deny_in_two_parts, lifespan=False) as client:
        with pytest.raises(WebSocketClosed) as refused:
            async with client.websocket("/private"):
                pass  # not reached
    assert refused.value.rejected and refused.value.code == 1006
    response = refused.value.response
    assert response is not None
    assert (response.status_code, response.headers["www-authenticate"], response.text) == (401, "Bearer", "log in first")
    assert "HTTP 401" in str(refused.value)


async def test_starlette_trusted_host_middleware_refuses_a_websocket_with_400() -> None:
    app, _ = make_app()
    guarded = TrustedHostMiddleware(app, allowed_hosts=["chat.example"])
    async with TestClient(guarded, base_url="http://elsewhere.example") as client:
        with pytest.raises(WebSocketClosed) as refused:
            async with client.websocket("/chat/lobby"):
                pass  # not reached
        assert refused.value.response is not None
        assert (refused.value.response.status_code, refused.value.response.text) == (400, "Invalid host header")
    async with TestClient(guarded, base_url="http://chat.example") as client, client.websocket("/chat/lobby") as ws:
        await ws.send_text("hi")
        assert await ws.receive_text() == "hi"


async def test_a_denial_response_cut_short_fails_the_test() -> None:
    async def cut_short(scope: Scope, receive: ServerReceive, send: ServerSend) -> None:
        await receive()
        await send({"type": "websocket.http.response.start", "status": 403, "headers": []})
        await send({"type": "websocket.http.response.body", "body": b"no", "more_body": True})

    async with TestClient(cut_short, lifespan=False) as client:
        with pytest.raises(AssertionError, match="before the last body part"):
            async with client.websocket("/"):
                pass  # not reached
