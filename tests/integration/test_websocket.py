"""WebSocket connections through real servers, driven by the ``websockets`` client."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator

import anyio
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK, InvalidStatus
from websockets.typing import Subprotocol

from bareasgi import Application, Info, RouteMatches, WebSocket, WebSocketScope

from .servers import Running, ServerKind, errors_from, run_server, wait_until
from .shared import Registry

pytestmark = pytest.mark.anyio


class Session:
    """How one echo connection ended, as its handler saw it."""

    def __init__(self) -> None:
        self.received: list[bytes | str] = []
        self.outcome: str | None = None
        self.ended = threading.Event()


Sessions = Registry[Session]


def make_app(sessions: Sessions) -> Application:
    app = Application()

    @app.on_ws_request("/echo/{key:int}")
    async def echo(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        session = sessions[matches["key"]]
        try:
            await web_socket.accept()
            while (message := await web_socket.receive()) is not None:
                session.received.append(message)
                if isinstance(message, str):
                    await web_socket.send("text:" + message)
                else:
                    await web_socket.send(b"bytes:" + message)
            await web_socket.close()  # the client has gone: must do nothing
            await web_socket.close()
            session.outcome = "receive() gave None; close() was harmless"
        except BaseException as error:
            session.outcome = f"raised {error!r}"
            raise
        finally:
            session.ended.set()

    @app.on_ws_request("/ticks/{key:int}")
    async def ticks(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        """Only sends: it learns that the client left from send() alone."""
        session = sessions[matches["key"]]
        await web_socket.accept()
        try:
            for number in itertools.count():
                await web_socket.send(f"tick {number}")
                await anyio.sleep(0.02)
        except BaseException as error:
            session.outcome = f"raised {error!r}"
            raise
        finally:
            session.ended.set()

    @app.on_ws_request("/closing")
    async def closing(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        await web_socket.send("goodbye")
        await web_socket.close(4001, "done here")
        await web_socket.close()  # a second close does nothing

    @app.on_ws_request("/protocols")
    async def protocols(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        offered = list(scope.get("subprotocols", []))
        await web_socket.accept("b", [(b"x-extra", b"yes"), (b"x-more", b"also")])
        await web_socket.send(json.dumps(offered))
        while await web_socket.receive() is not None:
            pass

    @app.on_ws_request("/room/<name>/<number:int>")
    async def room(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        await web_socket.send(json.dumps({"name": matches["name"], "number": matches["number"]}))
        await web_socket.close()

    @app.on_ws_request("/fails-after-accept")
    async def fails_after_accept(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        await web_socket.accept()
        await web_socket.send("about to fail")
        raise RuntimeError("the handler broke")

    @app.on_ws_request("/fails-before-accept")
    async def fails_before_accept(
        scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
    ) -> None:
        raise RuntimeError("the handler broke before accepting")

    return app


@pytest.fixture(scope="module")
def sessions() -> Sessions:
    return Registry(Session)


@pytest.fixture(scope="module", params=["uvicorn-httptools", "hypercorn-trio", "granian"])
def server(request: pytest.FixtureRequest, sessions: Sessions) -> Iterator[Running]:
    kind: ServerKind = request.param
    with run_server(kind, make_app(sessions)) as running:
        yield running


def open_ws(server: Running, path: str, subprotocols: list[str] | None = None) -> connect:
    return connect(
        server.ws_url + path,
        subprotocols=None if subprotocols is None else [Subprotocol(name) for name in subprotocols],
        proxy=None,
        open_timeout=5,
        close_timeout=5,
    )


async def exchange(ws: ClientConnection, message: str | bytes) -> str | bytes:
    await ws.send(message)
    return await ws.recv()


async def test_text_and_bytes_frames_keep_their_kind(
    server: Running, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    key, session = sessions.new()
    async with open_ws(server, f"/echo/{key}") as ws:
        replies = [
            await exchange(ws, "hello"),
            await exchange(ws, b"\x00\xffbinary"),
            await exchange(ws, ""),
            await exchange(ws, b""),
        ]

    assert replies == ["text:hello", b"bytes:\x00\xffbinary", "text:", b"bytes:"]
    assert session.received == ["hello", b"\x00\xffbinary", "", b""]
    assert await wait_until(session.ended.is_set)
    assert session.outcome == "receive() gave None; close() was harmless"
    assert errors_from(caplog, "bareasgi") == []


async def test_client_closing_ends_receive_with_none(
    server: Running, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    key, session = sessions.new()
    async with open_ws(server, f"/echo/{key}") as ws:
        assert await exchange(ws, "one") == "text:one"
        await ws.close(1001, "going away")

    assert await wait_until(session.ended.is_set)
    assert session.outcome == "receive() gave None; close() was harmless"
    assert errors_from(caplog, "bareasgi") == []


async def server_closes(ws: ClientConnection) -> None:
    """Wait for the application to close the connection normally, as it does on return.

    The client does not close first: when both ends close at once, hypercorn's trio
    worker can send two frames concurrently on one socket and stop serving altogether.
    """
    with pytest.raises(ConnectionClosedOK):
        await ws.recv()
    assert ws.close_code == 1000


async def test_handler_that_only_sends_ends_quietly_when_the_client_leaves(
    server: Running, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    if server.kind == "hypercorn-trio":
        pytest.xfail(
            "hypercorn (ASGI spec < 2.4) drops websocket.send after the client has gone "
            "without raising, so a handler that never calls receive() runs until shutdown"
        )
    if server.kind == "granian":
        pytest.xfail(
            "granian lets websocket.send succeed after the client has gone, so a handler "
            "that never calls receive() does not learn that it left"
        )
    key, session = sessions.new()
    async with open_ws(server, f"/ticks/{key}") as ws:
        assert [await ws.recv(), await ws.recv()] == ["tick 0", "tick 1"]

    assert await wait_until(session.ended.is_set, timeout=1.0)
    assert session.outcome is not None and "ClientDisconnect" in session.outcome
    assert errors_from(caplog, "bareasgi") == []


async def test_large_messages_cross_whole(server: Running, sessions: Sessions) -> None:
    key, _ = sessions.new()
    text = "é" * (256 * 1024)
    data = bytes(range(256)) * 2048
    async with open_ws(server, f"/echo/{key}") as ws:
        replies = [await exchange(ws, text), await exchange(ws, data)]

    assert replies == ["text:" + text, b"bytes:" + data]


async def test_handler_close_code_and_reason_reach_the_client(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with open_ws(server, "/closing") as ws:
        message = await ws.recv()
        with pytest.raises(ConnectionClosedError):
            await ws.recv()

    assert message == "goodbye"
    assert (ws.close_code, ws.close_reason) == (4001, "done here")
    assert errors_from(caplog, "bareasgi") == []


async def test_subprotocol_is_negotiated_and_accept_headers_sent(server: Running) -> None:
    if server.kind == "granian":
        pytest.xfail("granian sends the subprotocol of websocket.accept but not its headers")
    async with open_ws(server, "/protocols", ["a", "b"]) as ws:
        offered = await ws.recv()
        response = ws.response

    assert ws.subprotocol == "b"
    assert json.loads(offered) == ["a", "b"]
    assert response is not None
    assert response.headers["x-extra"] == "yes"
    assert response.headers["x-more"] == "also"


async def test_route_variables_are_converted(server: Running) -> None:
    async with open_ws(server, "/room/lobby/7") as ws:
        message = await ws.recv()
        await server_closes(ws)

    assert json.loads(message) == {"name": "lobby", "number": 7}


@pytest.mark.parametrize("path", ["/nowhere", "/echo/not-a-number"])
async def test_unrouted_path_is_rejected_with_403(
    server: Running, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(InvalidStatus) as caught:
        async with open_ws(server, path):
            pass

    assert caught.value.response.status_code == 403
    assert errors_from(caplog, "bareasgi") == []


async def test_handler_failing_after_accept_closes_with_1011_and_is_logged(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with open_ws(server, "/fails-after-accept") as ws:
        first = await ws.recv()
        with pytest.raises(ConnectionClosedError) as caught:
            await ws.recv()

    assert first == "about to fail"
    assert caught.value.rcvd is not None
    assert caught.value.rcvd.code == 1011
    assert "broke" not in caught.value.rcvd.reason  # the reason does not leak the error
    records = errors_from(caplog, "bareasgi")
    assert len(records) == 1
    assert "/fails-after-accept" in records[0].getMessage()
    assert records[0].exc_info is not None
    assert isinstance(records[0].exc_info[1], RuntimeError)


async def test_handler_failing_before_accept_is_rejected_and_logged(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(InvalidStatus) as caught:
        async with open_ws(server, "/fails-before-accept"):
            pass

    assert caught.value.response.status_code == 403
    records = errors_from(caplog, "bareasgi")
    assert len(records) == 1
    assert "/fails-before-accept" in records[0].getMessage()
