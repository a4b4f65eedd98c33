"""The HTTP router: method and path to handler, with 405, HEAD, and trailing-slash policy."""

from __future__ import annotations

import json
import re
from collections.abc import Set
from typing import Any, Literal, final
from urllib.parse import quote

from ..checks import require_async_callable
from ..errors import TemplateError
from ..streaming import BytesBody
from ..asgi import HttpScope
from ..types import Content, HttpRequestCallback, HttpResponse, InfoT, MatchesT, RouteMatches
from .converters import ConverterRegistry
from .router import Route, TrailingSlash, TreeRouter, toggle_trailing_slash, without_trailing_slash
from .tree import ConversionFailure

# An upper-case HTTP token (RFC 9110, section 5.6.2), such as GET or M-SEARCH.
_METHOD = re.compile(r"[A-Z][A-Z0-9!#$%&'*+.^_`|~-]*")

ConversionErrorStatus = Literal[400, 404, 422]
"""The status for a path that fits a template but not its variables' types."""


@final
class HttpTreeRouter(TreeRouter[HttpRequestCallback[InfoT, Any]]):
    """The default HTTP router.

    ``resolve`` finds the handler for a method and path: literal segments first, then
    variables in the order added, then ``path`` catch-alls, backtracking when a
    variable's segment does not convert. ``HEAD`` falls back to the ``GET`` route. When
    the path matches but not the method it gives a handler answering 405 with an
    ``allow`` header; with ``conversion_error_status`` 400 or 422, a path that fits a
    template but not its types gets a handler answering that status with a JSON body
    naming each variable and the reason.
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
        that are not a set of strings and for a callback that is not ``async``.
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
        require_async_callable(f"{path!r}: handler", callback)
        self._add(sorted(methods), path, callback, name)

    def resolve(
        self, method: str, path: str
    ) -> tuple[HttpRequestCallback[InfoT, Any] | None, RouteMatches]:
        """The handler for ``method`` on ``path``, and the route's converted variables.

        ``None`` when no route has the path (the application then sends its
        not-found response).
        """
        static = self._tree.static.get(path)  # the usual case first: no variables, method routed
        if static is not None and method in static:
            return static[method].handler, {}
        route, matches, reached = self._find(path, method, "GET" if method == "HEAD" else "")
        if route is not None:
            return route.handler, matches
        if reached is not None:
            return _method_not_allowed(reached), {}
        if self.trailing_slash == "redirect":
            other, _, elsewhere = self._find(toggle_trailing_slash(path), method, "")
            if other is not None or elsewhere is not None:
                return _redirect_to_other_slash, {}
        if self.conversion_error_status != 404:
            return self._conversion_error(path), matches
        return None, matches  # the empty matches of the miss: no need for another

    def _conversion_error(self, path: str) -> HttpRequestCallback[object, object] | None:
        if self.trailing_slash == "lenient":
            path = without_trailing_slash(path)
        explained = self._tree.explain(path)
        if explained is None:
            return None
        routes, failures = explained
        route = next(iter(routes.values()))
        body = json.dumps({"detail": [_describe(route, failure) for failure in failures]})
        return _fixed_response(
            self.conversion_error_status,
            [(b"content-type", b"application/json")],
            body.encode("utf-8"),
        )


def _describe(route: Route[HttpRequestCallback[InfoT, Any]], failure: ConversionFailure) -> dict[str, Any]:
    variable = route.template.segments[failure.position]
    name = variable.name if not isinstance(variable, str) else variable
    reason = failure.error
    errors = getattr(reason, "errors", None)
    message = errors()[0]["msg"] if callable(errors) else str(reason)
    return {
        "variable": name,
        "type": failure.converter.type_name,
        "value": failure.segment,
        "reason": message,
    }


def _fixed_response(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> HttpRequestCallback[object, object]:
    headers = [*headers, (b"content-length", str(len(body)).encode("ascii"))]

    async def respond(
        scope: HttpScope, info: object, matches: object, content: Content, /
    ) -> HttpResponse:
        return status, headers, BytesBody(body)

    return respond


def _method_not_allowed(routes: dict[str, Route[HttpRequestCallback[InfoT, Any]]]) -> HttpRequestCallback[object, object]:
    allowed = set(routes)
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
    # scope["path"] is percent-decoded (ASGI HTTP scope); a location must be a URI again.
    location = quote(toggle_trailing_slash(scope["path"]), safe="/:@!$&'()*+,;=~")
    query = scope.get("query_string", b"")
    target = location.encode("ascii") + (b"?" + query if query else b"")
    return 308, [(b"location", target)]
