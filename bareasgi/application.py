"""The Application: configuration, decorators, and the ASGI entry point."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Set
from typing import Any, Generic, TypeVar, cast, overload

import anyio
from typing_extensions import TypeAlias, TypeForm, TypeIs

from .asgi import HttpScope, LifespanEvent, LifespanScope, WebSocketScope
from .checks import HTTP_MIDDLEWARE, LIFESPAN_HANDLER, require_async_callable
from .errors import ClientDisconnect, is_client_disconnect
from .http import CHECKED_HEADERS, check_headers, close_body, error_response, stream_body
from .lifespan import LifespanContext, serve_lifespan
from .log import LOGGER, client_text, request_line
from .middleware import compose, full_response
from .mount import AsgiApplication, Mounts, serve_mounted
from .request_body import DEFAULT_MAX_REQUEST_BODY, RequestBody
from .routing import ConverterRegistry, HttpTreeRouter, WebSocketTreeRouter
from .routing.handle import RouteHandle, RouteMatchesT
from .routing.http import not_found_handler
from .routing.router import Route, TreeRouter
from .streaming import BytesBody
from .types import (
    Content,
    Headers,
    HttpChainCallback,
    HttpMiddlewareCallback,
    HttpRequestCallback,
    HttpResponse,
    HttpRouter,
    Info,
    InfoT,
    LifespanHandler,
    Message,
    RouteMatches,
    Scope,
    ServerReceive,
    ServerSend,
    WebSocket,
    WebSocketRequestCallback,
    WebSocketRouter,
)
from .websocket import serve_websocket

# The decorators give back the function they were given, with the types it declared.
# A handler may declare its scope as the precise TypedDict or as the loose ``Scope``
# (hence the constrained type variables), its matches as it likes (the router checks
# a TypedDict against the template), and must take the application's ``info``.
# Type checkers name these variables when a handler does not fit, so each name says
# what is expected of the handler.
HttpScopeOrScope = TypeVar("HttpScopeOrScope", HttpScope, Scope)
WebSocketScopeOrScope = TypeVar("WebSocketScopeOrScope", WebSocketScope, Scope)
LifespanScopeOrScope = TypeVar("LifespanScopeOrScope", LifespanScope, Scope)
LifespanEventOrMessage = TypeVar("LifespanEventOrMessage", LifespanEvent, Message)
DeclaredMatches = TypeVar("DeclaredMatches")
AsyncDefReturningHttpResponse = TypeVar(
    "AsyncDefReturningHttpResponse", bound=Awaitable[HttpResponse]
)
AsyncDefReturningNone = TypeVar("AsyncDefReturningNone", bound=Awaitable[None])
_CallbackT = TypeVar("_CallbackT")

_LIST_OR_TUPLE = (list, tuple)
"""The types of headers sent as they are: anything else is read into a list once."""

_MAX_CHAINS = 4096
"""Handlers whose middleware chain is kept: far more than routes, but a bound."""

_AnyHttpHandler: TypeAlias = HttpRequestCallback[InfoT, Any]
_AnyWebSocketHandler: TypeAlias = WebSocketRequestCallback[InfoT, Any]

# How the application finds a handler: the tree routers' resolve_route(), which also
# names the route's template and gives None for a path no route has (so that a mount
# may take it); another router's resolve(), which (if written before resolve() always
# gave a handler) may give None too, and names no template.
_ResolveHttp: TypeAlias = Callable[
    [str, str], tuple[HttpRequestCallback[Any, Any] | None, RouteMatches, str | None]
]
# The global middlewares around a handler: the outermost, and the chain it calls.
_Chain: TypeAlias = tuple[HttpMiddlewareCallback[InfoT], HttpChainCallback[InfoT]]
_ExactRoutes: TypeAlias = Mapping[str, Mapping[str, Route[HttpRequestCallback[Any, Any]]]]
_ResolveWebSocket: TypeAlias = Callable[
    [str], tuple[WebSocketRequestCallback[Any, Any] | None, RouteMatches, str | None]
]


class Application(Generic[InfoT]):
    """An ASGI 3 application: ``await app(scope, receive, send)``.

    Every argument is optional. ``info`` is handed, as the same object, to every
    handler (default: a new ``dict``); the application is generic in its type, so
    ``Application(info=MyInfo())`` expects handlers taking a ``MyInfo``.
    ``converters`` registers type names for path templates (``{'slug': Slug}``).
    ``not_found_response`` is sent when no route has the path; its body, if any,
    must be iterable more than once (``text_writer`` and ``bytes_writer`` bodies
    are). Global ``middlewares`` wrap every HTTP request, in order, the first
    outermost. ``max_request_body`` is the most bytes the body readers read when a
    handler calls them without ``max_size`` (default 4 MiB;
    ``max_request_body=UNLIMITED`` lifts it). ``lifespan`` is called with ``info``
    at startup and gives an async context manager, entered after the startup
    handlers and left at shutdown before the shutdown handlers, in the one task that
    runs the lifespan: a task group opened in it lasts as long as the server.

    Before a handler is called, the template of the route it was found by (such as
    ``'/user/<id:int>'``) is put in the scope as ``scope['route_template']``, where
    the middlewares, and ASGI middleware wrapping the application, can read it.

    Without ``info`` the application is an ``Application[Info]``: annotating it
    ``Application[MyInfo]`` without giving a ``MyInfo`` is a type error.
    """

    # Two signatures, so that InfoT is inferred from ``info`` when given, and is the
    # default ``Info`` (a new dict) when not: ``Application[MyInfo]`` without a
    # ``MyInfo`` would hand every handler a dict it does not expect.
    @overload
    def __init__(
        self: Application[Info],
        *,
        middlewares: list[HttpMiddlewareCallback[Info]] | None = None,
        http_router: HttpRouter[Info] | None = None,
        web_socket_router: WebSocketRouter[Info] | None = None,
        startup_handlers: list[LifespanHandler[Info]] | None = None,
        shutdown_handlers: list[LifespanHandler[Info]] | None = None,
        not_found_response: HttpResponse | None = None,
        info: None = None,
        converters: Mapping[str, TypeForm[Any]] | None = None,
        max_request_body: int = DEFAULT_MAX_REQUEST_BODY,
        lifespan: LifespanContext[Info] | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        middlewares: list[HttpMiddlewareCallback[InfoT]] | None = None,
        http_router: HttpRouter[InfoT] | None = None,
        web_socket_router: WebSocketRouter[InfoT] | None = None,
        startup_handlers: list[LifespanHandler[InfoT]] | None = None,
        shutdown_handlers: list[LifespanHandler[InfoT]] | None = None,
        not_found_response: HttpResponse | None = None,
        info: InfoT,
        converters: Mapping[str, TypeForm[Any]] | None = None,
        max_request_body: int = DEFAULT_MAX_REQUEST_BODY,
        lifespan: LifespanContext[InfoT] | None = None,
    ) -> None: ...

    # The implementation takes either signature: with the first, InfoT is Info, which
    # the type of ``self`` says but the parameters cannot (lists and routers are
    # invariant in their info), hence their ``Any`` here, and only here.
    def __init__(
        self,
        *,
        middlewares: list[HttpMiddlewareCallback[Any]] | None = None,
        http_router: HttpRouter[Any] | None = None,
        web_socket_router: WebSocketRouter[Any] | None = None,
        startup_handlers: list[LifespanHandler[Any]] | None = None,
        shutdown_handlers: list[LifespanHandler[Any]] | None = None,
        not_found_response: HttpResponse | None = None,
        info: InfoT | None = None,
        converters: Mapping[str, TypeForm[Any]] | None = None,
        max_request_body: int = DEFAULT_MAX_REQUEST_BODY,
        lifespan: LifespanContext[Any] | None = None,
    ) -> None:
        # One registry of template types for the application: that of a tree router
        # given to it (so a router configured with options still shares the
        # application's converters), else a new one.
        registry = _registry_of(http_router) or _registry_of(web_socket_router)
        self._converters = registry if registry is not None else ConverterRegistry()
        for name, type_ in (converters or {}).items():
            self._converters.add(name, type_)
        self._http_router: HttpRouter[InfoT] = (
            http_router if http_router is not None else HttpTreeRouter(self._converters)
        )
        self._ws_router: WebSocketRouter[InfoT] = (
            web_socket_router
            if web_socket_router is not None
            else WebSocketTreeRouter(self._converters)
        )
        self._middlewares: list[HttpMiddlewareCallback[InfoT]] = _checked_list(
            "middleware", middlewares, HTTP_MIDDLEWARE
        )
        self._chained_middlewares: list[HttpMiddlewareCallback[InfoT]] = []
        self._chains: dict[HttpRequestCallback[InfoT, Any], _Chain[InfoT]] = {}
        self._startup_handlers: list[LifespanHandler[InfoT]] = _checked_list(
            "startup handler", startup_handlers, LIFESPAN_HANDLER
        )
        self._shutdown_handlers: list[LifespanHandler[InfoT]] = _checked_list(
            "shutdown handler", shutdown_handlers, LIFESPAN_HANDLER
        )
        self._not_found = not_found_handler(not_found_response)
        # The tree routers answer a path no route has themselves: with the
        # application's not-found response, when one is given.
        if not_found_response is not None:
            _hand_not_found(self._http_router, self._not_found)
        router = self._http_router
        # The tree router's routes without variables are looked up in __call__ before
        # any call: most requests are for one of them. Another router has none there.
        self._resolve_http: _ResolveHttp
        self._exact_routes: _ExactRoutes
        if _is_tree_router(router):
            self._resolve_http, self._exact_routes = router.resolve_route, router.exact_routes
        else:
            self._resolve_http = lambda method, path: (*router.resolve(method, path), None)
            self._exact_routes = {}
        ws_router = self._ws_router
        self._resolve_websocket: _ResolveWebSocket = (
            ws_router.resolve_route
            if isinstance(ws_router, WebSocketTreeRouter)
            else lambda path: (*ws_router.resolve(path), None)
        )
        # Without ``info`` there is nothing to infer InfoT from, so it takes its default,
        # ``dict[str, Any]``, which a new dict is.
        self._info: InfoT = cast(InfoT, {}) if info is None else info
        if type(max_request_body) is not int or max_request_body < 0:
            raise ValueError(
                f"max_request_body must be a non-negative int (UNLIMITED to lift the "
                f"limit), not {max_request_body!r}"
            )
        self._max_request_body = max_request_body
        if lifespan is not None and not callable(lifespan):
            raise TypeError(
                f"lifespan must be a callable taking info and giving an async context "
                f"manager (such as an @asynccontextmanager function), not {lifespan!r}"
            )
        self._lifespan = lifespan
        self._mounts: Mounts | None = None  # made by the first mount(): a miss checks for None

    @property
    def info(self) -> InfoT:
        """The object given as ``info``, passed to every handler."""
        return self._info

    @property
    def max_request_body(self) -> int:
        """The bytes the body readers read when called without ``max_size``."""
        return self._max_request_body

    @property
    def middlewares(self) -> list[HttpMiddlewareCallback[InfoT]]:
        """The global HTTP middlewares, outermost first; the list may be changed."""
        return self._middlewares

    @property
    def http_router(self) -> HttpRouter[InfoT]:
        """The router of HTTP requests."""
        return self._http_router

    @property
    def ws_router(self) -> WebSocketRouter[InfoT]:
        """The router of WebSocket connections."""
        return self._ws_router

    @property
    def startup_handlers(self) -> list[LifespanHandler[InfoT]]:
        """The handlers run in order when the server starts; the list may be changed."""
        return self._startup_handlers

    @property
    def shutdown_handlers(self) -> list[LifespanHandler[InfoT]]:
        """The handlers run in order when the server stops; the list may be changed."""
        return self._shutdown_handlers

    def route_of(
        self, handler: Callable[[Any, Any, RouteMatchesT, Any], Awaitable[object]], /
    ) -> RouteHandle[RouteMatchesT]:
        """The route ``handler`` is on, typed by its ``matches``: ``route_of(h).url({...})``.

        A type checker then checks the values given to ``url()`` against the
        handler's matches ``TypedDict``, where ``url_for`` takes any keywords. Looks in
        both routers, where they are bareasgi's tree routers. Raises ``LookupError``
        for a handler that is not routed there, and ``ValueError`` for one routed on
        several templates.
        """
        for router in (self._http_router, self._ws_router):
            if isinstance(router, TreeRouter):
                template = router.template_of(handler)
                if template is not None:
                    return RouteHandle(template)
        name = getattr(handler, "__qualname__", repr(handler))
        raise LookupError(
            f"{name!r} is not routed in the application's routers: add it to one first "
            "(route_of() finds routes in bareasgi's own routers only)"
        )

    def add_converter(self, name: str, type_: TypeForm[Any]) -> None:
        """Make ``name`` usable as a template type (``/post/<slug:name>``) in both routers.

        ``type_`` is anything Pydantic validates from a string, such as an
        ``Annotated[str, StringConstraints(...)]`` or an ``Enum``. Raises
        :class:`~bareasgi.errors.ConverterError` for a name already taken or a type
        Pydantic cannot read from a path segment.
        """
        self._converters.add(name, type_)

    def mount(self, prefix: str, app: AsgiApplication) -> None:
        """Serve the ASGI application ``app`` for the paths ``prefix`` and ``prefix + '/...'``.

        HTTP requests and WebSocket connections whose path no route of this
        application has go to ``app``, with the scope's ``root_path`` set to the
        prefix and ``path`` kept whole (as the ASGI spec has it), so that a
        Starlette application routes, and builds its URLs, under the prefix. Global
        middlewares do not wrap it (they wrap handlers); the lifespan is not passed
        on. Raises ``ValueError`` for a prefix that does not start with ``/``, ends
        with one, or is already mounted::

            app.mount('/metrics', prometheus_client.make_asgi_app())
        """
        if self._mounts is None:
            self._mounts = Mounts()
        self._mounts.add(prefix, app)

    def on_http_request(
        self, methods: Set[str], path: str, *, name: str | None = None
    ) -> Callable[
        [Callable[[HttpScopeOrScope, InfoT, DeclaredMatches, Content], AsyncDefReturningHttpResponse]],
        Callable[[HttpScopeOrScope, InfoT, DeclaredMatches, Content], AsyncDefReturningHttpResponse],
    ]:
        """Decorator: route ``methods`` on ``path`` to the function, and give it back."""

        def decorate(
            handler: Callable[[HttpScopeOrScope, InfoT, DeclaredMatches, Content], AsyncDefReturningHttpResponse],
        ) -> Callable[[HttpScopeOrScope, InfoT, DeclaredMatches, Content], AsyncDefReturningHttpResponse]:
            # Whichever scope type it declares, the handler takes an HttpScope, as
            # HttpRequestCallback asks; pyright does not solve the constrained type
            # variable to see that, mypy does.
            self._http_router.add(methods, path, cast(_AnyHttpHandler[InfoT], handler), name=name)
            return handler

        return decorate

    def on_ws_request(
        self, path: str, *, name: str | None = None
    ) -> Callable[
        [Callable[[WebSocketScopeOrScope, InfoT, DeclaredMatches, WebSocket], AsyncDefReturningNone]],
        Callable[[WebSocketScopeOrScope, InfoT, DeclaredMatches, WebSocket], AsyncDefReturningNone],
    ]:
        """Decorator: route WebSocket connections on ``path`` to the function, and give it back."""

        def decorate(
            handler: Callable[[WebSocketScopeOrScope, InfoT, DeclaredMatches, WebSocket], AsyncDefReturningNone],
        ) -> Callable[[WebSocketScopeOrScope, InfoT, DeclaredMatches, WebSocket], AsyncDefReturningNone]:
            # As in on_http_request: the handler takes a WebSocketScope.
            self._ws_router.add(path, cast(_AnyWebSocketHandler[InfoT], handler), name=name)
            return handler

        return decorate

    def on_startup(
        self, handler: Callable[[LifespanScopeOrScope, InfoT, LifespanEventOrMessage], AsyncDefReturningNone]
    ) -> Callable[[LifespanScopeOrScope, InfoT, LifespanEventOrMessage], AsyncDefReturningNone]:
        """Decorator: run the function when the server starts, and give it back."""
        require_async_callable("startup handler", handler, LIFESPAN_HANDLER)
        self._startup_handlers.append(cast(LifespanHandler[InfoT], handler))  # as in on_http_request
        return handler

    def on_shutdown(
        self, handler: Callable[[LifespanScopeOrScope, InfoT, LifespanEventOrMessage], AsyncDefReturningNone]
    ) -> Callable[[LifespanScopeOrScope, InfoT, LifespanEventOrMessage], AsyncDefReturningNone]:
        """Decorator: run the function when the server stops, and give it back."""
        require_async_callable("shutdown handler", handler, LIFESPAN_HANDLER)
        self._shutdown_handlers.append(cast(LifespanHandler[InfoT], handler))  # as in on_http_request
        return handler

    async def __call__(self, scope: Scope, receive: ServerReceive, send: ServerSend) -> None:
        """The ASGI 3 entry point, for ``http``, ``websocket`` and ``lifespan`` scopes.

        ``receive`` and ``send`` are taken as any server types them, and read and
        written through the precise events of :mod:`bareasgi.asgi`. An HTTP request is
        served here, top to bottom, keeping the rules :mod:`bareasgi.http` states: it
        is every request but one, so it pays for no call it can do without.
        """
        if scope["type"] != "http":
            await self._serve_other(scope, receive, send)
            return
        # The server vouches for the shape of the scope it names; each server has
        # TypedDicts of its own for it, so the type cannot be checked here.
        http_scope: HttpScope = scope  # type: ignore[assignment]  # as cast() would, without its call
        content = RequestBody(receive, self._max_request_body)
        handler: HttpRequestCallback[Any, Any] | None
        matches: RouteMatches
        template: str | None
        headers: Headers | None
        try:
            exact = self._exact_routes.get(http_scope["path"])
            route = exact.get(http_scope["method"]) if exact is not None else None
            if route is not None:  # a route without variables: no call to find it
                handler, matches, template = route.handler, {}, route.text
            else:
                # Resolving runs the application's own converters: a fault there is a 500.
                handler, matches, template = self._resolve_http(http_scope["method"], http_scope["path"])
            if handler is None:
                if self._mounts is not None:
                    mounted = self._mounts.find(http_scope["path"])
                    if mounted is not None:
                        await serve_mounted(*mounted, scope, receive, send)
                        return
                handler = self._not_found
            elif template is not None:
                http_scope["route_template"] = template  # the server's dict: seen outside too
            if self._middlewares:
                outermost, inner = self._chain(handler)
                response = await outermost(http_scope, self._info, matches, content, inner)
            else:
                response = await handler(http_scope, self._info, matches, content)
            if type(response) is tuple and len(response) == 3 and type(response[0]) is int:
                status, headers, body = response  # the usual form, without building a 4-tuple
                pushes = None
            else:
                status, headers, body, pushes = full_response(response)
                for _, push_headers in pushes or ():
                    check_headers(push_headers)
            if not isinstance(headers, _LIST_OR_TUPLE):
                headers = list(headers) if headers else ()  # None, or another iterable: read once
            for header in headers:
                try:
                    if header in CHECKED_HEADERS:  # found safe before
                        continue
                except TypeError:  # a pair that cannot be hashed, so not (bytes, bytes)
                    pass
                check_headers(headers)  # each pair searched: raises for one that breaks the response
                break
            if body is not None and type(body) is not BytesBody and not hasattr(body, "__aiter__"):
                raise TypeError(
                    f"a handler returned a body of type {type(body).__name__}: expected an "
                    "async iterable of bytes, such as bytes_writer(...) or text_writer(...)"
                )
        except ClientDisconnect:
            return
        except Exception as error:
            if is_client_disconnect(error):
                return  # a group of nothing but the client leaving, from a handler's task group
            status, headers, body = error_response(http_scope, error)
            pushes = None
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            if pushes and "http.response.push" in (http_scope.get("extensions") or {}):
                for path, push_headers in pushes:
                    await send({"type": "http.response.push", "path": path, "headers": push_headers})
            if body is None:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            elif http_scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                await close_body(body)
            elif type(body) is BytesBody and body.chunk_size < 0:
                await send({"type": "http.response.body", "body": body.data, "more_body": False})
            else:
                await stream_body(body, content, send, http_scope)
        except OSError:
            await close_body(body)  # the client left: servers on ASGI spec 2.4 raise from send
        except Exception:
            await close_body(body)
            LOGGER.exception(
                "%s: sending the response failed",
                request_line(http_scope["method"], http_scope["path"]),
            )
        except anyio.get_cancelled_exc_class():
            await close_body(body)  # the server cancelled the request (shutdown) while send waited
            raise

    def _chain(self, handler: HttpRequestCallback[InfoT, Any]) -> _Chain[InfoT]:
        """``handler`` inside the global middlewares: composed once, while the list stays as it is.

        Given as the outermost middleware and the chain it calls as its ``handler``:
        what the outermost answers goes straight to the response, which takes every
        form, so it needs no link of its own. The list is the user's to change at any
        time (``app.middlewares.append(...)``): it is compared with the copy the chains
        were made from (a comparison of a few references), and a change starts them
        anew.
        """
        if self._middlewares != self._chained_middlewares:
            # The list was changed since the chains were made: check what is in it now.
            for index, middleware in enumerate(self._middlewares):
                require_async_callable(f"middleware {index}", middleware, HTTP_MIDDLEWARE)
            self._chained_middlewares = list(self._middlewares)
            self._chains.clear()
        try:
            return self._chains[handler]
        except KeyError:
            chain = self._compose(handler)
            if len(self._chains) >= _MAX_CHAINS:  # a router that makes a handler per request
                self._chains.clear()
            self._chains[handler] = chain
            return chain
        except TypeError:  # a handler that cannot be a key: composed each time
            return self._compose(handler)

    def _compose(self, handler: HttpRequestCallback[InfoT, Any]) -> _Chain[InfoT]:
        outermost, *inner = self._chained_middlewares
        return outermost, compose(inner, handler)

    async def _serve_other(self, scope: Scope, receive: ServerReceive, send: ServerSend) -> None:
        """Serve a ``websocket`` or ``lifespan`` scope; refuse any other kind."""
        kind = scope["type"]
        if kind == "websocket":
            ws_scope = cast(WebSocketScope, scope)
            try:
                ws_handler, matches, template = self._resolve_websocket(ws_scope["path"])
            except Exception:  # in the application's own converters: refuse, as for no route
                LOGGER.exception(
                    "WebSocket %s: resolving the route failed", client_text(ws_scope["path"])
                )
                ws_handler, matches, template = None, _NO_MATCHES, None
            if template is not None:
                ws_scope["route_template"] = template  # the server's dict: seen outside too
            elif ws_handler is None and self._mounts is not None:
                mounted = self._mounts.find(ws_scope["path"])
                if mounted is not None:
                    await serve_mounted(*mounted, scope, receive, send)
                    return
            await serve_websocket(ws_scope, receive, send, ws_handler, matches, self._info)
        elif kind == "lifespan":
            await serve_lifespan(
                cast(LifespanScope, scope),
                receive,
                send,
                self._startup_handlers,
                self._shutdown_handlers,
                self._info,
                self._lifespan,
            )
        else:
            raise ValueError(f"bareasgi does not serve ASGI scopes of type {kind!r}")


_NO_MATCHES: RouteMatches = {}


def _hand_not_found(router: object, handler: HttpRequestCallback[object, object]) -> None:
    """Make ``handler`` the not-found handler of ``router``, if it is a tree router."""
    if _is_tree_router(router):
        router.not_found = handler


def _is_tree_router(router: object) -> TypeIs[HttpTreeRouter[Any]]:
    return isinstance(router, HttpTreeRouter)


def _registry_of(router: object) -> ConverterRegistry | None:
    registry = getattr(router, "converters", None)
    return registry if isinstance(registry, ConverterRegistry) else None


def _checked_list(
    role: str, callbacks: list[_CallbackT] | None, parameters: tuple[str, ...]
) -> list[_CallbackT]:
    """A new list of ``callbacks``, each checked to be an async callable taking ``parameters``."""
    checked = list(callbacks or ())
    for index, callback in enumerate(checked):
        require_async_callable(f"{role} {index}", callback, parameters)
    return checked
