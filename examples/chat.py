"""Chat rooms over WebSockets: every message is broadcast to everyone in the room.

Run it with ``python -m examples.chat`` and open http://127.0.0.1:9009/ in two
browser tabs, or in two terminals::

    python -m websockets 'ws://127.0.0.1:9009/chat/lobby?name=harry'
    python -m websockets 'ws://127.0.0.1:9009/chat/lobby?name=jean'

Each member has an outbox that its own task writes to its socket, so broadcasting
never waits for a slow client. A member whose outbox fills up is disconnected
(close code 1013, "try again later") instead of holding the room back.

One process keeps its rooms in its own memory. To serve the rooms from several
processes or machines (``uvicorn --workers N``), give them one Redis::

    REDIS_URL=redis://127.0.0.1:6379/0 uvicorn examples.chat:app --workers 4

Every event is then published on the Redis channel ``chat:ROOM``, and each process
hands what arrives on those channels to its own members. A process that loses Redis
closes its members' connections with 1012 ("service restart"), so that their clients
reconnect, and subscribes again as soon as Redis is back. (Needs the ``examples``
extra, for the ``redis`` client, and asyncio: the client does not run on trio.)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict
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
    LifespanEvent,
    LifespanScope,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    text_response,
)

if TYPE_CHECKING:  # the redis client is needed only with a Redis URL
    from redis.asyncio import Redis

LOGGER = logging.getLogger(__name__)

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
Goodbye = tuple[int, str]
LOST_REDIS_GOODBYE: Goodbye = (1012, "lost the message broker")  # 1012: "service restart"
CHANNEL = "chat:"  # the Redis channel of a room is CHANNEL + its name


@dataclass(eq=False)  # members are told apart by identity, so they can be kept in sets
class Member:
    name: str
    outbox: MemoryObjectSendStream[str]
    goodbye: Goodbye = (TOO_SLOW, "too slow")  # how its writer closes once the outbox is closed


@dataclass
class Rooms:
    """The application's info: the members of this process's rooms, and how events travel."""

    rooms: dict[str, set[Member]] = field(default_factory=dict)
    outbox_size: int = 100  # messages a member may fall behind by
    redis_url: str | None = None  # None: the rooms are this process's alone
    redis: Redis | None = None  # connected at startup when there is a URL
    relaying: bool = False  # subscribed to every room's channel, so members here hear all
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)


class RoomMatches(TypedDict):
    room: str


def broadcast(members: set[Member], event: dict[str, str]) -> None:
    """Queue ``event`` for every member; one too far behind is dropped from the room."""
    deliver(members, json.dumps(event))


def deliver(members: set[Member], text: str) -> None:
    """Queue an event, as JSON text, for every member; one too far behind is dropped."""
    for member in list(members):
        try:
            member.outbox.send_nowait(text)
        except anyio.WouldBlock:
            members.discard(member)
            member.outbox.close()  # its writer sees the end, and disconnects it
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            members.discard(member)


def say_goodbye(members: set[Member], goodbye: Goodbye) -> None:
    """Have each member's writer close its connection with ``goodbye``."""
    for member in list(members):
        members.discard(member)
        member.goodbye = goodbye
        member.outbox.close()


async def share(info: Rooms, me: Member, room: str, event: dict[str, str]) -> None:
    """Give ``event`` to everyone in ``room``: here, or through Redis to every process.

    When Redis cannot take it, ``me`` is closed with 1012, to come back later.
    """
    if info.redis is None:
        broadcast(info.rooms.get(room, set()), event)
        return
    from redis.exceptions import RedisError

    try:
        await info.redis.publish(CHANNEL + room, json.dumps(event))
    except (RedisError, OSError) as error:
        LOGGER.warning("chat: could not publish to Redis (%s)", type(error).__name__)
        say_goodbye({me}, LOST_REDIS_GOODBYE)


