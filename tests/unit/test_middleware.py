"""Middleware: global ones around every request, per-route ones with mw()."""

from __future__ import annotations

import email.message
import urllib.error

import pytest

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpError,
    HttpFullResponse,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    add_error_headers,
    bytes_reader,
    bytes_writer,
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


# --- HttpError reaches middleware as its response ---------------------------------------


def recording(seen: list[HttpFullResponse | BaseException]) -> HttpMiddlewareCallback:
    """A middleware that records what the rest of the chain answered, or raised."""

    async def middleware(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        try:
            response = await handler(scope, info, matches, content)
        except Exception as error:
            seen.append(error)
            raise
        seen.append(response)
        return response

    return middleware


async def refusing(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise HttpError(409, "taken", [(b"x-reason", b"duplicate")])


async def failing(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise KeyError("email")


async def body_of(response: HttpFullResponse | BaseException) -> bytes:
    assert isinstance(response, tuple), response
    return await bytes_reader(response[2] or bytes_writer(b""))


async def test_an_http_error_from_the_handler_reaches_middleware_as_its_response(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[HttpFullResponse | BaseException] = []
    app = Application(middlewares=[recording(seen)])
    app.http_router.add({"GET"}, "/", refusing)
    exchange = await call(app, http_scope())
    [response] = seen
    assert isinstance(response, tuple)
    status, headers, _, pushes = response
    assert (status, pushes) == (409, None)
    assert (b"x-reason", b"duplicate") in headers
    assert (b"content-type", b"text/plain; charset=utf-8") in headers
    assert await body_of(response) == b"taken"
    assert (exchange.status, exchange.body) == (409, b"taken")
    assert [r for r in caplog.records if r.name == "bareasgi"] == []


async def test_an_http_error_from_an_inner_middleware_reaches_the_outer_one_as_its_response() -> None:
    seen: list[HttpFullResponse | BaseException] = []

    async def gate(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        raise HttpError(401, "Sign in first")

    app = Application(middlewares=[recording(seen), gate])
    app.http_router.add({"GET"}, "/", hello)
    exchange = await call(app, http_scope())
    assert [type(found) for found in seen] == [tuple]
    assert (seen[0][0], await body_of(seen[0])) == (401, b"Sign in first")  # type: ignore[index]  # a tuple, asserted above
    assert exchange.status == 401


async def test_a_middleware_can_change_the_response_an_http_error_stands_for() -> None:
    async def retitled(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        status, headers, body, pushes = await handler(scope, info, matches, content)
        return status, [*headers, (b"x-seen", str(status).encode())], body, pushes

    app = Application(middlewares=[retitled])
    app.http_router.add({"GET"}, "/", refusing)
    exchange = await call(app, http_scope())
    assert (exchange.status, exchange.headers[b"x-seen"], exchange.body) == (409, b"409", b"taken")


async def test_a_urllib_http_error_reaches_middleware_as_its_response() -> None:
    seen: list[HttpFullResponse | BaseException] = []

    async def legacy(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise urllib.error.HTTPError("/", 418, "short and stout", email.message.Message(), None)

    app = Application(middlewares=[recording(seen)])
    app.http_router.add({"GET"}, "/", legacy)
    exchange = await call(app, http_scope())
    assert [(found[0], await body_of(found)) for found in seen if isinstance(found, tuple)] == [
        (418, b"short and stout")
    ]
    assert exchange.status == 418


async def test_other_exceptions_pass_up_through_middleware_and_become_the_logged_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outer: list[HttpFullResponse | BaseException] = []
    inner: list[HttpFullResponse | BaseException] = []
    app = Application(middlewares=[recording(outer), recording(inner)])
    app.http_router.add({"GET"}, "/", failing)
    exchange = await call(app, http_scope())
    assert [type(found) for found in outer + inner] == [KeyError, KeyError]
    assert outer[0] is inner[0]
    assert (exchange.status, exchange.body) == (500, b"Internal Server Error")
    [record] = [r for r in caplog.records if r.name == "bareasgi"]
    assert record.exc_info is not None and record.exc_info[1] is outer[0]


async def test_an_http_error_that_cannot_be_sent_passes_up_as_an_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[HttpFullResponse | BaseException] = []

    async def broken(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise HttpError(400, object())  # type: ignore[arg-type]  # the mistake under test

    app = Application(middlewares=[recording(seen)])
    app.http_router.add({"GET"}, "/", broken)
    exchange = await call(app, http_scope())
    assert len(seen) == 1 and isinstance(seen[0], Exception)
    assert exchange.status == 500
    assert len([r for r in caplog.records if r.name == "bareasgi"]) == 1


async def test_per_route_middleware_sees_the_http_error_as_its_response_too() -> None:
    seen: list[HttpFullResponse | BaseException] = []
    app = Application()
    app.http_router.add({"GET"}, "/", mw(recording(seen), handler=refusing))
    exchange = await call(app, http_scope())
    assert [found[0] for found in seen if isinstance(found, tuple)] == [409]
    assert exchange.status == 409


async def test_headers_added_to_an_exception_go_out_on_its_500() -> None:
    async def request_id(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        try:
            return await handler(scope, info, matches, content)
        except Exception as error:
            add_error_headers(error, [(b"x-request-id", b"42")])
            raise

    app = Application(middlewares=[request_id])
    app.http_router.add({"GET"}, "/", failing)
    exchange = await call(app, http_scope())
    assert exchange.status == 500
    assert exchange.headers[b"x-request-id"] == b"42"
    assert exchange.headers[b"content-length"] == b"21"


async def test_a_middleware_adding_to_a_405_adds_once_per_response() -> None:
    async def stamping(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        status, headers, body, pushes = await handler(scope, info, matches, content)
        if isinstance(headers, list):
            headers.append((b"x-stamp", b"1"))
        return status, headers, body, pushes

    app = Application(middlewares=[stamping])
    app.http_router.add({"GET"}, "/", hello)
    for _ in range(3):
        exchange = await call(app, http_scope("DELETE", "/"))
        assert exchange.status == 405
        assert [value for name, value in exchange.start["headers"] if name == b"x-stamp"] == [b"1"]


# The outermost middleware is called by the application itself, without a link of its
# own around it: what it raises or answers must come out as from any other link.


async def _raising_http_error(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    raise HttpError(401, "Sign in first", [(b"www-authenticate", b"Bearer")])


async def _raising_urllib_error(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    raise urllib.error.HTTPError("/", 402, "Pay first", email.message.Message(), None)


async def _answering_a_bare_status(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    await handler(scope, info, matches, content)
    return 202


async def _answering_a_one_tuple(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    await handler(scope, info, matches, content)
    return (202,)


async def _answering_a_two_tuple(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    status, headers, _, _ = await handler(scope, info, matches, content)
    return status, [*headers, (b"x-outer", b"yes")]


@pytest.mark.parametrize("inner", [False, True], ids=["alone", "around-another"])
@pytest.mark.parametrize(
    ("outermost", "status", "headers", "body"),
    [
        (_raising_http_error, 401, [(b"www-authenticate", b"Bearer")], b"Sign in first"),
        (_raising_urllib_error, 402, [], b"Pay first"),
        (_answering_a_bare_status, 202, [], b""),
        (_answering_a_one_tuple, 202, [], b""),
        (_answering_a_two_tuple, 200, [(b"content-type", b"text/plain"), (b"x-outer", b"yes")], b""),
    ],
    ids=["http-error", "urllib-error", "int", "1-tuple", "2-tuple"],
)
async def test_the_outermost_middleware_answers_in_any_form_as_an_inner_one_would(
    outermost: HttpMiddlewareCallback,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    inner: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    trail: list[str] = []
    app = Application(middlewares=[outermost, *([tagging("inner", trail)] if inner else [])])
    app.http_router.add({"GET"}, "/", hello)
    for _ in range(2):  # composed, then the kept chain
        exchange = await call(app, http_scope())
        assert (exchange.status, exchange.body) == (status, body)
        sent = [h for h in exchange.start["headers"] if h[0] not in (b"content-length", b"x-trail")]
        expected = headers
        if body and not any(name == b"content-type" for name, _ in headers):
            expected = [*headers, (b"content-type", b"text/plain; charset=utf-8")]
        assert sent == expected
    assert [r for r in caplog.records if r.name == "bareasgi"] == []
