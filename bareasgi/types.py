"""Types: the aliases for annotations, and the callback contracts as Protocols.

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
from typing import Any, ClassVar, Protocol, Union

from typing_extensions import TypeAlias, TypeVar

from .asgi import (
    AsgiScope,
    HttpScope,
    LifespanEvent,
    LifespanScope,
    WebSocketScope,
)

Scope: TypeAlias = Mapping[str, Any]
"""Any ASGI scope, loosely typed.

Handlers are given a precise TypedDict (:class:`HttpScope`, :class:`WebSocketScope`,
:class:`LifespanScope`); annotate with those to have the keys checked. ``Scope`` is
accepted wherever they are.
"""

Message: TypeAlias = Mapping[str, Any]
"""Any ASGI event, loosely typed (see :mod:`bareasgi.asgi` for the precise ones)."""

Receive: TypeAlias = Callable[[], Awaitable[Message]]
"""An ASGI ``receive`` callable, loosely typed."""

Send: TypeAlias = Callable[[Message], Awaitable[None]]
"""An ASGI ``send`` callable, loosely typed."""

ServerReceive: TypeAlias = Callable[[], Awaitable[Any]]
"""What the application accepts as ``receive``: a server's own, whatever its event types.

Servers type their events with TypedDicts of their own, which no other TypedDict
matches exactly; ``Any`` lets every server's callable through, and the framework
reads the events through :data:`bareasgi.asgi.AsgiReceive`.
"""

ServerSend: TypeAlias = Callable[[Any], Awaitable[None]]
"""What the application accepts as ``send``: a server's own (see :data:`ServerReceive`)."""

# --- The values handlers receive and return ---

Info: TypeAlias = dict[str, Any]
"""The default type of the application's shared object (``Application(info=...)``).

An application given ``info=MyInfo(...)`` is an ``Application[MyInfo]``, and its
handlers take a ``MyInfo`` instead.
"""

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

HttpFullResponse: TypeAlias = tuple[int, list[Header], Content | None, PushResponses | None]
"""The response as a middleware sees it: always four items, the headers a list.

The list is new for each middleware (``[]`` when the handler gave none), so it may
append to it, as bareASGI 3.x middleware does.
"""

Methods: TypeAlias = Set[str]
"""A set of upper-case HTTP methods, such as ``{'GET', 'HEAD'}``."""

JsonValue: TypeAlias = Union[
    None, bool, int, float, str, Sequence["JsonValue"], Mapping[str, "JsonValue"]
]
"""A value :func:`json.dumps` writes as it is: JSON's scalars, sequences and string-keyed maps."""


class DataclassInstance(Protocol):
    """An instance of any ``@dataclass`` (it has the ``__dataclass_fields__`` they all have)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


class PydanticModel(Protocol):
    """A Pydantic model: any ``pydantic.BaseModel`` instance (it has ``model_dump``).

    A Protocol rather than ``BaseModel`` itself, so that importing bareasgi does not
    import Pydantic: an application that routes only strings and numbers never does.
    """

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The model's fields as a dict (Pydantic's method)."""
        ...


JsonResponseValue: TypeAlias = Union[
    JsonValue, Mapping[str, object], Sequence[Mapping[str, object]], PydanticModel, DataclassInstance
]
"""What :func:`bareasgi.json_response` takes: a JSON value, a Pydantic model or a dataclass.

A ``TypedDict`` (which is a ``Mapping[str, object]`` to type checkers, not a mapping of
JSON values), or a list of them, is taken as it is.
"""

# --- Where handlers are called ---
# The Protocols below are what users write, and what users call too: a middleware or
# a test hands a handler the scope it was given. Code typed with the loose ``Scope``
# (a ``Mapping``) must be able to pass it on, and a handler that declares the precise
# TypedDict must still fit. Nothing but ``Any`` is both a ``Mapping`` and every
# TypedDict, so the scope a handler is called with is "the precise TypedDict, or
# anything": a handler declaring another TypedDict (a WebSocket scope for HTTP) is
# still refused, since the TypedDict half does not fit it.