async def relay(info: Rooms, redis: Redis, subscribed: anyio.Event) -> None:
    """Hand the events every process publishes to this process's members, for good.

    When Redis goes away, each member here is closed with 1012, to reconnect later,
    and the subscription is made again once Redis answers.
    """
    from redis.exceptions import RedisError

    delay = 0.1
    while True:
        try:
            async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.psubscribe(CHANNEL + "*")
                info.relaying = True
                subscribed.set()
                delay = 0.1
                async for message in pubsub.listen():
                    room = bytes(message["channel"]).decode()[len(CHANNEL) :]
                    deliver(info.rooms.get(room, set()), bytes(message["data"]).decode())
        except (RedisError, OSError) as error:
            LOGGER.warning("chat: lost Redis (%s); closing this process's members", type(error).__name__)
        info.relaying = False
        for members in info.rooms.values():
            say_goodbye(members, LOST_REDIS_GOODBYE)
        await anyio.sleep(delay)
        delay = min(delay * 2, 2.0)


async def start_relay(scope: LifespanScope, info: Rooms, message: LifespanEvent) -> None:
    """Connect to Redis and subscribe before serving; fails the startup when Redis cannot be reached."""
    if info.redis_url is None:
        return
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # One retry, at once, on a new connection: enough to replace a connection left over
    # from before a restart of Redis, too little to hide that Redis is down.
    redis = Redis.from_url(info.redis_url, retry=Retry(NoBackoff(), 1), socket_connect_timeout=2)
    info.stack.push_async_callback(redis.aclose)
    try:
        await redis.ping()
        tasks = await info.stack.enter_async_context(anyio.create_task_group())
        info.stack.callback(tasks.cancel_scope.cancel)  # the relay runs until shutdown
        subscribed = anyio.Event()
        tasks.start_soon(relay, info, redis, subscribed)
        with anyio.fail_after(5):
            await subscribed.wait()
    except BaseException:
        await info.stack.aclose()
        raise
    info.redis = redis


async def stop_relay(scope: LifespanScope, info: Rooms, message: LifespanEvent) -> None:
    info.redis = None
    await info.stack.aclose()


async def write(
    web_socket: WebSocket,
    inbox: MemoryObjectReceiveStream[str],
    done: anyio.CancelScope,
    goodbye: Callable[[], Goodbye] = lambda: (TOO_SLOW, "too slow"),
) -> None:
    """Send a member its messages; once its outbox is closed, close with ``goodbye()``."""
    try:
        async with inbox:
            async for text in inbox:
                await web_socket.send(text)
        await web_socket.close(*goodbye())
    except ClientDisconnect:
        pass  # the client left: its reader sees that too
    done.cancel()


async def chat(scope: WebSocketScope, info: Rooms, matches: RoomMatches, web_socket: WebSocket) -> None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    name = query.get("name", ["anonymous"])[0][:40] or "anonymous"
    await web_socket.accept()
    if info.redis is not None and not info.relaying:  # it would not hear the room: come back later
        await web_socket.close(*LOST_REDIS_GOODBYE)
        return
    outbox, inbox = anyio.create_memory_object_stream[str](info.outbox_size)
    me = Member(name, outbox)
    members = info.rooms.setdefault(matches["room"], set())
    members.add(me)
    await share(info, me, matches["room"], {"event": "joined", "name": name})
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(write, web_socket, inbox, tasks.cancel_scope, lambda: me.goodbye)
            while (message := await web_socket.receive()) is not None:
                if isinstance(message, str):
                    await share(info, me, matches["room"], {"event": "message", "name": name, "text": message})
            tasks.cancel_scope.cancel()  # the client has gone: stop its writer
    finally:
        members.discard(me)
        outbox.close()
        if not members and info.rooms.get(matches["room"]) is members:
            del info.rooms[matches["room"]]
    await share(info, me, matches["room"], {"event": "left", "name": name})


async def page(scope: HttpScope, info: Rooms, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, [(b"content-type", b"text/html; charset=utf-8")], PAGE)


def make_app(outbox_size: int = 100, redis_url: str | None = None) -> Application[Rooms]:
    """The chat; with ``redis_url``, its rooms are shared by every process given the same one."""
    app = Application(
        info=Rooms(outbox_size=outbox_size, redis_url=redis_url),
        startup_handlers=[start_relay],
        shutdown_handlers=[stop_relay],
    )
    app.http_router.add({"GET"}, "/", page)
    app.ws_router.add("/chat/{room}", chat)
    return app


app = make_app(redis_url=os.environ.get("REDIS_URL") or None)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
