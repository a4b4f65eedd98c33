"""The HTTP router: method and path to handler, with 405, HEAD, and trailing-slash policy."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Mapping, Set
from typing import TYPE_CHECKING, Any, Literal, cast, final
from urllib.parse import quote, quote_from_bytes

from ..asgi import HttpScope
from ..checks import HTTP_HANDLER, require_async_callable
from ..errors import TemplateError
from ..http import check_headers
from ..middleware import full_response
from ..streaming import BytesBody
from ..types import (
    Content,
    HttpRequestCallback,
    HttpResponse,
    InfoT,
    MatchesT,
    RouteMatches,
)
from .converters import ConverterRegistry
from .router import Route, TrailingSlash, TreeRouter, toggle_trailing_slash, without_trailing_slash
from .tree import ConversionFailure
from .typed_matches import require_handler_kind

if TYPE_CHECKING:
    from pydantic_core import ValidationError

# An upper-case HTTP token (RFC 9110, section 5.6.2), such as GET or M-SEARCH.
_METHOD = re.compile(r"[A-Z][A-Z0-9!#$%&'*+.^_`|~-]*")

ConversionErrorStatus = Literal[400, 404, 422]
"""The status for a path that fits a template but not its variables' types."""

# Safe to share: the headers are a tuple, and a BytesBody can be sent any number of times.
_NOT_FOUND: HttpResponse = (
    404,
    ((b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"9")),
    BytesBody(b"Not Found"),
)