HttpScopeArgument: TypeAlias = Union[HttpScope, Any]
"""The scope an HTTP handler is called with: an :class:`HttpScope`, or a loose ``Scope``."""

WebSocketScopeArgument: TypeAlias = Union[WebSocketScope, Any]
"""The scope a WebSocket handler is called with: a :class:`WebSocketScope`, or a loose ``Scope``."""

LifespanScopeArgument: TypeAlias = Union[LifespanScope, Any]
"""The scope a lifespan handler is called with: a :class:`LifespanScope`, or a loose ``Scope``."""

LifespanEventArgument: TypeAlias = Union[LifespanEvent, Any]
"""The message a lifespan handler is called with: a :data:`LifespanEvent`, or a loose ``Message``."""

# --- Type variables ---

InfoT = TypeVar("InfoT", default=Info)
"""The type of an application's ``info``."""

InfoT_contra = TypeVar("InfoT_contra", contravariant=True, default=Info)
MatchesT_contra = TypeVar("MatchesT_contra", contravariant=True, default=RouteMatches)

# --- Callback contracts ---
# Parameters are positional-only so that a plain ``async def`` satisfies the protocol
# whatever it names them. Each is generic in the type of ``info``; the route handlers
# are generic in the type of ``matches`` too, so that a handler may declare a
# TypedDict for its route's variables (the router checks it against the template).


class HttpRequestCallback(Protocol[InfoT_contra, MatchesT_contra]):
    """An HTTP handler: ``async def handler(scope, info, matches, content) -> HttpResponse``."""

    def __call__(
        self,
        scope: HttpScopeArgument,
        info: InfoT_contra,
        matches: MatchesT_contra,
        content: Content,
        /,
    ) -> Awaitable[HttpResponse]: ...


class HttpChainCallback(Protocol[InfoT_contra]):
    """The handler a middleware calls: it always answers with the full 4-tuple.

    It takes the scope as the middleware was given it, precise or loose. ``matches``
    are passed through to the route's handler as they are, whatever type that
    handler declared for them.
    """

    def __call__(
        self,
        scope: Scope,
        info: InfoT_contra,
        matches: Any,
        content: Content,
        /,
    ) -> Awaitable[HttpFullResponse]: ...


class HttpMiddlewareCallback(Protocol[InfoT]):
    """An HTTP middleware: ``async def mw(scope, info, matches, content, handler)``.

    ``handler`` is the rest of the chain; it returns ``(status, headers, body,
    pushes)`` whatever form the route's handler used.
    """

    def __call__(
        self,
        scope: HttpScopeArgument,
        info: InfoT,
        matches: RouteMatches,
        content: Content,
        handler: HttpChainCallback[InfoT],
        /,
    ) -> Awaitable[HttpResponse]: ...


_AnyInfoT = TypeVar("_AnyInfoT")


