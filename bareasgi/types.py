"""Types: the ASGI messages, the aliases for annotations, and the callback contracts.

Everything a handler, middleware or router touches is described here, so that an
application checked with ``mypy --strict`` is checked against the same contract the
framework implements.
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
    Sequence,
    Set,
)
from typing import Any, Literal, Protocol, TypedDict

from typing_extensions import NotRequired, TypeAlias

# --- ASGI scopes (ASGI spec, "HTTP & WebSocket ASGI Message Format" and "Lifespan") ---


class AsgiVersions(TypedDict):
    """The ``asgi`` entry of a scope."""

    version: str
    spec_version: NotRequired[str]


class HttpScope(TypedDict):
    """The scope of one HTTP request."""

    type: Literal["http"]
    asgi: AsgiVersions
    http_version: str
    method: str
    scheme: NotRequired[str]
    path: str
    raw_path: NotRequired[bytes | None]
    query_string: bytes
    root_path: NotRequired[str]
    headers: Iterable[tuple[bytes, bytes]]
    client: NotRequired[tuple[str, int] | None]
    server: NotRequired[tuple[str, int | None] | None]
    state: NotRequired[dict[str, Any]]  # the spec lets the server put anything here
    extensions: NotRequired[dict[str, dict[object, object]] | None]


class WebSocketScope(TypedDict):
    """The scope of one WebSocket connection."""

    type: Literal["websocket"]
    asgi: AsgiVersions
    http_version: NotRequired[str]
    scheme: NotRequired[str]
    path: str
    raw_path: NotRequired[bytes | None]
    query_string: NotRequired[bytes]
    root_path: NotRequired[str]
    headers: Iterable[tuple[bytes, bytes]]
    client: NotRequired[tuple[str, int] | None]
    server: NotRequired[tuple[str, int | None] | None]
    subprotocols: NotRequired[Iterable[str]]
    state: NotRequired[dict[str, Any]]  # the spec lets the server put anything here
    extensions: NotRequired[dict[str, dict[object, object]] | None]


class LifespanScope(TypedDict):
    """The scope of the lifespan connection."""

    type: Literal["lifespan"]
    asgi: AsgiVersions
    state: NotRequired[dict[str, Any]]  # the spec lets the server put anything here


AsgiScope: TypeAlias = "HttpScope | WebSocketScope | LifespanScope"
"""Any scope the server can call the application with; narrow on ``scope['type']``."""

Scope: TypeAlias = Mapping[str, Any]
"""Any ASGI scope, as a handler receives it.

Annotate with :class:`HttpScope` or :class:`WebSocketScope` instead to have the keys
checked; both are accepted wherever a ``Scope`` is.
"""

Message: TypeAlias = Mapping[str, Any]
"""An ASGI event, sent or received: a mapping with a ``type`` key."""

Receive: TypeAlias = Callable[[], Awaitable[Message]]
"""The ASGI ``receive`` callable."""

Send: TypeAlias = Callable[[Message], Awaitable[None]]
"""The ASGI ``send`` callable."""

# --- The values handlers receive and return ---

Info: TypeAlias = Any
"""The application's shared object (``Application(info=...)``): whatever the user gave."""

RouteMatches: TypeAlias = Mapping[str, Any]
"""The route's variables by name, each already converted to its declared type."""

Content: TypeAlias = AsyncIterable[bytes]
"""A body: the request body given to a handler, or the body a handler returns."""

Header: TypeAlias = tuple[bytes, bytes]
"""One header: lower-case name and value, as bytes."""

Headers: TypeAlias = Sequence[Header]
"""The headers of a request or response."""

PushResponse: TypeAlias = tuple[str, Headers]
"""An HTTP/2 server push: the path to push and the request headers for it."""

PushResponses: TypeAlias = Iterable[PushResponse]
"""The pushes that go with a response."""

HttpResponse: TypeAlias = (
    int
    | tuple[int]
    | tuple[int, Headers | None]
    | tuple[int, Headers | None, Content | None]
    | tuple[int, Headers | None, Content | None, PushResponses | None]
)
"""What an HTTP handler returns: a status, or a tuple starting with one."""

HttpFullResponse: TypeAlias = tuple[int, Headers, Content | None, PushResponses | None]
"""The response as a middleware sees it: always four items, headers never ``None``."""