@final
class HttpTreeRouter(TreeRouter[HttpRequestCallback[InfoT, Any]]):
    """The default HTTP router.

    ``resolve`` finds the handler for a method and path: literal segments first, then
    variables in the order added, then ``path`` catch-alls, backtracking when a
    variable's segment does not convert. ``HEAD`` falls back to the ``GET`` route. When
    the path matches but not the method it gives a handler answering 405 with an
    ``allow`` header; with ``conversion_error_status`` 400 or 422, a path that fits a
    template but not its types gets a handler answering that status with a JSON body
    naming each variable and the reason. A path no route has gets :attr:`not_found`:
    a plain 404, which ``Application(not_found_response=...)`` replaces.
    """

    def __init__(
        self,
        converters: ConverterRegistry | None = None,
        *,
        trailing_slash: TrailingSlash = "strict",
        conversion_error_status: ConversionErrorStatus = 404,
    ) -> None:
        super().__init__(converters, trailing_slash=trailing_slash)
        if conversion_error_status not in (400, 404, 422):
            raise ValueError(
                f"conversion_error_status must be 400, 404 or 422, not {conversion_error_status!r}"
            )
        self.conversion_error_status = conversion_error_status
        self.not_found: HttpRequestCallback[InfoT, Any] = _NOT_FOUND_HANDLER
        """What :meth:`resolve` gives for a path no route has."""

    @property
    def exact_routes(self) -> Mapping[str, Mapping[str, Route[HttpRequestCallback[InfoT, Any]]]]:
        """The routes of templates without variables, by path, then by method: live.

        A path found here is resolved by two dict lookups, as :meth:`resolve_route`
        would resolve it (HEAD falls back to GET only in :meth:`resolve_route`).
        """
        return self._tree.static

    def add(
        self,
        methods: Set[str],
        path: str,
        callback: HttpRequestCallback[InfoT, MatchesT],
        *,
        name: str | None = None,
    ) -> None:
        """Route ``methods`` (upper-case) on the template ``path`` to ``callback``.

        Raises :class:`~bareasgi.errors.TemplateError` naming the template for a bad
        template, or for a method already routed on it; ``TypeError`` for methods
        that are not a set of strings, and for a callback that is not ``async``, does
        not take four parameters, or is annotated as a WebSocket handler.
        """
        given: object = methods  # checked as any object: callers are not always typed
        if isinstance(given, str) or not isinstance(given, Set) or not given:
            raise TypeError(
                f"{path!r}: methods must be a non-empty set such as {{'GET'}}, not {methods!r}"
            )
        for method in given:
            if not isinstance(method, str) or not _METHOD.fullmatch(method):
                raise TemplateError(
                    f"{path!r}: method {method!r} must be an upper-case name such as 'GET'"
                )
        def check() -> None:
            require_async_callable(f"{path!r}: handler", callback, HTTP_HANDLER)
            require_handler_kind(f"{path!r}: handler", callback, "http")

        self._check_once(callback, check)
        self._add(sorted(methods), path, callback, name)

    def resolve(
        self, method: str, path: str
    ) -> tuple[HttpRequestCallback[InfoT, Any], RouteMatches]:
        """The handler for ``method`` on ``path``, and the route's converted variables.

        For a path no route has, :attr:`not_found` (the application's not-found
        response) and no matches.
        """
        static = self._tree.static.get(path)  # the usual case first: no variables, method routed
        if static is not None and method in static:
            return static[method].handler, {}
        route, matches, reached = self._find(
            path, method, "GET" if method == "HEAD" else "", static is None
        )
        if route is not None:
            return route.handler, matches
        handler = self._miss(method, path, matches, reached)
        return (handler if handler is not None else self.not_found), matches

    def resolve_route(
        self, method: str, path: str
    ) -> tuple[HttpRequestCallback[InfoT, Any] | None, RouteMatches, str | None]:
        """As :meth:`resolve`, and the template of the route found (``None`` when none was).

        For a path no route has, ``None`` rather than :attr:`not_found`, so that the
        application can tell it from the answers the router makes itself (405, a
        redirect) and pass the request to a mounted application.
        """
        static = self._tree.static.get(path)
        if static is not None and method in static:
            found = static[method]
            return found.handler, {}, found.text
        route, matches, reached = self._find(
            path, method, "GET" if method == "HEAD" else "", static is None
        )
        if route is not None:
            return route.handler, matches, route.text
        if reached is None and self.trailing_slash != "redirect" and self.conversion_error_status == 404:
            return None, matches, None
        return self._miss(method, path, matches, reached), matches, None

    def _miss(
        self,
        method: str,
        path: str,
        matches: RouteMatches,
        reached: dict[str, Route[HttpRequestCallback[InfoT, Any]]] | None,
    ) -> HttpRequestCallback[InfoT, Any] | None:
        """The router's own answer for a path no route of ``method`` has; ``None``: not found."""
        if reached is not None:
            return _method_not_allowed(reached)
        if self.trailing_slash == "redirect":
            other, _, elsewhere = self._find(toggle_trailing_slash(path), method, "")
            if other is not None or elsewhere is not None:
                return _redirect_to_other_slash
        if self.conversion_error_status != 404:
            return self._conversion_error(path)
        return None

    def _conversion_error(self, path: str) -> HttpRequestCallback[InfoT, Any]:
        if self.trailing_slash == "lenient":
            path = without_trailing_slash(path)
        explained = self._tree.explain(path)
        if explained is None:
            return self.not_found
        routes, failures = explained
        route = next(iter(routes.values()))
        body = json.dumps({"detail": [_describe(route, failure) for failure in failures]})
        return _fixed_response(
            self.conversion_error_status,
            [(b"content-type", b"application/json")],
            body.encode("utf-8"),
        )


def _describe(
    route: Route[HttpRequestCallback[InfoT, Any]], failure: ConversionFailure
) -> dict[str, Any]:
    variable = route.template.segments[failure.position]
    name = variable.name if not isinstance(variable, str) else variable
    reason = failure.error
    # Pydantic's ValidationError, if Pydantic raised it (and so has been imported).
    core = sys.modules.get("pydantic_core")
    if core is not None and isinstance(reason, core.ValidationError):
        message = cast("ValidationError", reason).errors()[0]["msg"]
    else:
        message = str(reason)
    return {
        "variable": name,
        "type": failure.converter.type_name,
        "value": failure.segment,
        "reason": message,
    }