class AnyInfoMiddleware(Protocol):
    """An HTTP middleware that serves an application whatever the type of its ``info``.

    What the included middlewares are (``cors_middleware(...)``,
    ``compression_middleware(...)``): it fits ``Application(middlewares=[...])`` and
    :func:`bareasgi.mw` for an ``Application[MyInfo]`` as for the default one.
    """

    def __call__(
        self,
        scope: HttpScope,
        info: _AnyInfoT,
        matches: RouteMatches,
        content: Content,
        handler: HttpChainCallback[_AnyInfoT],
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

    @property
    def code(self) -> int | None:
        """The close code once the connection is closed (by either side), else ``None``."""


class WebSocketRequestCallback(Protocol[InfoT_contra, MatchesT_contra]):
    """A WebSocket handler: ``async def handler(scope, info, matches, web_socket) -> None``."""

    def __call__(
        self,
        scope: WebSocketScopeArgument,
        info: InfoT_contra,
        matches: MatchesT_contra,
        web_socket: WebSocket,
        /,
    ) -> Awaitable[None]: ...


class LifespanHandler(Protocol[InfoT_contra]):
    """A startup or shutdown handler: ``async def handler(scope, info, message) -> None``."""

    def __call__(
        self,
        scope: LifespanScopeArgument,
        info: InfoT_contra,
        message: LifespanEventArgument,
        /,
    ) -> Awaitable[None]: ...


class BodyReader(Protocol):
    """Reads a whole body, such as :func:`bareasgi.bytes_reader`."""

    def __call__(self, content: Content, /, max_size: int | None = None) -> Awaitable[bytes]: ...


class TextReader(Protocol):
    """Reads a whole body as text, such as :func:`bareasgi.text_reader`."""

    def __call__(
        self, content: Content, /, encoding: str = "utf-8", max_size: int | None = None
    ) -> Awaitable[str]: ...


class BodyWriter(Protocol):
    """Makes a response body from bytes, such as :func:`bareasgi.bytes_writer`."""

    def __call__(self, buf: bytes, /, chunk_size: int = -1) -> Content: ...


class TextWriter(Protocol):
    """Makes a response body from text, such as :func:`bareasgi.text_writer`."""

    def __call__(self, text: str, /, encoding: str = "utf-8", chunk_size: int = -1) -> Content: ...


MatchesT = TypeVar("MatchesT", default=RouteMatches)
"""The type a handler declares for its ``matches`` (the router checks a TypedDict)."""


class HttpRouter(Protocol[InfoT]):
    """Maps a method and path to an HTTP handler and its matches."""

    def add(
        self,
        methods: Methods,
        path: str,
        callback: HttpRequestCallback[InfoT, MatchesT],
        *,
        name: str | None = None,
    ) -> None:
        """Route ``methods`` on the path template ``path`` to ``callback``."""

    def resolve(
        self, method: str, path: str
    ) -> tuple[HttpRequestCallback[InfoT, Any], RouteMatches]:
        """The handler for a request and its matches.

        Always a handler: for a path no route has, one answering the application's
        not-found response. It takes the matches in whatever type it declared: the
        router vouches that they fit.
        """
        ...

    def url_for(self, name: str, /, **values: Any) -> str:
        """The path of the route called ``name``, with ``values`` filled in."""
        ...


class WebSocketRouter(Protocol[InfoT]):
    """Maps a path to a WebSocket handler and its matches."""

    def add(
        self,
        path: str,
        callback: WebSocketRequestCallback[InfoT, MatchesT],
        *,
        name: str | None = None,
    ) -> None:
        """Route the path template ``path`` to ``callback``."""

    def resolve(
        self, path: str
    ) -> tuple[WebSocketRequestCallback[InfoT, Any], RouteMatches]:
        """The handler for a connection and its matches.

        Always a handler: for a path no route has, one refusing the connection
        (closing it before accepting, which the server answers with 403).
        """
        ...

    def url_for(self, name: str, /, **values: Any) -> str:
        """The path of the route called ``name``, with ``values`` filled in."""
        ...


__all__ = [
    "AnyInfoMiddleware",
    "AsgiScope",
    "BodyReader",
    "BodyWriter",
    "Content",
    "DataclassInstance",
    "Header",
    "Headers",
    "HttpChainCallback",
    "HttpFullResponse",
    "HttpMiddlewareCallback",
    "HttpRequestCallback",
    "HttpResponse",
    "HttpRouter",
    "HttpScope",
    "HttpScopeArgument",
    "Info",
    "InfoT",
    "JsonResponseValue",
    "JsonValue",
    "LifespanEvent",
    "LifespanEventArgument",
    "LifespanHandler",
    "LifespanScope",
    "LifespanScopeArgument",
    "Message",
    "Methods",
    "PushResponse",
    "PushResponses",
    "Receive",
    "RouteMatches",
    "Scope",
    "Send",
    "ServerReceive",
    "ServerSend",
    "TextReader",
    "TextWriter",
    "WebSocket",
    "WebSocketRequestCallback",
    "WebSocketRouter",
    "WebSocketScope",
    "WebSocketScopeArgument",
]
