"""The application the load run serves under uvicorn, counting what it starts and finishes.

Run by :mod:`benchmarks.load` as ``python -m benchmarks.load_app``: it binds a
listening socket on 127.0.0.1 to a port the kernel picks, prints the port on a line
of its own, and serves until it is interrupted (SIGINT or SIGTERM: uvicorn shuts down
gracefully).

Routes (anything else is a 404):

- ``GET /plaintext``: ``Hello, World!``;
- ``GET /user/<id:int>``, ``GET /order/<order:uuid>/item/<n:int>``,
  ``GET /day/<when:date>``: the converted values as JSON;
- ``POST /echo``: the request body back, read with ``max_size``;
- ``GET /raise``: the handler raises, so the answer is a logged 500;
- ``GET /stream/<mode>``: an endless body, ``tick`` (a chunk every few milliseconds)
  or ``wait`` (one chunk, then waiting for an event that never comes): only the
  client leaving ends it. Each body counts itself started, and finalised in its
  ``finally``;
- ``/ws``: a WebSocket echo, each connection counted started and finished;
- ``GET /stats``: the counters as JSON, with the tasks running in the server's loop.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import resource
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass

import uvicorn

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    WebSocket,
    WebSocketScope,
    bytes_reader,
    bytes_response,
    json_response,
    text_response,
)

HOST = "127.0.0.1"
ECHO_LIMIT = 1024 * 1024
TICK_SECONDS = 0.005


@dataclass
class Stats:
    """What the application has seen; served by ``GET /stats``."""

    streams_started: int = 0
    streams_finalised: int = 0
    ws_started: int = 0
    ws_finished: int = 0
    echoes: int = 0
    handler_errors_logged: int = 0  # records at ERROR or above on the bareasgi logger
    server_errors_logged: int = 0  # the same on uvicorn's: the application failed it
    tasks: int = 0


STATS = Stats()


class _Counter(logging.Handler):
    """Counts error records instead of printing them: the load makes thousands on purpose."""

    def __init__(self, field: str) -> None:
        super().__init__(logging.ERROR)
        self.field = field

    def emit(self, record: logging.LogRecord) -> None:
        setattr(STATS, self.field, getattr(STATS, self.field) + 1)


def _count_errors() -> None:
    for name, field in (
        ("bareasgi", "handler_errors_logged"),
        ("uvicorn.error", "server_errors_logged"),
    ):
        logger = logging.getLogger(name)
        logger.addHandler(_Counter(field))
        logger.propagate = False


async def plaintext(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return text_response(200, None, "Hello, World!")


async def user(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return json_response(200, None, {"id": matches["id"]})


async def order_item(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    order: uuid.UUID = matches["order"]
    return json_response(200, None, {"order": str(order), "n": matches["n"]})


async def day(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    when: datetime.date = matches["when"]
    return json_response(200, None, {"weekday": when.isoweekday()})


async def echo(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return bytes_response(200, None, await bytes_reader(content, max_size=ECHO_LIMIT))


async def fail(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    raise RuntimeError("a deliberate failure, which the client must never see")


async def stream(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    mode = matches["mode"]
    if mode not in ("tick", "wait"):
        return 404
    return 200, [(b"content-type", b"text/plain")], _endless(mode == "wait")


async def _endless(wait: bool) -> AsyncIterator[bytes]:
    STATS.streams_started += 1
    try:
        yield b"tick\n"
        if wait:
            await asyncio.Event().wait()  # never set: only a disconnect ends this
        while True:
            await asyncio.sleep(TICK_SECONDS)
            yield b"tick\n"
    finally:
        STATS.streams_finalised += 1


async def ws_echo(
    scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
) -> None:
    STATS.ws_started += 1
    try:
        await web_socket.accept()
        while (message := await web_socket.receive()) is not None:
            await web_socket.send(message)
            STATS.echoes += 1
    finally:
        STATS.ws_finished += 1


async def stats(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    STATS.tasks = len(asyncio.all_tasks())
    return json_response(200, [(b"cache-control", b"no-store")], asdict(STATS))


def make_app() -> Application:
    app = Application()
    app.http_router.add({"GET"}, "/plaintext", plaintext)
    app.http_router.add({"GET"}, "/user/<id:int>", user)
    app.http_router.add({"GET"}, "/order/<order:uuid>/item/<n:int>", order_item)
    app.http_router.add({"GET"}, "/day/<when:date>", day)
    app.http_router.add({"POST"}, "/echo", echo)
    app.http_router.add({"GET"}, "/raise", fail)
    app.http_router.add({"GET"}, "/stream/<mode>", stream)
    app.http_router.add({"GET"}, "/stats", stats)
    app.ws_router.add("/ws", ws_echo)
    return app


def raise_open_file_limit() -> None:
    """Allow as many sockets as the hard limit does: a thousand WebSockets need them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard)
        )


def main() -> None:
    raise_open_file_limit()
    _count_errors()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    sock.listen(4096)  # connections queue from now on, before uvicorn accepts them
    config = uvicorn.Config(
        make_app(),
        host=HOST,
        port=sock.getsockname()[1],
        log_level="warning",
        log_config=None,
        access_log=False,
        lifespan="on",
        backlog=4096,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    print(sock.getsockname()[1], flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
