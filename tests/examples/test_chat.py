"""examples/chat.py: messages reach everyone in the room and no one else; slow members are dropped."""

from __future__ import annotations

import anyio
import pytest

from bareasgi import Headers
from bareasgi.testing import TestClient, WebSocketSession
from examples import chat

pytestmark = pytest.mark.anyio


async def events(ws: WebSocketSession, count: int) -> list[dict[str, str]]:
    return [await ws.receive_json() for _ in range(count)]


async def test_a_message_reaches_everyone_in_the_room_and_no_one_else() -> None:
    app = chat.make_app()
    async with TestClient(app) as client:
        async with (
            client.websocket("/chat/lobby?name=harry") as harry,
            client.websocket("/chat/lobby?name=jean") as jean,
            client.websocket("/chat/kitchen?name=ross") as ross,
        ):
            assert await events(harry, 2) == [
                {"event": "joined", "name": "harry"},
                {"event": "joined", "name": "jean"},
            ]
            assert await events(jean, 1) == [{"event": "joined", "name": "jean"}]
            assert await events(ross, 1) == [{"event": "joined", "name": "ross"}]

            await jean.send_text("hello")
            said = {"event": "message", "name": "jean", "text": "hello"}
            assert await events(harry, 1) == [said]
            assert await events(jean, 1) == [said]

            await ross.send_text("anyone?")
            assert await events(ross, 1) == [{"event": "message", "name": "ross", "text": "anyone?"}]
            assert sorted(app.info.rooms) == ["kitchen", "lobby"]

            await jean.close()
            assert await events(harry, 1) == [{"event": "left", "name": "jean"}]
    assert app.info.rooms == {}  # an empty room is forgotten


async def test_a_member_without_a_name_is_anonymous() -> None:
    async with TestClient(chat.make_app()) as client, client.websocket("/chat/lobby") as ws:
        assert await ws.receive_json() == {"event": "joined", "name": "anonymous"}


def test_a_member_too_far_behind_is_dropped_from_the_room() -> None:
    slow_outbox, slow_inbox = anyio.create_memory_object_stream[str](1)
    fast_outbox, fast_inbox = anyio.create_memory_object_stream[str](10)
    slow, fast = chat.Member("slow", slow_outbox), chat.Member("fast", fast_outbox)
    members = {slow, fast}
    chat.broadcast(members, {"event": "message", "name": "fast", "text": "one"})
    chat.broadcast(members, {"event": "message", "name": "fast", "text": "two"})
    assert members == {fast}
    assert slow_inbox.receive_nowait().endswith('"one"}')
    with pytest.raises(anyio.EndOfStream):  # closed: its writer will disconnect it
        slow_inbox.receive_nowait()
    assert fast_inbox.statistics().current_buffer_used == 2
    for stream in (slow_inbox, fast_outbox, fast_inbox):
        stream.close()


class RecordingWebSocket:
    """A WebSocket that records what the writer does with it."""

    def __init__(self) -> None:
        self.sent: list[str | bytes] = []
        self.closed: tuple[int, str | None] | None = None

    async def accept(self, subprotocol: str | None = None, headers: Headers | None = None) -> None:
        pass

    async def receive(self) -> bytes | str | None:
        return None

    async def send(self, content: bytes | str) -> None:
        self.sent.append(content)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed = (code, reason)

    @property
    def code(self) -> int | None:
        return self.closed[0] if self.closed else None


async def test_the_writer_disconnects_a_dropped_member_with_1013() -> None:
    outbox, inbox = anyio.create_memory_object_stream[str](10)
    outbox.send_nowait("last words")
    outbox.close()  # what broadcast() does to a member too far behind
    web_socket = RecordingWebSocket()
    with anyio.CancelScope() as done:
        await chat.write(web_socket, inbox, done)
    assert web_socket.sent == ["last words"]
    assert web_socket.closed == (1013, "too slow")
    assert done.cancel_called
