"""bareasgi: a small, fast, fully typed ASGI framework.

Handlers are plain ``async def`` functions given the ASGI scope, the application's
``info``, the route's converted variables and the request body, answering with a
status or a ``(status, headers, body, pushes)`` tuple.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING

from .application import Application
from .cookies import (
    decode_cookies,
    decode_set_cookie,
    delete_cookie,
    encode_cookies,
    encode_set_cookie,
    set_cookie,
)
from .errors import ClientDisconnect, ConverterError, HttpError, TemplateError, UncheckedMatchesWarning
from .http import add_error_headers
from .lifespan import LifespanContext
from .middleware import mw
from .mount import AsgiApplication
from .routing import ConverterRegistry, HttpTreeRouter, RouteHandle, WebSocketTreeRouter
from .request_body import DEFAULT_MAX_REQUEST_BODY, UNLIMITED, body_limit, bytes_reader, text_reader
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

# The parts an application may do without are imported when a name of theirs is first
# asked for (PEP 562), not with bareasgi: a serverless function or a command pays the
# import on every start. Type checkers read the imports below instead, so every name
# keeps its own type; and, seeing no module ``__getattr__``, still refuse a misspelt one.
if TYPE_CHECKING:
    from .bodies import form_reader, json_reader
    from .compression import compression_middleware
    from .cors import cors_middleware
    from .multipart import Part, multipart_reader
    from .request import cookies, header, header_values, query, query_params
    from .responses import bytes_response, json_response, text_response
    from .static import static_files

_LAZY: dict[str, str] = {
    "form_reader": "bodies",
    "json_reader": "bodies",
    "compression_middleware": "compression",
    "cors_middleware": "cors",
    "Part": "multipart",
    "multipart_reader": "multipart",
    "cookies": "request",
    "header": "request",
    "header_values": "request",
    "query": "request",
    "query_params": "request",
    "bytes_response": "responses",
    "json_response": "responses",
    "text_response": "responses",
    "static_files": "static",
}
"""Each lazily imported name, and the submodule that defines it."""


def _lazy(name: str) -> object:
    """The lazily imported ``name``: its submodule imported, and the value kept here."""
    submodule = _LAZY.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: object = getattr(_import_module(f"{__name__}.{submodule}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every name here, those not imported yet included."""
    return sorted({*globals(), *__all__})


if not TYPE_CHECKING:
    # Importing the submodule bareasgi.cookies (above) bound it here as "cookies", the
    # name of the request helper: unbound, so that __getattr__ answers with the helper.
    # It is imported with bareasgi, not lazily, for this: imported later, it would bind
    # itself over the helper (the import system sets a submodule on its package).
    del cookies
    __getattr__ = _lazy

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
