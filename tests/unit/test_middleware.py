"""Middleware: global ones around every request, per-route ones with mw()."""

from __future__ import annotations

import pytest

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    mw,
    text_writer,
)
from bareasgi.types import HttpMiddlewareCallback, HttpRequestCallback

from .peer import call, http_scope

pytestmark = pytest.mark.anyio


def tagging(tag: str, trail: list[str]) -> HttpMiddlewareCallback:
    """A middleware that records its turn and adds an ``x-trail`` header on the way out."""

    async def middleware(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        trail.append(f"{tag} in")
        status, headers, body, pushes = await handler(scope, info, matches, content)
        trail.append(f"{tag} out")
        return status, [*headers, (b"x-trail", tag.encode())], body, pushes

    return middleware


async def bare(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def hello(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer("hello")


async def test_global_middlewares_wrap_every_route_in_order() -> None:
    trail: list[str] = []
    app = Application(middlewares=[tagging("first", trail), tagging("second", trail)])
    app.http_router.add({"GET"}, "/", hello)
    exchange = await call(app, http_scope())
    assert trail == ["first in", "second in", "second out", "first out"]
    assert [v for k, v in exchange.start["headers"] if k == b"x-trail"] == [b"second", b"first"]
    assert exchange.body == b"hello"


async def test_global_middlewares_also_see_not_found() -> None:
    trail: list[str] = []
    app = Application(middlewares=[tagging("only", trail)])
    exchange = await call(app, http_scope("GET", "/nowhere"))
    assert exchange.status == 404 and trail == ["only in", "only out"]


async def test_middlewares_added_later_apply_to_the_next_request() -> None:
    trail: list[str] = []
    app = Application()
    app.http_router.add({"GET"}, "/", hello)
    await call(app, http_scope())
    app.middlewares.append(tagging("late", trail))
    await call(app, http_scope())
    assert trail == ["late in", "late out"]


async def test_every_change_to_the_middleware_list_applies_to_the_next_request() -> None:
    # The chain is composed once per handler and kept while the list stays as it is.
    trail: list[str] = []
    first, second = tagging("first", trail), tagging("second", trail)
    app = Application(middlewares=[first])
    app.http_router.add({"GET"}, "/", hello)

    async def request() -> list[str]:
        trail.clear()
        await call(app, http_scope())
        return list(trail)

    assert await request() == ["first in", "first out"]
    assert await request() == ["first in", "first out"]  # the kept chain
    app.middlewares.insert(0, second)
    assert await request() == ["second in", "first in", "first out", "second out"]
    app.middlewares.reverse()
    assert await request() == ["first in", "second in", "second out", "first out"]
    app.middlewares[1] = first
    assert await request() == ["first in", "first in", "first out", "first out"]
    del app.middlewares[:]
    assert await request() == []


async def test_the_handler_given_to_a_middleware_returns_the_full_tuple() -> None:
    seen: list[object] = []

    async def inspecting(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        response = await handler(scope, info, matches, content)
        seen.append(response)
        return response

    app = Application(middlewares=[inspecting])
    app.http_router.add({"GET"}, "/", bare)
    exchange = await call(app, http_scope())
    assert exchange.status == 204
    assert seen == [(204, [], None, None)]  # a list the middleware may append to


async def test_mw_wraps_one_route_only() -> None:
    trail: list[str] = []
    app = Application()
    app.http_router.add({"GET"}, "/wrapped", mw(tagging("a", trail), tagging("b", trail), handler=hello))
    app.http_router.add({"GET"}, "/plain", hello)
    await call(app, http_scope("GET", "/plain"))
    assert trail == []
    exchange = await call(app, http_scope("GET", "/wrapped"))
    assert trail == ["a in", "b in", "b out", "a out"]
    assert exchange.body == b"hello"


async def test_a_middleware_can_answer_without_calling_the_handler() -> None:
    async def gate(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        return 403

    app = Application(middlewares=[gate])
    app.http_router.add({"GET"}, "/", hello)
    assert (await call(app, http_scope())).status == 403


def test_a_sync_middleware_is_refused_at_once() -> None:
    def sync(*args: object) -> None: ...

    with pytest.raises(TypeError, match="middleware 0.*async def"):
        Application(middlewares=[sync])  # type: ignore[list-item]  # the mistake under test
    with pytest.raises(TypeError, match="middleware 1"):
        mw(tagging("ok", []), sync, handler=hello)  # type: ignore[arg-type]  # the mistake under test


def appending(name: bytes) -> HttpMiddlewareCallback:
    """A middleware as bareASGI 3.x add-ons write them: it appends to the headers it gets."""

    async def middleware(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        status, headers, body, pushes = await handler(scope, info, matches, content)
        headers.append((name, b"yes"))
        return status, headers, body, pushes

    return middleware


async def test_a_middleware_may_append_to_the_headers_of_a_bare_status() -> None:
    app = Application(middlewares=[appending(b"x-outer"), appending(b"x-inner")])
    app.http_router.add({"POST"}, "/", bare)
    exchange = await call(app, http_scope("POST", "/"))
    assert exchange.status == 204
    assert exchange.start["headers"] == [(b"x-inner", b"yes"), (b"x-outer", b"yes")]


async def test_a_middleware_appending_never_changes_the_handlers_own_list() -> None:
    shared = [(b"content-type", b"text/plain")]  # a handler's module-level constant, say

    async def constant(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, shared, text_writer("same")

    app = Application()
    app.http_router.add({"GET"}, "/", mw(appending(b"x-seen"), handler=constant))
    for _ in range(3):
        exchange = await call(app, http_scope())
        assert exchange.start["headers"] == [(b"content-type", b"text/plain"), (b"x-seen", b"yes")]
    assert shared == [(b"content-type", b"text/plain")]


def answering(answer: HttpResponse) -> HttpRequestCallback:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return answer

    return handler


async def test_a_middleware_gets_a_list_whatever_form_the_handler_answered_in() -> None:
    seen: list[object] = []

    async def noting(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        response = await handler(scope, info, matches, content)
        seen.append(type(response[1]))
        return response

    answers: list[HttpResponse] = [
        204,
        (204,),
        (200, None),
        (200, ((b"x", b"1"),)),
        (200, [(b"x", b"1")], None),
        (200, None, None, None),
    ]
    for answer in answers:
        app = Application(middlewares=[noting])
        app.http_router.add({"GET"}, "/", answering(answer))
        await call(app, http_scope())
    assert seen == [list] * len(answers)
