"""The examples bareASGI 3.7.1 documents that need only the core, run as written for 3.x.

Each application is written as the 3.x tutorial shows it: plain four-argument
handlers, bareutils' header helpers, ``urllib.error.HTTPError``, asyncio tasks and
events made in a startup handler. Only annotations were added, for ``mypy --strict``,
with the names bareASGI 3.x exported (a middleware's ``handler`` is an
``HttpChainCallback``, which always answers with four items). Each is served by a real uvicorn and driven by
httpx or websockets; the getting-started examples are in ``tests/integration``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qsl

import anyio
import bareutils.header as header
import pytest
from websockets.asyncio.client import connect

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpResponse,
    Info,
    Message,
    RouteMatches,
    Scope,
    WebSocket,
    text_reader,
    text_writer,
)
from bareasgi.middleware import mw
from tests.integration.servers import run_uvicorn

pytestmark = pytest.mark.anyio


async def eventually(check: Callable[[], bool]) -> None:
    """Wait until ``check()`` holds, for what the server does after the client is done."""
    with anyio.fail_after(5):
        while not check():
            await anyio.sleep(0.01)


# --- Exceptions: urllib's HTTPError, with msg the body and hdrs a list of byte pairs.
# typeshed types HTTPError for urllib's own use (msg a str, hdrs a Message), hence the
# ignores: these are the forms bareASGI 3.x documents.


def make_url(scope: Scope) -> str:
    host = (header.find(b"host", scope["headers"]) or b"unknown").decode()
    return f"{scope['scheme']}://{host}{scope['path']}"


async def raise_none_exception(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise HTTPError(make_url(scope), 401, None, None, None)  # type: ignore[arg-type]  # the 3.x form


async def raise_text_exception(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    hdrs = [(b"content-type", b"text/plain")]
    raise HTTPError(make_url(scope), 401, "Unauthorized - text", hdrs, None)  # type: ignore[arg-type]  # the 3.x form


async def raise_bytes_exception(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    hdrs = [(b"content-type", b"text/plain")]
    raise HTTPError(make_url(scope), 401, b"Unauthorized - bytes", hdrs, None)  # type: ignore[arg-type]  # the 3.x form


async def raise_writer_exception(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    hdrs = [(b"content-type", b"text/plain")]
    body = text_writer("Unauthorized - writer")
    raise HTTPError(make_url(scope), 401, body, hdrs, None)  # type: ignore[arg-type]  # the 3.x form


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/raise_none_exception", b""),
        ("/raise_text_exception", b"Unauthorized - text"),
        ("/raise_bytes_exception", b"Unauthorized - bytes"),
        ("/raise_writer_exception", b"Unauthorized - writer"),
    ],
    ids=["none", "text", "bytes", "writer"],
)
async def test_exceptions_answer_401_with_their_body(path: str, body: bytes) -> None:
    app = Application()
    app.http_router.add({"GET"}, "/raise_none_exception", raise_none_exception)
    app.http_router.add({"GET"}, "/raise_text_exception", raise_text_exception)
    app.http_router.add({"GET"}, "/raise_bytes_exception", raise_bytes_exception)
    app.http_router.add({"GET"}, "/raise_writer_exception", raise_writer_exception)
    with run_uvicorn(app) as running:
        async with running.client() as client:
            response = await client.get(path)
    assert response.status_code == 401
    assert response.content == body
    if body:
        assert response.headers["content-type"] == "text/plain"


# --- Middleware: two global middlewares that write to info, and the same two on one route.

TRAIL: list[str] = []


async def first_middleware(
    scope: Scope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    TRAIL.append("First middleware - entry")
    info["message"] = "This is first the middleware. "
    status, headers, response, pushes = await handler(scope, info, matches, content)
    TRAIL.append("First middleware - exit")
    return status, headers, response, pushes


async def second_middleware(
    scope: Scope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    TRAIL.append("Second middleware - entry")
    info["message"] += "This is the second middleware."
    response = await handler(scope, info, matches, content)
    TRAIL.append("Second middleware - exit")
    return response


async def http_request_callback(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer(info["message"])


async def test_global_middleware_wraps_every_method_in_order() -> None:
    TRAIL.clear()
    app = Application(middlewares=[first_middleware, second_middleware])
    app.http_router.add({"GET", "POST", "PUT", "DELETE"}, "/", http_request_callback)
    with run_uvicorn(app) as running:
        async with running.client() as client:
            got = await client.get("/")
            posted = await client.post("/", content=b"ignored")
    message = "This is first the middleware. This is the second middleware."
    assert (got.text, posted.text) == (message, message)
    assert TRAIL[:4] == [
        "First middleware - entry",
        "Second middleware - entry",
        "Second middleware - exit",
        "First middleware - exit",
    ]


async def test_route_local_middleware_runs_on_its_route_only() -> None:
    TRAIL.clear()
    app = Application(info={"message": "Unmodified"})
    methods = {"GET", "POST", "PUT", "DELETE"}
    app.http_router.add(methods, "/with", mw(first_middleware, second_middleware, handler=http_request_callback))
    app.http_router.add(methods, "/without", http_request_callback)
    with run_uvicorn(app) as running:
        async with running.client() as client:
            without = await client.get("/without")
            assert TRAIL == []
            with_ = await client.get("/with")
    assert without.text == "Unmodified"
    assert with_.text == "This is first the middleware. This is the second middleware."
    assert len(TRAIL) == 4


# --- Lifespan: handlers given to the application, appended later, or decorated.


async def test_lifespan_handlers_in_each_documented_form_run_in_order() -> None:
    ran: list[str] = []

    async def on_startup(scope: Scope, info: Info, request: Message) -> None:
        ran.append(f"startup {request['type']}")

    async def on_shutdown(scope: Scope, info: Info, request: Message) -> None:
        ran.append(f"shutdown {request['type']}")

    async def appended(scope: Scope, info: Info, request: Message) -> None:
        ran.append("appended")

    app = Application(startup_handlers=[on_startup], shutdown_handlers=[on_shutdown])
    app.startup_handlers.append(appended)

    @app.on_startup
    async def decorated(scope: Scope, info: Info, request: Message) -> None:
        ran.append("decorated")

    with run_uvicorn(app):
        assert ran == ["startup lifespan.startup", "appended", "decorated"]
    assert ran[-1] == "shutdown lifespan.shutdown"


# --- Background tasks: an asyncio task started at startup, stopped by an Event at shutdown.


async def time_ticker(info: Info, shutdown_event: asyncio.Event) -> None:
    info["log"].append("Starting the time ticker")
    while not shutdown_event.is_set():
        info["now"] = datetime.now()
        try:
            await asyncio.wait_for(shutdown_event.wait(), timeout=1)
        except asyncio.TimeoutError:
            pass  # normal behaviour when waiting with a timeout
    info["log"].append("The time ticker has stopped")


async def time_ticker_startup_handler(scope: Scope, info: Info, request: Message) -> None:
    # The event is made here, in the server's event loop: the tutorial's "Gotcha!".
    shutdown_event = asyncio.Event()
    info["shutdown_event"] = shutdown_event
    info["time_ticker_task"] = asyncio.create_task(time_ticker(info, shutdown_event))


async def time_ticker_shutdown_handler(scope: Scope, info: Info, request: Message) -> None:
    shutdown_event: asyncio.Event = info["shutdown_event"]
    shutdown_event.set()
    time_ticker_task: asyncio.Task[None] = info["time_ticker_task"]
    await time_ticker_task


async def last_tick(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    headers = [(b"content-type", b"text/plain")]
    return 200, headers, text_writer(f"Last time tick: {info.get('now')}")


async def test_background_task_runs_while_serving_and_stops_at_shutdown() -> None:
    info: Info = {"log": []}
    app = Application(
        info=info,
        startup_handlers=[time_ticker_startup_handler],
        shutdown_handlers=[time_ticker_shutdown_handler],
    )
    app.http_router.add({"GET"}, "/{rest:path}", last_tick)
    with run_uvicorn(app) as running:
        await eventually(lambda: "now" in app.info)
        async with running.client() as client:
            response = await client.get("/any/path/at/all")
    assert response.text.startswith("Last time tick: 20")
    assert app.info["log"] == ["Starting the time ticker", "The time ticker has stopped"]
    assert app.info["time_ticker_task"].done()


# --- Server-sent events and streaming fetch: endless bodies, stopped when the client leaves.

STREAMS: list[str] = []


async def test_events(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    async def send_events() -> AsyncIterator[bytes]:
        is_cancelled = False
        try:
            while not is_cancelled:
                try:
                    yield f"data: {datetime.now()}\n\n\n".encode("utf-8")
                    # Defeat buffering by giving the server a nudge.
                    yield ":\n\n\n".encode("utf-8")
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    is_cancelled = True
        finally:
            STREAMS.append("events ended")

    headers = [
        (b"cache-control", b"no-cache"),
        (b"content-type", b"text/event-stream"),
        (b"connection", b"keep-alive"),
    ]
    return 200, headers, send_events()


async def streaming_fetch(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    body = await text_reader(content)
    data = json.loads(body)

    async def send_events() -> AsyncIterator[bytes]:
        is_cancelled = False
        try:
            while not is_cancelled:
                try:
                    message = {
                        "type": "tick",
                        "data": {"time": datetime.now().isoformat(), "message": data["message"]},
                    }
                    line = json.dumps(message) + "\n"
                    yield line.encode("utf-8")
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    is_cancelled = True
        finally:
            STREAMS.append("fetch ended")

    headers = [
        (b"cache-control", b"no-cache"),
        (b"content-type", b"application/json"),
        (b"connection", b"keep-alive"),
    ]
    return 200, headers, send_events()


# Not a test: the handler's name in the 3.x tutorial.
test_events.__test__ = False  # type: ignore[attr-defined]  # pytest reads this attribute


async def test_server_sent_events_stream_until_the_client_leaves() -> None:
    STREAMS.clear()
    app = Application()
    app.http_router.add({"GET"}, "/events", test_events)
    with run_uvicorn(app) as running:
        async with running.client() as client, client.stream("GET", "/events") as events:
            assert events.headers["content-type"] == "text/event-stream"
            async for line in events.aiter_lines():
                if line.startswith("data: "):
                    break
        await eventually(lambda: STREAMS == ["events ended"])


async def test_streaming_fetch_reads_the_body_then_streams_lines() -> None:
    STREAMS.clear()
    ticks: list[Any] = []
    app = Application()
    app.http_router.add({"POST"}, "/events", streaming_fetch)
    with run_uvicorn(app) as running:
        async with running.client() as client:
            request = client.stream("POST", "/events", content=json.dumps({"message": "hello"}))
            async with request as events:
                async for line in events.aiter_lines():
                    ticks.append(json.loads(line))
                    break
        await eventually(lambda: STREAMS == ["fetch ended"])
    assert ticks[0]["type"] == "tick" and ticks[0]["data"]["message"] == "hello"


# --- Controller classes: bound methods as handlers.


class InfoController:
    def add_routes(self, app: Application) -> None:
        app.http_router.add({"GET"}, "/info", self.get_info)
        app.http_router.add({"POST"}, "/info", self.set_info)

    async def get_info(self, scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        text = json.dumps(info)
        return 200, [(b"content-type", b"application/json")], text_writer(text)

    async def set_info(self, scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        text = await text_reader(content)
        data = json.loads(text)
        info.update(data)
        return 204


async def test_controller_class_methods_are_handlers() -> None:
    application = Application(info={"name": "Michael Caine"})
    info_controller = InfoController()
    info_controller.add_routes(application)
    with run_uvicorn(application) as running:
        async with running.client() as client:
            before = await client.get("/info")
            posted = await client.post("/info", content=json.dumps({"name": "Harry Palmer"}))
            after = await client.get("/info")
    assert before.json() == {"name": "Michael Caine"}
    assert (posted.status_code, posted.content) == (204, b"")
    assert after.json() == {"name": "Harry Palmer"}


# --- Headers and cookies: bareutils' helpers over the raw header list.

FORM_HTML = "<form>{first_name} {last_name}</form>{cookies}"


async def get_form(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    cookies = header.cookie(scope["headers"])
    first_name = cookies.get(b"first_name", [b"Micky"])[0]
    last_name = cookies.get(b"last_name", [b"Mouse"])[0]
    html_list = "<dl>"
    for name, values in cookies.items():
        for value in values:
            html_list += f"<dt>{name.decode()}</dt><dd>{value.decode()}</dd>"
    html_list += "</dl>"
    html = FORM_HTML.format(first_name=first_name.decode(), last_name=last_name.decode(), cookies=html_list)
    return 200, [(b"content-type", b"text/html")], text_writer(html)


async def post_form(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    content_type = header.find(b"content-type", scope["headers"])
    if content_type != b"application/x-www-form-urlencoded":
        return 500
    variables = await text_reader(content)
    values = dict(parse_qsl(variables))
    first_name = values["first_name"]
    last_name = values["last_name"]
    headers = [
        (b"location", b"/get_form"),
        (b"set-cookie", f"first_name={first_name}".encode()),
        (b"set-cookie", f"last_name={last_name}".encode()),
    ]
    return 303, headers


async def test_cookies_are_set_by_a_form_post_and_read_back() -> None:
    app = Application()
    app.http_router.add({"GET"}, "/get_form", get_form)
    app.http_router.add({"POST"}, "/post_form", post_form)
    with run_uvicorn(app) as running:
        async with running.client() as client:
            first = await client.get("/get_form")
            posted = await client.post("/post_form", data={"first_name": "Harry", "last_name": "Palmer"})
            after = await client.get("/get_form")  # the client sends the cookies back
            refused = await client.post("/post_form", json={"first_name": "Harry"})
    assert first.text == "<form>Micky Mouse</form><dl></dl>"
    assert (posted.status_code, posted.headers["location"]) == (303, "/get_form")
    assert posted.headers.get_list("set-cookie") == ["first_name=Harry", "last_name=Palmer"]
    assert after.text.startswith("<form>Harry Palmer</form>")
    assert "<dt>first_name</dt><dd>Harry</dd>" in after.text
    assert refused.status_code == 500


# --- WebSockets: the echo handler, and the close code the tutorial documents.

CLOSE_CODES: list[int | None] = []


async def websocket_handler(scope: Scope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.accept()
    try:
        while True:
            text = await web_socket.receive()
            if text is None:
                break
            await web_socket.send("You said: " + str(text))
    except Exception as error:
        info["errors"].append(error)
    CLOSE_CODES.append(web_socket.code)
    await web_socket.close()


async def test_websocket_echoes_and_knows_the_clients_close_code() -> None:
    CLOSE_CODES.clear()
    info: Info = {"errors": []}
    app = Application(info=info)
    app.ws_router.add("/test", websocket_handler)
    with run_uvicorn(app) as running:
        async with connect(running.ws_url + "/test", proxy=None, open_timeout=5) as ws:
            await ws.send("hello")
            echoed = await ws.recv()
            await ws.close(code=4001, reason="done here")
        await eventually(lambda: CLOSE_CODES != [])
    assert echoed == "You said: hello"
    assert CLOSE_CODES == [4001]
    assert app.info["errors"] == []
