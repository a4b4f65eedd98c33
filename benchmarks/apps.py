"""The benchmarked applications: one per peer, each answering every scenario alike.

Every peer serves the same routes with the same responses, written the way its own
documentation would have them:

- ``GET /plaintext``: ``Hello, World!`` as ``text/plain``;
- ``GET /user/<id:int>``: ``{"id": <id>}`` as JSON;
- ``POST /echo``: the request body back;
- ``GET /stream``: :data:`STREAM_CHUNKS` chunks of :data:`CHUNK`, each its own message;
- ``GET /stream-kib``: as many chunks of :data:`KIB_CHUNK` (1 KiB);
- ``GET /stream-one``: one chunk of :data:`KIB_CHUNK`, streamed (what a stream costs
  beyond its chunks);
- ``POST /upload``: the number of bytes in the request body, read chunk by chunk;
- ``/ws``: a WebSocket answering each text message with the same text;
- ``GET /search?q=...&tag=...``, ``POST /json`` and ``POST /form`` (urlencoded):
  ``{"q": ..., "tags": [...]}`` or ``{"name": ..., "tags": [...]}`` as JSON, read
  from the query string or the body with each framework's own helpers (bareasgi:
  ``query_params``, ``json_reader`` into a Pydantic model, ``form_reader``;
  Starlette: ``request.query_params``, ``request.json()``, ``request.form()``; raw:
  the standard library's ``parse_qs`` and ``json.loads``);
- with ``routes=N``: ``GET /route<i>/user/<id:int>`` for i in 0..N-1, answering as
  ``/user/<id>``;
- anything else: 404;
- with ``middlewares=M``: M global middlewares around everything, the i-th adding the
  header ``x-mw-<i>: <i>`` to the response (raw and Starlette: ASGI middlewares
  wrapping ``send``, the fastest way either has; bareasgi: tuple middlewares).

``raw`` is hand-written ASGI routing by dict lookup: the limit. Every peer does the
same work per request: a response that never changes (plaintext, 404) is built once,
at import, wherever the framework lets a response be sent again (raw's header list and
bytes, bareasgi's headers and ``text_writer`` body, Starlette's ``PlainTextResponse``);
JSON is serialised and the echo's body measured on every request. Building an app
does every per-route step a peer needs, so the time to build one with ``routes=N`` is
the cost of adding N routes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qs

from pydantic import BaseModel

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpMiddlewareCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    WebSocket,
    bytes_reader,
    bytes_response,
    form_reader,
    json_reader,
    json_response,
    query_params,
    text_response,
)

AsgiApp = Callable[[Any, Any, Any], Awaitable[None]]
"""An ASGI 3 application, as loosely as every peer's own types allow."""

PLAINTEXT = b"Hello, World!"
CHUNK = b"x" * 64
KIB_CHUNK = b"k" * 1024
STREAM_CHUNKS = 100
MIDDLEWARE_HEADERS = tuple((f"x-mw-{i}".encode(), str(i).encode()) for i in range(1, 4))
"""The headers the middlewares of the middleware scenario add, outermost first."""


def route_path(i: int, user_id: int = 42) -> str:
    """The path reaching the i-th of the N typed routes."""
    return f"/route{i}/user/{user_id}"


# --- raw ASGI ---------------------------------------------------------------------------

# The bodies of the stream scenarios, made by async generators (a handler's body is an
# async iterable): every peer steps the same ones, raw ASGI too, sending each chunk as
# it comes.


async def _chunks() -> AsyncIterator[bytes]:
    for _ in range(STREAM_CHUNKS):
        yield CHUNK


async def _kib_chunks() -> AsyncIterator[bytes]:
    for _ in range(STREAM_CHUNKS):
        yield KIB_CHUNK


async def _one_chunk() -> AsyncIterator[bytes]:
    yield KIB_CHUNK


_TEXT_HEADERS = [(b"content-type", b"text/plain"), (b"content-length", b"13")]
_NOT_FOUND_HEADERS = [(b"content-type", b"text/plain"), (b"content-length", b"9")]


