"""bareasgi: a small, fast, fully typed ASGI framework.

Handlers are plain ``async def`` functions given the ASGI scope, the application's
``info``, the route's converted variables and the request body, answering with a
status or a ``(status, headers, body, pushes)`` tuple.
"""

from .application import Application
from .bodies import form_reader, json_reader
from .compression import compression_middleware
from .cookies import (
    decode_cookies,
    decode_set_cookie,
    delete_cookie,
    encode_cookies,
    encode_set_cookie,
    set_cookie,
)
from .cors import cors_middleware
from .errors import ClientDisconnect, ConverterError, HttpError, TemplateError, UncheckedMatchesWarning
from .http import add_error_headers
from .lifespan import LifespanContext
from .middleware import mw
from .mount import AsgiApplication
from .multipart import Part, multipart_reader
from .request import cookies, header, header_values, query, query_params
from .responses import bytes_response, json_response, text_response
from .routing import ConverterRegistry, HttpTreeRouter, RouteHandle, WebSocketTreeRouter
from .request_body import DEFAULT_MAX_REQUEST_BODY, UNLIMITED, body_limit, bytes_reader, text_reader
from .static import static_files
from .streaming import bytes_writer, text_writer
from .types import (
    AnyInfoMiddleware,
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
    "AnyInfoMiddleware",
    "Application",
    "AsgiApplication",
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
    "LifespanContext",
    "LifespanEvent",
    "LifespanHandler",
    "LifespanScope",
    "Message",
    "Part",
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
    "add_error_headers",
    "body_limit",
    "bytes_reader",
    "bytes_response",
    "bytes_writer",
    "compression_middleware",
    "cookies",
    "cors_middleware",
    "decode_cookies",
    "decode_set_cookie",
    "delete_cookie",
    "encode_cookies",
    "encode_set_cookie",
    "form_reader",
    "header",
    "header_values",
    "json_reader",
    "json_response",
    "multipart_reader",
    "mw",
    "query",
    "query_params",
    "set_cookie",
    "static_files",
    "text_reader",
    "text_response",
    "text_writer",
]