def _fixed_response(
    status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> HttpRequestCallback[object, object]:
    headers = [*headers, (b"content-length", str(len(body)).encode("ascii"))]

    async def respond(
        scope: HttpScope, info: object, matches: object, content: Content, /
    ) -> HttpResponse:
        return status, list(headers), BytesBody(body)  # a list of its own: middleware may add

    return respond


def not_found_handler(response: HttpResponse | None = None) -> HttpRequestCallback[object, object]:
    """A handler answering ``response`` (default: ``404 Not Found``) every time; checked now.

    Raises ``TypeError`` for a response that is not one of the response forms, or
    whose body could be sent only once.
    """
    fixed = response if response is not None else _NOT_FOUND
    try:
        _, headers, body, _ = full_response(fixed)
    except TypeError as error:
        raise TypeError(f"not_found_response: {error}") from None
    try:
        check_headers(headers)
    except ValueError as error:
        raise ValueError(f"not_found_response: {error}") from None
    if body is not None and aiter(body) is body:
        raise TypeError(
            "not_found_response: its body is a single-use iterator, so only the first "
            "request would get it; use text_writer() or bytes_writer(), which can be sent again"
        )

    async def not_found(
        scope: HttpScope, info: object, matches: object, content: Content, /
    ) -> HttpResponse:
        return fixed

    return not_found


_NOT_FOUND_HANDLER = not_found_handler()


def _method_not_allowed(
    routes: dict[str, Route[HttpRequestCallback[InfoT, Any]]],
) -> HttpRequestCallback[object, object]:
    return _not_allowed(frozenset(routes))


# One 405 handler for each set of methods, so that the application's cache of global
# middleware chains (kept by handler) holds for 405s too: CORS preflights are 405s to
# the router. The sets are those of the application's own routes: a bounded few.
@functools.lru_cache(maxsize=1024)
def _not_allowed(methods: frozenset[str]) -> HttpRequestCallback[object, object]:
    allowed = set(methods)
    if "GET" in allowed:
        allowed.add("HEAD")
    allow = ", ".join(sorted(allowed)).encode("ascii")
    return _fixed_response(
        405,
        [(b"allow", allow), (b"content-type", b"text/plain; charset=utf-8")],
        b"Method Not Allowed",
    )


async def _redirect_to_other_slash(
    scope: HttpScope, info: object, matches: object, content: Content, /
) -> HttpResponse:
    """308 to the same path with the trailing slash added or removed, query kept."""
    path = toggle_trailing_slash(scope["path"])  # decoded (ASGI HTTP scope): encoded again
    return 308, [(b"location", same_site_location(path, scope.get("query_string", b"")))]


# What RFC 3986 lets a path segment hold as it is (pchar, less '%'), and a query too.
_PATH_SAFE = "/:@!$&'()*+,;=~"
_QUERY_SAFE = _PATH_SAFE + "?%"


def same_site_location(path: str, query: bytes = b"") -> bytes:
    """A ``location`` for ``path`` (decoded, as in the ASGI scope) that stays on this site.

    Everything but the characters a URI path holds as they are is percent-encoded, so
    no backslash, space, tab, newline or other control character is left for a
    browser to turn into a '/' or to strip; and a second leading slash is written
    ``%2F``, so the result never starts with '//' or '/\\' and every URL parser reads
    it as a path on this host, never as a scheme-relative URL naming another. The query
    is kept, with anything a query cannot hold percent-encoded.
    """
    # A lone surrogate (from a server decoding bytes that are not UTF-8) is written
    # as its three bytes, rather than failing the response.
    location = quote(path, safe=_PATH_SAFE, errors="surrogatepass")
    if not location.startswith("/"):
        location = "/" + location
    if location.startswith("//"):
        location = "/%2F" + location[2:]
    if query:
        location += "?" + quote_from_bytes(query, safe=_QUERY_SAFE)
    return location.encode("ascii")
