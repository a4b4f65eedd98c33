"""Chat rooms over WebSockets: every message is broadcast to everyone in the room.

Run it with ``python -m examples.chat`` and open http://127.0.0.1:9009/ in two
browser tabs, or in two terminals::

    python -m websockets 'ws://127.0.0.1:9009/chat/lobby?name=harry'
    python -m websockets 'ws://127.0.0.1:9009/chat/lobby?name=jean'

Each member has an outbox that its own task writes to its socket, so broadcasting
never waits for a slow client. A member whose outbox fills up is disconnected
(close code 1013, "try again later") instead of holding the room back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TypedDict
from urllib.parse import parse_qs

import anyio
import uvicorn
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from bareasgi import (
    Application,
    ClientDisconnect,
    Content,
    HttpResponse,
    HttpScope,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    text_response,
)

PAGE = """<!doctype html>
<title>Chat</title>
<form id="join">Room <input id="room" value="lobby"> Name <input id="name"> <button>Join</button></form>
<ul id="log"></ul>
<form id="say"><input id="text" autocomplete="off"> <button>Send</button></form>
<script>
  let socket;
  const log = (text) => {
    const item = document.createElement("li");
    item.textContent = text;
    document.getElementById("log").append(item);
  };
  document.getElementById("join").onsubmit = (event) => {
    event.preventDefault();
    const room = encodeURIComponent(document.getElementById("room").value);
    const name = encodeURIComponent(document.getElementById("name").value);
    socket = new WebSocket(`ws://${location.host}/chat/${room}?name=${name}`);
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      log(event.event === "message" ? `${event.name}: ${event.text}` : `${event.name} ${event.event}`);
    };
    socket.onclose = (close) => log(`disconnected (${close.code})`);
  };
  document.getElementById("say").onsubmit = (event) => {
    event.preventDefault();
    socket.send(document.getElementById("text").value);
    document.getElementById("text").value = "";
  };
</script>
"""

TOO_SLOW = 1013  # WebSocket close code: "try again later"


@dataclass(eq=False)  # members are told apart by identity, so they can be kept in sets
class Member:
    name: str
    outbox: MemoryObjectSendStream[str]


@dataclass
class Rooms:
    """The application's info: the members of each room, and each outbox's size."""

    rooms: dict[str, set[Member]] = field(default_factory=dict)
    outbox_size: int = 100  # messages a member may fall behind by


class RoomMatches(TypedDict):
    room: str


def broadcast(members: set[Member], event: dict[str, str]) -> None:
    """Queue ``event`` for every member; one too far behind is dropped from the room."""
    text = json.dumps(event)
    for member in list(members):
        try:
            member.outbox.send_nowait(text)
        except anyio.WouldBlock:
            members.discard(member)
            member.outbox.close()  # its writer sees the end, and disconnects it
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            members.discard(member)


async def write(web_socket: WebSocket, inbox: MemoryObjectReceiveStream[str], done: anyio.CancelScope) -> None:
    """Send a member its messages; when its outbox is closed, it was too slow: disconnect it."""
    try:
        async with inbox:
            async for text in inbox:
                await web_socket.send(text)
        await web_socket.close(TOO_SLOW, "too slow")
    except ClientDisconnect:
        pass  # the client left: its reader sees that too
    done.cancel()


async def chat(scope: WebSocketScope, info: Rooms, matches: RoomMatches, web_socket: WebSocket) -> None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    name = query.get("name", ["anonymous"])[0][:40] or "anonymous"
    await web_socket.accept()
    outbox, inbox = anyio.create_memory_object_stream[str](info.outbox_size)
    me = Member(name, outbox)
    members = info.rooms.setdefault(matches["room"], set())
    members.add(me)
    broadcast(members, {"event": "joined", "name": name})
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(write, web_socket, inbox, tasks.cancel_scope)
            while (message := await web_socket.receive()) is not None:
                if isinstance(message, str):
                    broadcast(members, {"event": "message", "name": name, "text": message})
            tasks.cancel_scope.cancel()  # the client has gone: stop its writer
    finally:
        members.discard(me)
        outbox.close()
        if not members and info.rooms.get(matches["room"]) is members:
            del info.rooms[matches["room"]]
    broadcast(members, {"event": "left", "name": name})


async def page(scope: HttpScope, info: Rooms, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, [(b"content-type", b"text/html; charset=utf-8")], PAGE)


def make_app(outbox_size: int = 100) -> Application[Rooms]:
    app = Application(info=Rooms(outbox_size=outbox_size))
    app.http_router.add({"GET"}, "/", page)
    app.ws_router.add("/chat/{room}", chat)
    return app


app = make_app()

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
