"""bareasgi: a small, fast, fully typed ASGI framework.

Handlers are plain ``async def`` functions given the ASGI scope, the application's
``info``, the route's converted variables and the request body, answering with a
status or a ``(status, headers, body, pushes)`` tuple.
"""

from .application import Application
from .errors import ClientDisconnect, ConverterError, HttpError, TemplateError, UncheckedMatchesWarning
from .middleware import mw
from .responses import bytes_response, json_response, text_response
from .routing import ConverterRegistry, HttpTreeRouter, RouteHandle, WebSocketTreeRouter
from .request_body import DEFAULT_MAX_REQUEST_BODY, UNLIMITED, body_limit, bytes_reader, text_reader
from .streaming import bytes_writer, text_writer
from .types import (
    BodyReader,
    BodyWriter,
    Content,
    Header,
    Headers,
    HttpChainCallback,
    HttpFullResponse,
    HttpMiddlewareCallback,
    HttpRequestCallback,
    HttpResponse,
    HttpRouter,
    HttpScope,
    Info,
    LifespanEvent,
    LifespanHandler,
    LifespanScope,
    Message,
    PushResponse,
    PushResponses,
    Receive,
    RouteMatches,
    Scope,
    Send,
    TextReader,
    TextWriter,
    WebSocket,
    WebSocketRequestCallback,
    WebSocketRouter,
    WebSocketScope,
)

__all__ = [
    "DEFAULT_MAX_REQUEST_BODY",
    "UNLIMITED",
    "Application",
    "BodyReader",
    "BodyWriter",
    "ClientDisconnect",
    "Content",
    "ConverterError",
    "ConverterRegistry",
    "Header",
    "Headers",
    "HttpChainCallback",
    "HttpError",
    "HttpFullResponse",
    "HttpMiddlewareCallback",
    "HttpRequestCallback",
    "HttpResponse",
    "HttpRouter",
    "HttpScope",
    "HttpTreeRouter",
    "Info",
    "LifespanEvent",
    "LifespanHandler",
    "LifespanScope",
    "Message",
    "PushResponse",
    "PushResponses",
    "Receive",
    "RouteHandle",
    "RouteMatches",
    "Scope",
    "Send",
    "TemplateError",
    "TextReader",
    "TextWriter",
    "UncheckedMatchesWarning",
    "WebSocket",
    "WebSocketRequestCallback",
    "WebSocketRouter",
    "WebSocketScope",
    "WebSocketTreeRouter",
    "body_limit",
    "bytes_reader",
    "bytes_response",
    "bytes_writer",
    "json_response",
    "mw",
    "text_reader",
    "text_response",
    "text_writer",
]
