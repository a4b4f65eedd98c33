"""The test client: an ASGI application driven in-process over HTTP, WebSocket and lifespan.

HTTP goes through httpx, with a transport that calls the application directly, so a
test uses the httpx API it knows::

    async with TestClient(app) as client:  # runs the startup handlers
        response = await client.get('/user/42')
        assert response.json() == {'id': 42}

        async with client.stream('GET', '/events') as events:
            async for chunk in events.aiter_bytes():
                break  # leaving disconnects, as a browser does

        async with client.websocket('/chat') as ws:
            await ws.send_text('hello')
            assert await ws.receive_text() == 'You said: hello'
    # leaving runs the shutdown handlers

Requires the ``testing`` extra (``pip install bareasgi[testing]``), for httpx.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from types import TracebackType
from typing import Any, Generic, TypeVar, final
from urllib.parse import unquote

import anyio
import httpx
from anyio.abc import TaskGroup
from typing_extensions import Self

from .types import ServerReceive, ServerSend

AsgiApplication = Callable[[dict[str, Any], ServerReceive, ServerSend], Awaitable[None]]
"""Any ASGI 3 application, such as an :class:`~bareasgi.Application`.

The scope is a fresh ``dict`` for each connection, so an application that may change
its scope (Starlette's middleware are typed so) is one too.
"""

# How long the client waits for the application to finish with a request or connection
# once the test is done with it, before it reports the application as stuck.
FINISH_TIMEOUT = 5.0

_ASGI = {"version": "3.0", "spec_version": "2.3"}

T = TypeVar("T")


@final
class _Queue(Generic[T]):
    """Messages one way between the client and the application; unbounded, closable."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._closed = False
        self._changed = anyio.Event()

    def put(self, item: T) -> None:
        self._items.append(item)
        self._wake()

    def close(self) -> None:
        self._closed = True
        self._wake()

    async def get(self) -> T:
        """The next item; ``anyio.EndOfStream`` once closed and empty."""
        while not self._items:
            if self._closed:
                raise anyio.EndOfStream
            await self._changed.wait()
        return self._items.popleft()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()


class LifespanError(RuntimeError):
    """The application's startup or shutdown failed; the message is the application's."""


@final
class WebSocketClosed(Exception):
    """The application closed the WebSocket (or refused it, when ``rejected``).

    An application that refuses with an HTTP response of its own (ASGI's WebSocket
    denial response, ``websocket.http.response.start`` and ``.body``, as Starlette's
    middleware send) gives it as ``response``: its status, headers and whole body. No
    close frame was sent then, so ``code`` is 1006, as a browser reports it.
    """

    def __init__(
        self, code: int, reason: str = "", *, rejected: bool = False, response: httpx.Response | None = None
    ) -> None:
        if response is not None:
            what = f"refused the connection with HTTP {response.status_code}"
        else:
            what = ("refused the connection" if rejected else "closed the connection") + f" with code {code}"
        super().__init__(f"the application {what}" + (f": {reason}" if reason else ""))
        self.code = code
        self.reason = reason
        self.rejected = rejected
        self.response = response
        """The HTTP response the application refused the connection with, if it sent one."""


class TestClient(httpx.AsyncClient):
    """An httpx client whose requests are served by ``app`` in-process.

    Use it as ``async with TestClient(app) as client:``, on asyncio or trio. With
    ``lifespan`` (the default) entering runs the startup handlers (a failure raises
    :class:`LifespanError` with the application's message) and leaving runs the
    shutdown handlers. Exceptions the application lets escape are raised in the test.
    """

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(
        self,
        app: AsgiApplication,
        *,
        base_url: str = "http://testserver",
        lifespan: bool = True,
        **kwargs: Any,
    ) -> None:
        self._app_transport = _AppTransport(app)
        super().__init__(transport=self._app_transport, base_url=base_url, **kwargs)
        self.app = app
        self._lifespan = _Lifespan(app) if lifespan else None
        self._stack: AsyncExitStack | None = None

    async def __aenter__(self) -> Self:
        stack = AsyncExitStack()
        await stack.__aenter__()
        try:
            await stack.enter_async_context(_Closing(self))
            task_group = await stack.enter_async_context(anyio.create_task_group())
            stack.callback(task_group.cancel_scope.cancel)  # tasks a test left behind
            self._app_transport.task_group = task_group
            if self._lifespan is not None:
                await self._lifespan.start(task_group)
                stack.push_async_callback(self._lifespan.stop)
        except BaseException:
            await stack.__aexit__(None, None, None)
            raise
        self._stack = stack
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.__aexit__(exc_type, exc_value, traceback)

    @asynccontextmanager
    async def websocket(
        self,
        path: str,
        *,
        subprotocols: Sequence[str] = (),
        headers: dict[str, str] | None = None,
    ) -> AsyncGenerator[WebSocketSession, None]:
        """Open a WebSocket to ``path``; raises :class:`WebSocketClosed` if refused.

        Leaving the block closes the connection (code 1000) if it is still open,
        and waits for the application to finish with it.
        """
        url = self.base_url.join(path)
        raw_headers = [(b"host", url.netloc)]
        raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if subprotocols:
            raw_headers.append((b"sec-websocket-protocol", ", ".join(subprotocols).encode()))
        scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": _ASGI,
            "http_version": "1.1",
            "scheme": "ws",
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "root_path": "",
            "headers": raw_headers,
            "client": ("127.0.0.1", 123),
            "server": ("testserver", 80),
            "subprotocols": list(subprotocols),
            "extensions": {"websocket.http.response": {}},  # the denial response is understood
        }
        session = WebSocketSession(httpx.Request("GET", url, headers=raw_headers))
        finished = anyio.Event()

        async def run() -> None:
            try:
                await self.app(scope, session.app_receive, session.app_send)
            except BaseException as error:
                session.app_failed(error)
                raise
            finally:
                session.app_finished()
                finished.set()

        self._app_transport.required_task_group().start_soon(run)
        try:
            await session.connect()
            yield session
        finally:
            await session.close_if_open()
            with anyio.fail_after(FINISH_TIMEOUT):
                await finished.wait()