Methods: TypeAlias = Set[str]
"""A set of upper-case HTTP methods, such as ``{'GET', 'HEAD'}``."""

# --- Callback contracts ---
# Parameters are positional-only so that a plain ``async def`` satisfies the protocol
# whatever it names them.


class HttpRequestCallback(Protocol):
    """An HTTP handler: ``async def handler(scope, info, matches, content)``."""

    def __call__(
        self, scope: HttpScope, info: Info, matches: RouteMatches, content: Content, /
    ) -> Awaitable[HttpResponse]: ...


class HttpChainCallback(Protocol):
    """The handler a middleware calls: it always answers with the full 4-tuple."""

    def __call__(
        self, scope: HttpScope, info: Info, matches: RouteMatches, content: Content, /
    ) -> Awaitable[HttpFullResponse]: ...


class HttpMiddlewareCallback(Protocol):
    """An HTTP middleware: ``async def mw(scope, info, matches, content, handler)``.

    ``handler`` is the rest of the chain; it returns ``(status, headers, body,
    pushes)`` whatever form the route's handler used.
    """

    def __call__(
        self,
        scope: HttpScope,
        info: Info,
        matches: RouteMatches,
        content: Content,
        handler: HttpChainCallback,
        /,
    ) -> Awaitable[HttpResponse]: ...


class WebSocket(Protocol):
    """One WebSocket connection as a handler drives it."""

    async def accept(
        self, subprotocol: str | None = None, headers: Headers | None = None
    ) -> None:
        """Accept the connection; must come before any other call."""

    async def receive(self) -> bytes | str | None:
        """The next message, text or bytes; ``None`` once the client has gone."""

    async def send(self, content: bytes | str) -> None:
        """Send a text (``str``) or binary (``bytes``) message."""

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Close the connection; harmless once it is already closed."""


class WebSocketRequestCallback(Protocol):
    """A WebSocket handler: ``async def handler(scope, info, matches, web_socket)``."""

    def __call__(
        self, scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket, /
    ) -> Awaitable[None]: ...


class LifespanHandler(Protocol):
    """A startup or shutdown handler: ``async def handler(scope, info, message)``."""

    def __call__(self, scope: LifespanScope, info: Info, message: Message, /) -> Awaitable[None]: ...


class BodyReader(Protocol):
    """Reads a whole body, such as :func:`bareasgi.bytes_reader`."""

    def __call__(self, content: Content, /, *, max_size: int | None = None) -> Awaitable[bytes]: ...


class TextReader(Protocol):
    """Reads a whole body as text, such as :func:`bareasgi.text_reader`."""

    def __call__(
        self, content: Content, /, encoding: str = "utf-8", *, max_size: int | None = None
    ) -> Awaitable[str]: ...


class BodyWriter(Protocol):
    """Makes a response body from bytes, such as :func:`bareasgi.bytes_writer`."""

    def __call__(self, buf: bytes, /, chunk_size: int = -1) -> Content: ...


class TextWriter(Protocol):
    """Makes a response body from text, such as :func:`bareasgi.text_writer`."""

    def __call__(self, text: str, /, encoding: str = "utf-8", chunk_size: int = -1) -> Content: ...


class HttpRouter(Protocol):
    """Maps a method and path to an HTTP handler and its matches."""

    def add(
        self,
        methods: Methods,
        path: str,
        callback: HttpRequestCallback,
        *,
        name: str | None = None,
    ) -> None:
        """Route ``methods`` on the path template ``path`` to ``callback``."""

    def resolve(self, method: str, path: str) -> tuple[HttpRequestCallback | None, RouteMatches]:
        """The handler for a request and its matches; ``None`` when no route fits."""

    def url_for(self, name: str, /, **values: Any) -> str:
        """The path of the route called ``name``, with ``values`` filled in."""


class WebSocketRouter(Protocol):
    """Maps a path to a WebSocket handler and its matches."""

    def add(self, path: str, callback: WebSocketRequestCallback, *, name: str | None = None) -> None:
        """Route the path template ``path`` to ``callback``."""

    def resolve(self, path: str) -> tuple[WebSocketRequestCallback | None, RouteMatches]:
        """The handler for a connection and its matches; ``None`` when no route fits."""

    def url_for(self, name: str, /, **values: Any) -> str:
        """The path of the route called ``name``, with ``values`` filled in."""