async def _raw_plaintext(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": _TEXT_HEADERS})
    await send({"type": "http.response.body", "body": PLAINTEXT})


async def _raw_json(send: Any, obj: object) -> None:
    body = json.dumps(obj).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _raw_echo(scope: Any, receive: Any, send: Any) -> None:
    chunks = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    headers = [
        (b"content-type", b"application/octet-stream"),
        (b"content-length", b"%d" % len(body)),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _raw_body(receive: Any) -> bytes:
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _raw_search(scope: Any, receive: Any, send: Any) -> None:
    params = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    await _raw_json(send, {"q": params["q"][0], "tags": params["tag"]})


async def _raw_json_body(scope: Any, receive: Any, send: Any) -> None:
    person = json.loads(await _raw_body(receive))
    await _raw_json(send, {"name": person["name"], "tags": person["tags"]})


async def _raw_form(scope: Any, receive: Any, send: Any) -> None:
    form = parse_qs((await _raw_body(receive)).decode("latin-1"), keep_blank_values=True)
    await _raw_json(send, {"name": form["name"][0], "tags": form["tag"]})


async def _raw_send_stream(send: Any, chunks: AsyncIterator[bytes]) -> None:
    headers = [(b"content-type", b"application/octet-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    async for chunk in chunks:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _raw_stream(scope: Any, receive: Any, send: Any) -> None:
    await _raw_send_stream(send, _chunks())


async def _raw_stream_kib(scope: Any, receive: Any, send: Any) -> None:
    await _raw_send_stream(send, _kib_chunks())


async def _raw_stream_one(scope: Any, receive: Any, send: Any) -> None:
    await _raw_send_stream(send, _one_chunk())


async def _raw_upload(scope: Any, receive: Any, send: Any) -> None:
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"%d" % size
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _raw_adding_header(app: AsgiApp, header: tuple[bytes, bytes]) -> AsgiApp:
    """An ASGI middleware adding ``header`` to every HTTP response."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def adding(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await app(scope, receive, adding)

    return middleware


async def _raw_not_found(send: Any) -> None:
    await send({"type": "http.response.start", "status": 404, "headers": _NOT_FOUND_HEADERS})
    await send({"type": "http.response.body", "body": b"Not Found"})


async def _raw_websocket(receive: Any, send: Any) -> None:
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] != "websocket.receive":
            return
        await send({"type": "websocket.send", "text": message.get("text")})


async def _raw_lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        else:
            await send({"type": "lifespan.shutdown.complete"})
            return


def _user_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def raw_app(routes: int = 0, middlewares: int = 0) -> AsgiApp:
    """Hand-written ASGI: exact paths by dict, typed paths by splitting."""
    exact = {
        ("GET", "/plaintext"): _raw_plaintext,
        ("POST", "/echo"): _raw_echo,
        ("GET", "/stream"): _raw_stream,
        ("GET", "/stream-kib"): _raw_stream_kib,
        ("GET", "/stream-one"): _raw_stream_one,
        ("POST", "/upload"): _raw_upload,
        ("GET", "/search"): _raw_search,
        ("POST", "/json"): _raw_json_body,
        ("POST", "/form"): _raw_form,
    }
    numbered = {f"route{i}" for i in range(routes)}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            handler = exact.get((scope["method"], path))
            if handler is not None:
                await handler(scope, receive, send)
                return
            parts = path.split("/")
            if scope["method"] == "GET" and len(parts) in (3, 4) and parts[-2] == "user":
                user_id = _user_id(parts[-1])
                if user_id is not None and (len(parts) == 3 or parts[1] in numbered):
                    await _raw_json(send, {"id": user_id})
                    return
            await _raw_not_found(send)
        elif scope["type"] == "websocket":
            if scope["path"] == "/ws":
                await _raw_websocket(receive, send)
            else:
                await send({"type": "websocket.close", "code": 1000})
        else:
            await _raw_lifespan(receive, send)

    wrapped: AsgiApp = app
    for header in reversed(MIDDLEWARE_HEADERS[:middlewares]):
        wrapped = _raw_adding_header(wrapped, header)
    return wrapped


# --- bareasgi ---------------------------------------------------------------------------


_PLAINTEXT_RESPONSE = text_response(200, None, "Hello, World!")  # a BytesBody: re-sendable


async def _plaintext(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return _PLAINTEXT_RESPONSE


async def _user(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, {"id": matches["id"]})


async def _echo(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return bytes_response(200, None, await bytes_reader(content))


async def _stream(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"application/octet-stream")], _chunks()


async def _stream_kib(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"application/octet-stream")], _kib_chunks()


async def _stream_one(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"application/octet-stream")], _one_chunk()


async def _upload(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    size = 0
    async for chunk in content:
        size += len(chunk)
    return text_response(200, None, str(size))


def _adding_header(header: tuple[bytes, bytes]) -> HttpMiddlewareCallback:
    """A middleware adding ``header`` to every response."""

    async def middleware(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        status, headers, body, pushes = await handler(scope, info, matches, content)
        return status, [*headers, header], body, pushes

    return middleware


async def _websocket(scope: Mapping[str, Any], info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.accept()
    while (message := await web_socket.receive()) is not None:
        await web_socket.send(message)


class Person(BaseModel):
    """The JSON body of the ``json body`` scenario, as bareasgi validates it."""

    name: str
    age: int
    tags: list[str]


async def _search(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    params = query_params(scope)
    return json_response(200, None, {"q": params["q"][0], "tags": params["tag"]})


async def _json_body(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    person = await json_reader(content, Person)
    return json_response(200, None, {"name": person.name, "tags": person.tags})


async def _form(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    form = await form_reader(content)
    return json_response(200, None, {"name": form["name"][0], "tags": form["tag"]})


def bareasgi_app(routes: int = 0, middlewares: int = 0) -> AsgiApp:
    """The same routes on a bareasgi :class:`~bareasgi.Application`."""
    app = Application(middlewares=[_adding_header(h) for h in MIDDLEWARE_HEADERS[:middlewares]])
    app.http_router.add({"GET"}, "/plaintext", _plaintext)
    app.http_router.add({"GET"}, "/user/<id:int>", _user)
    app.http_router.add({"POST"}, "/echo", _echo)
    app.http_router.add({"GET"}, "/stream", _stream)
    app.http_router.add({"GET"}, "/stream-kib", _stream_kib)
    app.http_router.add({"GET"}, "/stream-one", _stream_one)
    app.http_router.add({"POST"}, "/upload", _upload)
    app.http_router.add({"GET"}, "/search", _search)
    app.http_router.add({"POST"}, "/json", _json_body)
    app.http_router.add({"POST"}, "/form", _form)
    app.ws_router.add("/ws", _websocket)
    for i in range(routes):
        app.http_router.add({"GET"}, f"/route{i}/user/<id:int>", _user)
    return app


# --- Starlette --------------------------------------------------------------------------


def starlette_app(routes: int = 0, middlewares: int = 0) -> AsgiApp:
    """The same routes on a Starlette application (imported here: an optional peer)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.routing import BaseRoute, Route, WebSocketRoute
    from starlette.websockets import WebSocket as StarletteWebSocket

    plaintext_response = PlainTextResponse("Hello, World!")

    async def plaintext(request: Request) -> Response:
        return plaintext_response

    async def user(request: Request) -> Response:
        return JSONResponse({"id": request.path_params["id"]})

    async def echo(request: Request) -> Response:
        return Response(await request.body(), media_type="application/octet-stream")

    async def stream(request: Request) -> Response:
        return StreamingResponse(_chunks(), media_type="application/octet-stream")

    async def stream_kib(request: Request) -> Response:
        return StreamingResponse(_kib_chunks(), media_type="application/octet-stream")

    async def stream_one(request: Request) -> Response:
        return StreamingResponse(_one_chunk(), media_type="application/octet-stream")

    async def upload(request: Request) -> Response:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return PlainTextResponse(str(size))
    async def search(request: Request) -> Response:
        params = request.query_params
        return JSONResponse({"q": params["q"], "tags": params.getlist("tag")})

    async def json_body(request: Request) -> Response:
        person = await request.json()
        return JSONResponse({"name": person["name"], "tags": person["tags"]})

    async def form(request: Request) -> Response:
        async with request.form() as fields:
            return JSONResponse({"name": fields["name"], "tags": fields.getlist("tag")})

    async def websocket(web_socket: StarletteWebSocket) -> None:
        await web_socket.accept()
        async for text in web_socket.iter_text():
            await web_socket.send_text(text)

    table: list[BaseRoute] = [
        Route("/plaintext", plaintext),
        Route("/user/{id:int}", user),
        Route("/echo", echo, methods=["POST"]),
        Route("/stream", stream),
        Route("/stream-kib", stream_kib),
        Route("/stream-one", stream_one),
        Route("/upload", upload, methods=["POST"]),
        Route("/search", search),
        Route("/json", json_body, methods=["POST"]),
        Route("/form", form, methods=["POST"]),
        WebSocketRoute("/ws", websocket),
    ]
    table += [Route(f"/route{i}/user/{{id:int}}", user) for i in range(routes)]
    stack = [Middleware(_StarletteAddingHeader, header=h) for h in MIDDLEWARE_HEADERS[:middlewares]]
    return Starlette(routes=table, middleware=stack)


class _StarletteAddingHeader:
    """A pure ASGI middleware for Starlette adding ``header`` (faster than BaseHTTPMiddleware)."""

    def __init__(self, app: AsgiApp, header: tuple[bytes, bytes]) -> None:
        self.app = _raw_adding_header(app, header)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


class AppFactory(Protocol):
    """Builds a peer's application: with ``routes`` numbered routes and ``middlewares``."""

    def __call__(self, routes: int = 0, middlewares: int = 0) -> AsgiApp: ...


PEERS: dict[str, AppFactory] = {
    "raw": raw_app,
    "bareasgi": bareasgi_app,
    "starlette": starlette_app,
}
"""Every peer by name, the limit first."""


def available_peers() -> list[str]:
    """The peers that can run here: Starlette only when installed (``bareasgi[bench]``)."""
    try:
        import starlette  # noqa: F401
    except ImportError:
        return ["raw", "bareasgi"]
    return list(PEERS)
