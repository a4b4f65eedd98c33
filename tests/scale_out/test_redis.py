"""examples/chat.py and examples/typed_rest.py across processes: two uvicorn workers, one Redis.

Each example runs in two uvicorn processes on ports of their own, both given the URL
of a redis-server this module starts. What one process is told, the other knows: a
chat message reaches a member connected to the other, a book written through one is
read through the other, and both come through a restart of Redis.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager

import anyio
import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .processes import REDIS_SERVER, RedisServer, Worker, redis_server, uvicorn_worker

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (Debian: apt-get install redis-server)"),
]
RECEIVE_TIMEOUT = 5.0
FUNERAL = {"title": "Funeral in Berlin", "author": "Len Deighton", "genre": "spy"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the redis client the examples use runs on asyncio


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def chat(redis: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Worker, Worker]]:
    logs = tmp_path_factory.mktemp("chat")
    with ExitStack() as stack:
        yield (
            stack.enter_context(uvicorn_worker("examples.chat:app", redis.url, logs / "one.log")),
            stack.enter_context(uvicorn_worker("examples.chat:app", redis.url, logs / "two.log")),
        )


@pytest.fixture(scope="module")
def rest(redis: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Worker, Worker]]:
    logs = tmp_path_factory.mktemp("rest")
    with ExitStack() as stack:
        yield (
            stack.enter_context(uvicorn_worker("examples.typed_rest:app", redis.url, logs / "one.log")),
            stack.enter_context(uvicorn_worker("examples.typed_rest:app", redis.url, logs / "two.log")),
        )


def client(worker: Worker) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=worker.url, timeout=5.0, trust_env=False)


async def event(ws: ClientConnection) -> dict[str, str]:
    with anyio.fail_after(RECEIVE_TIMEOUT):
        received: dict[str, str] = json.loads(await ws.recv())
    return received


@asynccontextmanager
async def member(worker: Worker, room: str, name: str) -> AsyncIterator[ClientConnection]:
    """A member in ``room`` through ``worker``, once the room has seen it join.

    While that worker has lost Redis it closes new members at once (1012): they try
    again until it is back, for a few seconds at most.
    """
    with anyio.fail_after(15):
        while True:
            try:
                async with connect(f"{worker.ws_url}/chat/{room}?name={name}", open_timeout=5) as ws:
                    joined = await event(ws)
                    assert joined == {"event": "joined", "name": name}
                    yield ws
                    return
            except (ConnectionClosed, InvalidStatus, OSError) as error:
                if isinstance(error, ConnectionClosed) and (error.rcvd is None or error.rcvd.code != 1012):
                    raise
            await anyio.sleep(0.2)


async def test_a_chat_message_sent_through_one_process_reaches_the_other(chat: tuple[Worker, Worker]) -> None:
    one, two = chat
    async with member(one, "lobby", "harry") as harry, member(two, "lobby", "jean") as jean:
        assert await event(harry) == {"event": "joined", "name": "jean"}
        await harry.send("hello from one")
        said = {"event": "message", "name": "harry", "text": "hello from one"}
        assert await event(jean) == said
        assert await event(harry) == said  # everyone, the sender too, through Redis
        async with member(two, "kitchen", "ross") as ross:
            await jean.send("and from two")
            assert await event(harry) == {"event": "message", "name": "jean", "text": "and from two"}
            await ross.send("anyone?")
            assert await event(ross) == {"event": "message", "name": "ross", "text": "anyone?"}
            assert await event(jean) == {"event": "message", "name": "jean", "text": "and from two"}
        await jean.close()
        assert await event(harry) == {"event": "left", "name": "jean"}


async def test_a_book_written_through_one_process_is_read_through_the_other(rest: tuple[Worker, Worker]) -> None:
    one, two = rest
    async with client(one) as first, client(two) as second:
        added = await first.post("/books", json=FUNERAL)
        assert added.status_code == 201, added.text
        found = await second.get(added.headers["location"])
        assert found.status_code == 200
        assert found.json()["title"] == "Funeral in Berlin"
        assert (await second.post("/books", json=FUNERAL)).status_code == 409  # taken, whichever process
        listed = [book["url"] for book in (await second.get("/books")).json()]
        assert listed == ["/books/funeral-in-berlin", "/books/the-ipcress-file"]  # the first book seeded once
        replaced = await second.put("/books/funeral-in-berlin", json={**FUNERAL, "year": 1964})
        assert replaced.status_code == 200
        assert (await first.get("/books/funeral-in-berlin")).json()["year"] == 1964
        assert (await first.delete("/books/funeral-in-berlin")).status_code == 204
        assert (await second.get("/books/funeral-in-berlin")).status_code == 404
        assert (await second.delete("/books/funeral-in-berlin")).status_code == 404


async def test_a_redis_restart_is_survived(
    redis: RedisServer, chat: tuple[Worker, Worker], rest: tuple[Worker, Worker]
) -> None:
    one, two = chat
    async with client(rest[0]) as first, client(rest[1]) as second:
        assert (await first.post("/books", json={**FUNERAL, "title": "Billion-Dollar Brain"})).status_code == 201
        async with member(one, "lobby", "harry") as harry, member(two, "lobby", "jean") as jean:
            assert await event(harry) == {"event": "joined", "name": "jean"}
            redis.stop()
            for ws in (harry, jean):  # each process closes its members, so that they reconnect
                with anyio.fail_after(RECEIVE_TIMEOUT), pytest.raises(ConnectionClosed) as closed:
                    await ws.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
            unavailable = await second.get("/books/billion-dollar-brain")
            assert unavailable.status_code == 503
            assert unavailable.headers["retry-after"] == "1"
            redis.start()

        async with member(one, "lobby", "harry") as harry, member(two, "lobby", "jean") as jean:
            assert await event(harry) == {"event": "joined", "name": "jean"}
            await jean.send("still here")
            assert await event(harry) == {"event": "message", "name": "jean", "text": "still here"}
        kept = await second.get("/books/billion-dollar-brain")  # Redis saved it as it stopped
        assert kept.status_code == 200, kept.text
        assert (await first.delete("/books/billion-dollar-brain")).status_code == 204
