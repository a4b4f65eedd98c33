"""Middleware: composing middleware callbacks around a handler.

Every link of a chain answers with the full 4-tuple, and an ``HttpError`` (or
``urllib.error.HTTPError``) raised inside a link comes out of it as the response it
stands for: a middleware sees every response the client gets, errors included. Any
other exception passes up through the chain as it is, so that a middleware tracking
errors sees it, and becomes the logged 500 outside the chain.
"""

from __future__ import annotations

import urllib.error
from collections.abc import Iterable
from typing import Any, cast

from typing_extensions import TypeAlias

from .checks import HTTP_HANDLER, HTTP_MIDDLEWARE, require_async_callable
from .errors import HttpError
from .http import HTTP_ERRORS, http_error_response
from .types import (
    Content,
    Headers,
    HttpChainCallback,
    HttpFullResponse,
    HttpMiddlewareCallback,
    HttpRequestCallback,
    HttpResponse,
    InfoT,
    MatchesT,
    PushResponses,
    Scope,
)


_AnyLength: TypeAlias = tuple[int, Headers | None, Content | None, PushResponses | None]


def full_response(
    response: HttpResponse,
) -> tuple[int, Headers, Content | None, PushResponses | None]:
    """Any of the five response forms as ``(status, headers, body, pushes)``.

    The headers are the handler's own (``()`` for none): nothing is copied, as the
    application sends them straight on. Raises ``TypeError`` for anything else, so a
    handler's mistake becomes a logged 500.
    """
    if type(response) is int:
        return response, (), None, None
    found: object = response  # checked as any object: handlers are not always typed
    if type(found) is tuple and 1 <= len(found) <= 4 and type(found[0]) is int:
        if len(found) == 3:  # the usual (status, headers, body), without padding
            status, headers, body = found
            return status, headers or (), body, None
        # One to four items, an int first, each the type its place takes in a typed
        # handler (a body of another type is refused before the response starts).
        padded = cast(_AnyLength, (*found, None, None, None)[:4])
        status, headers, body, pushes = padded
        return status, headers or (), body, pushes
    raise _not_a_response(response)


def chained_response(response: HttpResponse) -> HttpFullResponse:
    """The response as a middleware is given it: the headers a new list it may change.

    A new list every time, so a middleware appending to it never changes a list the
    handler keeps (a module-level constant, say), and ``[]`` when there were none.
    """
    status, headers, body, pushes = full_response(response)
    return status, list(headers), body, pushes


def _not_a_response(response: object) -> TypeError:
    return TypeError(
        f"a handler returned {response!r}: expected a status or a tuple "
        "(status, headers, body, pushes) with at least the status"
    )


def answer(error: HttpError | urllib.error.HTTPError) -> HttpFullResponse:
    """The response ``error`` stands for, as a middleware sees it.

    A urllib error whose code is no HTTP status, or an ``HttpError`` whose body cannot
    be sent, passes on as an exception: a mistake of the handler's, answered 500.
    """
    response = http_error_response(error)
    if response is None:
        raise error
    status, headers, body = response
    return status, list(headers), body, None  # a list, as every link gives the headers


def terminal(handler: HttpRequestCallback[InfoT, MatchesT]) -> HttpChainCallback[InfoT]:
    """The handler as the innermost link of a chain: its answer always a 4-tuple."""

    async def call(scope: Scope, info: InfoT, matches: Any, content: Content, /) -> HttpFullResponse:
        try:
            response = await handler(scope, info, matches, content)
        except HTTP_ERRORS as error:
            return answer(error)
        if type(response) is tuple and len(response) == 3 and type(response[0]) is int:
            status, headers, body = response  # the usual form, read here without a call
            return status, list(headers or ()), body, None
        return chained_response(response)

    # The chain stands for the handler: its name and annotations (the router reads
    # the type of ``matches`` from them) stay reachable through ``__wrapped__``, as
    # ``inspect.unwrap`` follows it. Only that one attribute is set: a chain may be
    # composed for one request (around a router's 405 answer, made per request),
    # where ``update_wrapper`` cost as much as routing the request.
    call.__wrapped__ = handler  # type: ignore[attr-defined]  # a function takes any attribute
    return call


def link(
    middleware: HttpMiddlewareCallback[InfoT], handler: HttpChainCallback[InfoT]
) -> HttpChainCallback[InfoT]:
    """``middleware`` in front of ``handler``."""

    async def call(scope: Scope, info: InfoT, matches: Any, content: Content, /) -> HttpFullResponse:
        try:
            response = await middleware(scope, info, matches, content, handler)
        except HTTP_ERRORS as error:
            return answer(error)
        if type(response) is tuple and len(response) == 4 and type(response[0]) is int:
            status, headers, body, pushes = response  # the form a middleware passes on
            return status, list(headers or ()), body, pushes
        return chained_response(response)

    call.__wrapped__ = handler  # type: ignore[attr-defined]  # as in terminal()
    return call


def compose(
    middlewares: Iterable[HttpMiddlewareCallback[InfoT]],
    handler: HttpRequestCallback[InfoT, MatchesT],
) -> HttpChainCallback[InfoT]:
    """``handler`` wrapped in ``middlewares``, the first outermost."""
    chain = terminal(handler)
    for middleware in reversed(tuple(middlewares)):
        chain = link(middleware, chain)
    return chain


def mw(
    *middlewares: HttpMiddlewareCallback[InfoT], handler: HttpRequestCallback[InfoT, MatchesT]
) -> HttpChainCallback[InfoT]:
    """A handler for one route that runs ``middlewares`` in order around ``handler``.

    The result is a handler like any other, to give to a router:

    >>> app.http_router.add({'GET'}, '/x', mw(first, second, handler=handler))  # doctest: +SKIP
    """
    for index, middleware in enumerate(middlewares):
        require_async_callable(f"mw(): middleware {index}", middleware, HTTP_MIDDLEWARE)
    require_async_callable("mw(): handler", handler, HTTP_HANDLER)
    return compose(middlewares, handler)
