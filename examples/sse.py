"""Server-sent events: a counter streamed to the browser, resumed after a reconnect.

Run it with ``python -m examples.sse``, open http://127.0.0.1:9009/ in a browser, or::

    curl -N http://127.0.0.1:9009/events
    curl -N -H 'last-event-id: 41' http://127.0.0.1:9009/events    # goes on from 42
    curl http://127.0.0.1:9009/listeners                           # streams open now
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import uvicorn

from bareasgi import Application, Content, HttpResponse, HttpScope, RouteMatches, json_response, text_response

PAGE = """<!doctype html>
<title>Server-sent events</title>
<ol id="events"></ol>
<script>
  const source = new EventSource("/events");
  source.onmessage = (event) => {
    const item = document.createElement("li");
    item.textContent = event.lastEventId + ": " + event.data;
    document.getElementById("events").append(item);
  };
</script>
"""


@dataclass
class Clock:
    """The application's info: how often to send, and how many streams are open."""

    interval: float = 1.0  # seconds between events
    listeners: int = 0


def first_event_id(scope: HttpScope) -> int:
    """The id to start from: one after the browser's ``last-event-id``, when it reconnects."""
    for name, value in scope["headers"]:
        if name == b"last-event-id" and value.isdigit():
            return int(value) + 1
    return 1


async def events(scope: HttpScope, info: Clock, matches: RouteMatches, content: Content) -> HttpResponse:
    start = first_event_id(scope)

    async def stream() -> AsyncIterator[bytes]:
        info.listeners += 1
        try:
            yield b"retry: 2000\n\n"  # how long a browser waits before reconnecting, in ms
            for event_id in itertools.count(start):
                data = json.dumps({"count": event_id, "time": time.time()})
                yield f"id: {event_id}\ndata: {data}\n\n".encode()  # sent at once, not buffered
                await anyio.sleep(info.interval)
        finally:
            info.listeners -= 1  # runs when the client goes away, even mid-sleep

    headers = [
        (b"content-type", b"text/event-stream"),
        (b"cache-control", b"no-cache"),
        (b"x-accel-buffering", b"no"),  # asks nginx not to buffer the stream
    ]
    return 200, headers, stream()


async def listeners(scope: HttpScope, info: Clock, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, {"listeners": info.listeners})


async def page(scope: HttpScope, info: Clock, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, [(b"content-type", b"text/html; charset=utf-8")], PAGE)


def make_app(interval: float = 1.0) -> Application[Clock]:
    """The application, sending an event every ``interval`` seconds."""
    app = Application(info=Clock(interval))
    app.http_router.add({"GET"}, "/", page)
    app.http_router.add({"GET"}, "/events", events)
    app.http_router.add({"GET"}, "/listeners", listeners)
    return app


app = make_app()

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
