"""The Application: configuration, decorators, and the ASGI entry point."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from typing import Any, TypeVar

from typing_extensions import TypeForm

from .checks import require_async_callable
from .http import serve_http
from .lifespan import serve_lifespan
from .middleware import compose, full_response
from .routing import ConverterRegistry, HttpTreeRouter, WebSocketTreeRouter
from .streaming import BytesBody
from .types import (
    AsgiScope,
    Content,
    HttpMiddlewareCallback,
    HttpRequestCallback,
    HttpResponse,
    HttpRouter,
    HttpScope,
    Info,
    LifespanHandler,
    Receive,
    RouteMatches,
    Send,
    WebSocketRequestCallback,
    WebSocketRouter,
)
from .websocket import serve_websocket

HttpHandlerT = TypeVar("HttpHandlerT", bound=HttpRequestCallback)
WebSocketHandlerT = TypeVar("WebSocketHandlerT", bound=WebSocketRequestCallback)
LifespanHandlerT = TypeVar("LifespanHandlerT", bound=LifespanHandler)


def _default_not_found() -> HttpResponse:
    return 404, [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"9")], BytesBody(b"Not Found")


class Application:
    """An ASGI 3 application: ``await app(scope, receive, send)``.

    Every argument is optional. ``info`` is handed, as the same object, to every
    handler (default: a new ``dict``). ``converters`` registers type names for path
    templates (``{'slug': Slug}``). ``not_found_response`` is sent when no route has
    the path; its body, if any, must be iterable more than once (``text_writer`` and
    ``bytes_writer`` bodies are). Global ``middlewares`` wrap every HTTP request, in
    order, the first outermost.
    """

    def __init__(
        self,
        *,
        middlewares: list[HttpMiddlewareCallback] | None = None,
        http_router: HttpRouter | None = None,
        web_socket_router: WebSocketRouter | None = None,
        startup_handlers: list[LifespanHandler] | None = None,
        shutdown_handlers: list[LifespanHandler] | None = None,
        not_found_response: HttpResponse | None = None,
        info: Info | None = None,
        converters: Mapping[str, TypeForm[Any]] | None = None,
    ) -> None:
        self._converters = ConverterRegistry(converters)
        self._http_router: HttpRouter = (
            http_router if http_router is not None else HttpTreeRouter(self._converters)
        )
        self._ws_router: WebSocketRouter = (
            web_socket_router
            if web_socket_router is not None
            else WebSocketTreeRouter(self._converters)
        )
        self._middlewares: list[HttpMiddlewareCallback] = _checked_list(
            "middleware", middlewares
        )
        self._startup_handlers = _checked_list("startup handler", startup_handlers)
        self._shutdown_handlers = _checked_list("shutdown handler", shutdown_handlers)
        self._not_found = _not_found_handler(not_found_response)
        self._info: Info = {} if info is None else info

    @property
    def info(self) -> Info:
        """The object given as ``info``, passed to every handler."""
        return self._info

    @property
    def middlewares(self) -> list[HttpMiddlewareCallback]:
        """The global HTTP middlewares, outermost first; the list may be changed."""
        return self._middlewares

    @property
    def http_router(self) -> HttpRouter:
        """The router of HTTP requests."""
        return self._http_router

    @property
    def ws_router(self) -> WebSocketRouter:
        """The router of WebSocket connections."""
        return self._ws_router

    @property
    def startup_handlers(self) -> list[LifespanHandler]:
        """The handlers run in order when the server starts; the list may be changed."""
        return self._startup_handlers

    @property
    def shutdown_handlers(self) -> list[LifespanHandler]:
        """The handlers run in order when the server stops; the list may be changed."""
        return self._shutdown_handlers

    def add_converter(self, name: str, type_: TypeForm[Any]) -> None:
        """Make ``name`` usable as a template type (``/post/<slug:name>``) in both routers.

        ``type_`` is anything Pydantic validates from a string, such as an
        ``Annotated[str, StringConstraints(...)]`` or an ``Enum``. Raises
        :class:`~bareasgi.errors.ConverterError` for a name already taken or a type
        Pydantic cannot read from a path segment.
        """
        self._converters.add(name, type_)

    def on_http_request(
        self, methods: Set[str], path: str, *, name: str | None = None
    ) -> Callable[[HttpHandlerT], HttpHandlerT]:
        """Decorator: route ``methods`` on ``path`` to the function; returns it unchanged."""

        def decorate(handler: HttpHandlerT) -> HttpHandlerT:
            self._http_router.add(methods, path, handler, name=name)
            return handler

        return decorate

    def on_ws_request(
        self, path: str, *, name: str | None = None
    ) -> Callable[[WebSocketHandlerT], WebSocketHandlerT]:
        """Decorator: route WebSocket connections on ``path`` to the function; returns it."""

        def decorate(handler: WebSocketHandlerT) -> WebSocketHandlerT:
            self._ws_router.add(path, handler, name=name)
            return handler

        return decorate

    def on_startup(self, handler: LifespanHandlerT) -> LifespanHandlerT:
        """Decorator: run the function when the server starts; returns it unchanged."""
        require_async_callable("startup handler", handler)
        self._startup_handlers.append(handler)
        return handler

    def on_shutdown(self, handler: LifespanHandlerT) -> LifespanHandlerT:
        """Decorator: run the function when the server stops; returns it unchanged."""
        require_async_callable("shutdown handler", handler)
        self._shutdown_handlers.append(handler)
        return handler

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        """The ASGI 3 entry point, for ``http``, ``websocket`` and ``lifespan`` scopes."""
        if scope["type"] == "http":
            handler, matches = self._http_router.resolve(scope["method"], scope["path"])
            handler = handler or self._not_found
            if self._middlewares:
                handler = compose(self._middlewares, handler)
            await serve_http(scope, receive, send, handler, matches, self._info)
        elif scope["type"] == "websocket":
            ws_handler, matches = self._ws_router.resolve(scope["path"])
            await serve_websocket(scope, receive, send, ws_handler, matches, self._info)
        elif scope["type"] == "lifespan":
            await serve_lifespan(
                scope, receive, send, self._startup_handlers, self._shutdown_handlers, self._info
            )
        else:
            raise ValueError(f"bareasgi does not serve ASGI scopes of type {scope['type']!r}")


def _checked_list(role: str, callbacks: list[Any] | None) -> list[Any]:
    """A new list of ``callbacks``, each checked to be an async callable."""
    checked = list(callbacks or ())
    for index, callback in enumerate(checked):
        require_async_callable(f"{role} {index}", callback)
    return checked


def _not_found_handler(response: HttpResponse | None) -> HttpRequestCallback:
    """A handler answering ``response`` afresh on every request; checked now."""
    if response is None:

        async def default(
            scope: HttpScope, info: Info, matches: RouteMatches, content: Content, /
        ) -> HttpResponse:
            return _default_not_found()

        return default
    try:
        fixed = full_response(response)
    except TypeError as error:
        raise TypeError(f"not_found_response: {error}") from None
    body = fixed[2]
    if body is not None and aiter(body) is body:
        raise TypeError(
            "not_found_response: its body is a single-use iterator, so only the first "
            "request would get it; use text_writer() or bytes_writer(), which can be sent again"
        )

    async def not_found(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, /
    ) -> HttpResponse:
        return fixed

    return not_found

