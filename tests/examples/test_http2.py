"""examples/http2.py: the page names its pushes; hypercorn sends them as HTTP/2 server push."""

from __future__ import annotations

import socket
from typing import Any

import h2.config
import h2.connection
import h2.events
import pytest

from bareasgi.testing import TestClient
from bareasgi.types import Scope, ServerReceive, ServerSend
from examples import http2
from tests.integration.servers import run_hypercorn_trio

pytestmark = pytest.mark.anyio


class Pushing:
    """The example's app behind a server that offers push, recording the pushes it is sent."""

    def __init__(self) -> None:
        self.pushed: list[tuple[str, list[tuple[bytes, bytes]]]] = []

    async def __call__(self, scope: Scope, receive: ServerReceive, send: ServerSend) -> None:
        if scope["type"] == "http":
            scope = {**scope, "extensions": {**scope.get("extensions", {}), "http.response.push": {}}}

        async def recording_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.push":
                self.pushed.append((message["path"], list(message["headers"])))
            else:
                await send(message)

        await http2.app(scope, receive, recording_send)


async def test_the_page_is_sent_with_its_pushes_where_the_server_offers_them() -> None:
    pushing = Pushing()
    async with TestClient(pushing) as client:
        page = await client.get("/")
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert 'href="/style.css"' in page.text
        assert pushing.pushed == [
            ("/style.css", [(b"accept", b"text/css")]),
            ("/app.js", [(b"accept", b"*/*")]),
        ]
        for path, _ in pushing.pushed:
            assert (await client.get(path)).status_code == 200


async def test_without_push_the_page_preloads_its_files() -> None:
    async with TestClient(http2.app) as client:  # no push extension: pushes skipped
        page = await client.get("/")
        style = await client.get("/style.css")
    assert "</style.css>; rel=preload" in page.headers["link"]
    assert (style.headers["content-type"], style.content) == ("text/css", http2.STYLE)


def test_the_config_binds_locally_and_takes_tls_files() -> None:
    assert http2.config().bind == ["127.0.0.1:9009"]
    assert http2.config().ssl_enabled is False
    tls = http2.config("cert.pem", "key.pem")
    assert (tls.certfile, tls.keyfile) == ("cert.pem", "key.pem")


def get_over_h2c(port: int, path: str) -> tuple[list[str], dict[int, bytes]]:
    """GET ``path`` over HTTP/2 in clear: the paths pushed, and each stream's body."""
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    request = [(":method", "GET"), (":path", path), (":scheme", "http"), (":authority", "localhost")]
    connection.send_headers(1, request, end_stream=True)
    pushed: list[str] = []
    bodies: dict[int, bytes] = {}
    ended: set[int] = set()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(connection.data_to_send())
        while 1 not in ended or len(ended) < 1 + len(pushed):
            data = sock.recv(65536)
            if not data:
                break
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.PushedStreamReceived):
                    pushed += [bytes(value).decode() for name, value in event.headers or () if name == b":path"]
                elif isinstance(event, h2.events.DataReceived) and event.stream_id is not None:
                    bodies[event.stream_id] = bodies.get(event.stream_id, b"") + event.data
                    connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id is not None:
                    ended.add(event.stream_id)
            sock.sendall(connection.data_to_send())
    return pushed, bodies


def test_hypercorn_pushes_over_http2() -> None:
    with run_hypercorn_trio(http2.app) as running:
        pushed, bodies = get_over_h2c(running.port, "/")
    assert pushed == ["/style.css", "/app.js"]
    page = bodies.pop(1)
    assert page == http2.PAGE.encode()
    assert sorted(bodies.values()) == sorted([http2.STYLE, http2.SCRIPT])
