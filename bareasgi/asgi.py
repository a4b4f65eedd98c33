"""ASGI: the scopes and events of the ASGI 3 spec, as TypedDicts.

Events are told apart by their ``type`` key, a ``Literal``, so ``if message["type"]
== "http.request":`` narrows a union to one event. Keys the spec calls optional are
``NotRequired`` and read with ``.get(key, default)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Literal, TypedDict

from typing_extensions import NotRequired, TypeAlias

# --- Scopes ---


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
    # Not ASGI's: put here by the Application for the route found, such as '/user/<id:int>'.
    route_template: NotRequired[str]


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
    # Not ASGI's: put here by the Application for the route found, such as '/chat/{room}'.
    route_template: NotRequired[str]


class LifespanScope(TypedDict):
    """The scope of the lifespan connection."""

    type: Literal["lifespan"]
    asgi: AsgiVersions
    state: NotRequired[dict[str, Any]]  # the spec lets the server put anything here


AsgiScope: TypeAlias = HttpScope | WebSocketScope | LifespanScope
"""Any scope a server calls the application with; narrow on ``scope['type']``."""

# --- HTTP events ---


class HttpRequestEvent(TypedDict):
    """A part of the request body (``more_body``: more parts follow)."""

    type: Literal["http.request"]
    body: NotRequired[bytes]
    more_body: NotRequired[bool]


class HttpDisconnectEvent(TypedDict):
    """The client has gone, or the response is complete."""

    type: Literal["http.disconnect"]


class HttpResponseStartEvent(TypedDict):
    """The status and headers of the response."""

    type: Literal["http.response.start"]
    status: int
    headers: NotRequired[Iterable[tuple[bytes, bytes]]]
    trailers: NotRequired[bool]


class HttpResponseBodyEvent(TypedDict):
    """A part of the response body (``more_body``: more parts follow)."""

    type: Literal["http.response.body"]
    body: NotRequired[bytes]
    more_body: NotRequired[bool]


class HttpResponsePushEvent(TypedDict):
    """An HTTP/2 server push (the ``http.response.push`` extension)."""

    type: Literal["http.response.push"]
    path: str
    headers: Iterable[tuple[bytes, bytes]]


# --- WebSocket events ---


class WebSocketConnectEvent(TypedDict):
    """The client asks to open the connection."""

    type: Literal["websocket.connect"]


class WebSocketAcceptEvent(TypedDict):
    """The application accepts the connection."""

    type: Literal["websocket.accept"]
    subprotocol: NotRequired[str | None]
    headers: NotRequired[Iterable[tuple[bytes, bytes]]]


class WebSocketReceiveEvent(TypedDict):
    """A message from the client: ``text`` or ``bytes``."""

    type: Literal["websocket.receive"]
    bytes: NotRequired[bytes | None]
    text: NotRequired[str | None]


class WebSocketSendEvent(TypedDict):
    """A message to the client: ``text`` or ``bytes``."""

    type: Literal["websocket.send"]
    bytes: NotRequired[bytes | None]
    text: NotRequired[str | None]


class WebSocketCloseEvent(TypedDict):
    """The application closes the connection (before accepting: the server refuses it)."""

    type: Literal["websocket.close"]
    code: NotRequired[int]
    reason: NotRequired[str | None]


class WebSocketDisconnectEvent(TypedDict):
    """The connection is over."""

    type: Literal["websocket.disconnect"]
    code: NotRequired[int]
    reason: NotRequired[str | None]


# --- Lifespan events ---


class LifespanStartupEvent(TypedDict):
    """The server is starting."""

    type: Literal["lifespan.startup"]


class LifespanShutdownEvent(TypedDict):
    """The server is stopping."""

    type: Literal["lifespan.shutdown"]


class LifespanStartupCompleteEvent(TypedDict):
    """The application has started."""

    type: Literal["lifespan.startup.complete"]


class LifespanStartupFailedEvent(TypedDict):
    """The application could not start; ``message`` says why."""

    type: Literal["lifespan.startup.failed"]
    message: NotRequired[str]


class LifespanShutdownCompleteEvent(TypedDict):
    """The application has stopped."""

    type: Literal["lifespan.shutdown.complete"]


class LifespanShutdownFailedEvent(TypedDict):
    """The application could not stop cleanly; ``message`` says why."""

    type: Literal["lifespan.shutdown.failed"]
    message: NotRequired[str]


LifespanEvent: TypeAlias = LifespanStartupEvent | LifespanShutdownEvent
"""What a lifespan handler is given as its ``message``."""

ReceiveEvent: TypeAlias = (
    HttpRequestEvent
    | HttpDisconnectEvent
    | WebSocketConnectEvent
    | WebSocketReceiveEvent
    | WebSocketDisconnectEvent
    | LifespanStartupEvent
    | LifespanShutdownEvent
)
"""Any event the application receives."""

SendEvent: TypeAlias = (
    HttpResponseStartEvent
    | HttpResponseBodyEvent
    | HttpResponsePushEvent
    | WebSocketAcceptEvent
    | WebSocketSendEvent
    | WebSocketCloseEvent
    | LifespanStartupCompleteEvent
    | LifespanStartupFailedEvent
    | LifespanShutdownCompleteEvent
    | LifespanShutdownFailedEvent
)
"""Any event the application sends."""

AsgiReceive: TypeAlias = Callable[[], Awaitable[ReceiveEvent]]
"""The ``receive`` callable, as the framework reads it."""

AsgiSend: TypeAlias = Callable[[SendEvent], Awaitable[None]]
"""The ``send`` callable, as the framework writes to it."""