@final
class WebSocketSession:
    """The client's end of a WebSocket opened with :meth:`TestClient.websocket`."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request  # the handshake, for a denial response to answer
        self._to_app: _Queue[dict[str, Any]] = _Queue()
        self._from_app: _Queue[dict[str, Any]] = _Queue()
        self.subprotocol: str | None = None
        """The subprotocol the application chose."""
        self.headers: list[tuple[bytes, bytes]] = []
        """The headers the application sent with its accept."""
        self.close_code: int | None = None
        """The code the application closed with, once it has."""
        self.close_reason: str = ""
        self._client_closed = False
        self._app_error: BaseException | None = None

    # --- the application's side ---

    async def app_receive(self) -> dict[str, Any]:
        """The application's ``receive``: the next message from the client."""
        return await self._to_app.get()

    async def app_send(self, message: dict[str, Any]) -> None:
        """The application's ``send``; raises ``OSError`` once the client has closed."""
        if self._client_closed:
            raise OSError("the client has closed the WebSocket")
        self._from_app.put(message)

    def app_failed(self, error: BaseException) -> None:
        """Record that the application raised ``error``, for the client to re-raise."""
        self._app_error = error

    def app_finished(self) -> None:
        """Record that the application has returned: nothing more will come from it."""
        self._from_app.close()

    # --- the client's side ---

    async def connect(self) -> None:
        """Ask to connect; raises :class:`WebSocketClosed` if the application refuses."""
        self._to_app.put({"type": "websocket.connect"})
        try:
            message = await self._next()
        except WebSocketClosed as closed:
            raise WebSocketClosed(closed.code, closed.reason, rejected=True) from None
        if message["type"] == "websocket.http.response.start":
            raise await self._denial(message)
        if message["type"] != "websocket.accept":
            raise AssertionError(f"expected the application to accept or close, got {message!r}")
        self.subprotocol = message.get("subprotocol")
        self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]

    async def send_text(self, text: str) -> None:
        """Send a text message."""
        self._to_app.put({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        self._to_app.put({"type": "websocket.receive", "bytes": data})

    async def send_json(self, value: object) -> None:
        """Send ``value`` as JSON in a text message."""
        await self.send_text(json.dumps(value))

    async def receive(self) -> str | bytes:
        """The next message from the application; :class:`WebSocketClosed` once it closed."""
        message = await self._next()
        if message["type"] != "websocket.send":
            raise AssertionError(f"unexpected ASGI message from the application: {message!r}")
        text = message.get("text")
        if text is not None:
            return str(text)
        return bytes(message.get("bytes") or b"")

    async def receive_text(self) -> str:
        """The next message, which must be text."""
        message = await self.receive()
        if not isinstance(message, str):
            raise AssertionError(f"expected a text message, got bytes {message!r}")
        return message

    async def receive_bytes(self) -> bytes:
        """The next message, which must be binary."""
        message = await self.receive()
        if not isinstance(message, bytes):
            raise AssertionError(f"expected a binary message, got text {message!r}")
        return message

    async def receive_json(self) -> Any:
        """The next text message, parsed as JSON."""
        return json.loads(await self.receive_text())

    async def close(self, code: int = 1000) -> None:
        """Close the connection from the client's side."""
        if not self._client_closed and self.close_code is None:
            self._client_closed = True
            self._to_app.put({"type": "websocket.disconnect", "code": code})

    async def close_if_open(self) -> None:
        """Close from the client's side unless the connection is already over."""
        await self.close()

    async def _denial(self, start: dict[str, Any]) -> WebSocketClosed:
        """The refusal, once the denial response's body is complete (ASGI WebSocket spec)."""
        body = bytearray()
        more_body = True
        while more_body:
            try:
                message = await self._next()
            except WebSocketClosed:
                raise AssertionError("the application ended its denial response before the last body part") from None
            if message["type"] != "websocket.http.response.body":
                raise AssertionError(f"expected the denial response's body, got {message!r}")
            body += message.get("body", b"")
            more_body = message.get("more_body", False)
        response = httpx.Response(
            start["status"],
            headers=[(bytes(k), bytes(v)) for k, v in start.get("headers", [])],
            content=bytes(body),
            request=self._request,
        )
        return WebSocketClosed(1006, rejected=True, response=response)

    async def _next(self) -> dict[str, Any]:
        try:
            with anyio.fail_after(FINISH_TIMEOUT):
                message = await self._from_app.get()
        except anyio.EndOfStream:
            if self._app_error is not None:
                raise self._app_error from None
            raise WebSocketClosed(self.close_code or 1006, self.close_reason) from None
        if message["type"] == "websocket.close":
            self.close_code = message.get("code", 1000)
            self.close_reason = message.get("reason") or ""
            raise WebSocketClosed(self.close_code or 1000, self.close_reason)
        return message


@final
class _Closing:
    """Closes the httpx client when the test client's stack unwinds."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def __aenter__(self) -> None:
        await httpx.AsyncClient.__aenter__(self._client)

    async def __aexit__(self, *exc_info: object) -> None:
        await httpx.AsyncClient.__aexit__(self._client)


@final
class _Lifespan:
    """The lifespan connection: startup on entering the client, shutdown on leaving."""

    def __init__(self, app: AsgiApplication) -> None:
        self._app = app
        self._to_app: _Queue[dict[str, Any]] = _Queue()
        self._from_app: _Queue[dict[str, Any]] = _Queue()
        self._finished = anyio.Event()

    async def start(self, task_group: TaskGroup) -> None:
        scope = {"type": "lifespan", "asgi": _ASGI, "state": {}}
        task_group.start_soon(self._run, scope)
        await self._phase("startup")

    async def stop(self) -> None:
        await self._phase("shutdown")
        with anyio.fail_after(FINISH_TIMEOUT):
            await self._finished.wait()

    async def _run(self, scope: dict[str, Any]) -> None:
        try:
            await self._app(scope, self._to_app.get, self._send)
        finally:
            self._from_app.close()
            self._finished.set()

    async def _send(self, message: dict[str, Any]) -> None:
        self._from_app.put(message)

    async def _phase(self, phase: str) -> None:
        self._to_app.put({"type": f"lifespan.{phase}"})
        try:
            with anyio.fail_after(FINISH_TIMEOUT):
                message = await self._from_app.get()
        except anyio.EndOfStream:
            raise LifespanError(f"the application ended during {phase}") from None
        if message["type"] == f"lifespan.{phase}.failed":
            raise LifespanError(message.get("message", ""))


@final
class _AppTransport(httpx.AsyncBaseTransport):
    """An httpx transport that serves each request by calling the application."""

    def __init__(self, app: AsgiApplication) -> None:
        self.app = app
        self.task_group: TaskGroup | None = None

    def required_task_group(self) -> TaskGroup:
        if self.task_group is None:
            raise RuntimeError("use the test client as 'async with TestClient(app) as client:'")
        return self.task_group

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        exchange = _Exchange(request)
        self.required_task_group().start_soon(exchange.run, self.app)
        return await exchange.response()


@final
class _Exchange:
    """One HTTP request and response between the client and the application."""

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.started = anyio.Event()
        self.finished = anyio.Event()
        self.gone = anyio.Event()  # the client has closed the response, or read it all
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.error: BaseException | None = None
        self._request_ended = False
        self.body: _Queue[bytes | None] = _Queue()

    def scope(self) -> dict[str, Any]:
        url = self.request.url
        return {
            "type": "http",
            "asgi": _ASGI,
            "http_version": "1.1",
            "method": self.request.method,
            "scheme": url.scheme,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in self.request.headers.raw],
            "client": ("127.0.0.1", 123),
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "extensions": {},
        }

    async def run(self, app: AsgiApplication) -> None:
        chunks = aiter(self.request.stream)  # type: ignore[arg-type]  # an async stream for an async client

        async def receive() -> dict[str, Any]:
            if not self.gone.is_set():
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    pass
                else:
                    return {"type": "http.request", "body": bytes(chunk), "more_body": True}
                if not self._request_ended:
                    self._request_ended = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            await self.gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
                self.started.set()
            elif message["type"] == "http.response.body" and not self.gone.is_set():
                self.body.put(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    self.body.put(None)

        try:
            await app(self.scope(), receive, send)
        except BaseException as error:
            self.error = error
            raise
        finally:
            # A request body the application left unread is closed now, as a server
            # would drop it, rather than left to the garbage collector.
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()
            self.body.close()
            self.finished.set()
            self.started.set()

    async def response(self) -> httpx.Response:
        await self.started.wait()
        if self.error is not None and not self.headers and self.status == 500:
            raise self.error
        return httpx.Response(
            self.status,
            headers=self.headers,
            stream=_ResponseStream(self),
            request=self.request,
        )

    async def close(self) -> None:
        self.gone.set()
        with anyio.fail_after(FINISH_TIMEOUT):
            await self.finished.wait()


@final
class _ResponseStream(httpx.AsyncByteStream):
    """The response body as the application sends it; closing it disconnects."""

    def __init__(self, exchange: _Exchange) -> None:
        self._exchange = exchange

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        while True:
            try:
                chunk = await self._exchange.body.get()
            except anyio.EndOfStream:
                if self._exchange.error is not None:
                    raise self._exchange.error from None
                raise httpx.RemoteProtocolError(
                    "the application ended without completing the response"
                ) from None
            if chunk is None:
                raise StopAsyncIteration
            if chunk:
                return chunk

    async def aclose(self) -> None:
        await self._exchange.close()
