"""What the types cannot see is checked when it is registered, and the aliases are real.

The run-time side of the typing promises: every exported alias can be read by
``typing.get_type_hints``; a handler, middleware or lifespan handler that does not fit
is refused where it is registered (or, for one appended to the application's lists
later, before it is first called); ``resolve()`` gives a handler for every path; and a
``matches`` annotation is checked against its template however it was imported.
"""

from __future__ import annotations

import datetime
import json
import logging
import typing
import warnings
from dataclasses import dataclass
from typing import TypedDict

import pytest
from pydantic import BaseModel

import bareasgi
from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpRequestCallback,
    HttpResponse,
    HttpScope,
    HttpTreeRouter,
    Info,
    LifespanEvent,
    LifespanScope,
    RouteMatches,
    TemplateError,
    UncheckedMatchesWarning,
    WebSocket,
    WebSocketRequestCallback,
    WebSocketScope,
    WebSocketTreeRouter,
    mw,
    bytes_reader,
    bytes_writer,
    json_response,
    text_response,
)

from bareasgi.types import JsonResponseValue

from ..unit.peer import call, http_scope, websocket_scope
from .guarded import handlers as guarded

pytestmark = pytest.mark.anyio

LIFESPAN = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}}


async def hello(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def live(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
    await web_socket.accept()
    await web_socket.close()


async def passing(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
) -> HttpResponse:
    return await handler(scope, info, matches, content)


async def started(scope: LifespanScope, info: Info, message: LifespanEvent) -> None:
    info["started"] = True


# --- the aliases are objects a program can read ---


def test_a_lifespan_handler_annotated_with_the_exports_has_readable_hints() -> None:
    hints = typing.get_type_hints(started)
    assert hints["message"] is LifespanEvent
    assert set(typing.get_args(hints["message"])) == {
        bareasgi.asgi.LifespanStartupEvent,
        bareasgi.asgi.LifespanShutdownEvent,
    }


@pytest.mark.parametrize(
    "name", sorted(name for name in bareasgi.types.__all__ + ["ReceiveEvent", "SendEvent"])
)
def test_no_alias_is_a_string_at_run_time(name: str) -> None:
    module = bareasgi.types if hasattr(bareasgi.types, name) else bareasgi.asgi
    assert not isinstance(getattr(module, name), str)


# --- resolve() gives a handler for every path ---


async def test_the_http_router_gives_the_not_found_response_for_an_unknown_path() -> None:
    app = Application(not_found_response=text_response(404, None, "Nothing here"))
    app.http_router.add({"GET"}, "/known", hello)
    handler, matches = app.http_router.resolve("GET", "/unknown")
    response = await handler(http_scope("GET", "/unknown"), app.info, matches, _empty())
    assert isinstance(response, tuple) and response[0] == 404
    exchange = await call(app, http_scope("GET", "/unknown"))
    assert (exchange.status, exchange.body) == (404, b"Nothing here")


async def test_without_a_not_found_response_the_router_answers_404() -> None:
    app = Application()
    exchange = await call(app, http_scope("GET", "/unknown"))
    assert (exchange.status, exchange.body) == (404, b"Not Found")


async def test_a_path_no_websocket_route_has_is_refused_before_accepting() -> None:
    app = Application()
    app.ws_router.add("/live", live)
    exchange = await call(app, websocket_scope("/elsewhere"), [{"type": "websocket.connect"}])
    assert [message["type"] for message in exchange.sent] == ["websocket.close"]


class _LegacyRouter:
    """A router of the user's own, written when resolve() gave None for no route."""

    def __init__(self) -> None:
        self.router: HttpTreeRouter[Info] = HttpTreeRouter()

    def add(self, methods: set[str], path: str, callback: HttpRequestCallback, *, name: str | None = None) -> None:
        self.router.add(methods, path, callback, name=name)

    def resolve(self, method: str, path: str) -> tuple[HttpRequestCallback | None, RouteMatches]:
        handler, matches = self.router.resolve(method, path)
        return (None, {}) if handler is self.router.not_found else (handler, matches)

    def url_for(self, name: str, /, **values: object) -> str:
        return self.router.url_for(name, **values)


async def test_a_router_of_the_users_own_that_gives_none_still_gets_the_not_found_response() -> None:
    legacy = _LegacyRouter()
    app = Application(  # type: ignore[call-overload]  # its resolve() may give None: the old contract
        http_router=legacy,
        not_found_response=text_response(404, None, "Gone fishing"),
    )
    app.http_router.add({"GET"}, "/known", hello)
    assert (await call(app, http_scope("GET", "/known"))).status == 204
    exchange = await call(app, http_scope("GET", "/unknown"))
    assert (exchange.status, exchange.body) == (404, b"Gone fishing")


# --- signatures are checked where they are registered ---


async def three(scope: HttpScope, info: Info, matches: RouteMatches) -> HttpResponse:
    return 204


async def four(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204


async def two(scope: LifespanScope, info: Info) -> None:
    pass


def test_a_middleware_with_four_parameters_is_refused_by_the_application() -> None:
    with pytest.raises(TypeError, match=r"middleware 0 'four' must take 5 positional parameters"):
        Application(middlewares=[four])  # type: ignore[list-item]  # the mistake under test


def test_a_middleware_with_four_parameters_is_refused_by_mw() -> None:
    with pytest.raises(TypeError, match=r"mw\(\): middleware 0 'four' must take 5"):
        mw(four, handler=hello)  # type: ignore[arg-type]  # the mistake under test


def test_a_handler_with_three_parameters_is_refused_by_the_router() -> None:
    with pytest.raises(TypeError, match=r"'/x': handler 'three' must take 4 positional parameters"):
        Application().http_router.add({"GET"}, "/x", three)  # type: ignore[arg-type]  # the mistake under test


def test_a_lifespan_handler_with_two_parameters_is_refused() -> None:
    with pytest.raises(TypeError, match=r"startup handler 0 'two' must take 3 positional parameters"):
        Application(startup_handlers=[two])  # type: ignore[list-item]  # the mistake under test
    with pytest.raises(TypeError, match=r"shutdown handler 'two' must take 3"):
        Application().on_shutdown(two)  # type: ignore[arg-type]  # the mistake under test


def test_a_websocket_handler_is_refused_by_the_http_router() -> None:
    with pytest.raises(TypeError, match=r"'live'.* is a WebSocket handler .*ws_router"):
        Application().http_router.add({"GET"}, "/x", live)  # type: ignore[arg-type]  # the mistake under test


def test_an_http_handler_is_refused_by_the_websocket_router() -> None:
    with pytest.raises(TypeError, match=r"'hello'.* is an HTTP handler .*http_router"):
        Application().ws_router.add("/x", hello)  # type: ignore[arg-type]  # the mistake under test


async def test_a_middleware_appended_later_is_checked_before_it_is_called(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Application(middlewares=[passing])
    app.http_router.add({"GET"}, "/x", hello)
    assert (await call(app, http_scope("GET", "/x"))).status == 204
    app.middlewares.append(four)  # type: ignore[arg-type]  # the mistake under test
    with caplog.at_level(logging.ERROR, "bareasgi"):
        exchange = await call(app, http_scope("GET", "/x"))
    assert exchange.status == 500
    assert "middleware 1 'four' must take 5 positional parameters" in caplog.text


async def test_a_lifespan_handler_appended_later_fails_startup_naming_it() -> None:
    app = Application()
    app.startup_handlers.append(two)  # type: ignore[arg-type]  # the mistake under test
    exchange = await call(app, LIFESPAN, [{"type": "lifespan.startup"}])
    assert exchange.sent[0]["type"] == "lifespan.startup.failed"
    assert "startup handler 0 'two' must take 3 positional parameters" in exchange.sent[0]["message"]


def test_handlers_of_other_callable_kinds_are_accepted() -> None:
    class Handler:
        async def __call__(self, scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> int:
            return 204

    async def flexible(*args: object) -> int:
        return 204

    app = Application()
    app.http_router.add({"GET"}, "/object", Handler())
    app.http_router.add({"GET"}, "/varargs", flexible)
    app.http_router.add({"GET"}, "/wrapped", mw(passing, handler=hello))


# --- the matches annotation is resolved however it was imported ---


def test_matches_imported_under_type_checking_are_checked() -> None:
    app = Application()
    app.http_router.add({"GET"}, "/user/<id:int>", guarded.get_user)
    app.http_router.add({"GET"}, "/post/<slug>", guarded.get_post)
    with pytest.raises(TemplateError, match=r"gives id: str, UserMatches wants int"):
        app.http_router.add({"GET"}, "/by-name/<id:str>", guarded.get_user)
    with pytest.raises(TemplateError, match=r"has no 'slug', which PostMatches requires"):
        app.http_router.add({"GET"}, "/post/<n:int>", guarded.get_post)


def test_other_unresolvable_annotations_do_not_matter() -> None:
    app = Application()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        app.http_router.add({"GET"}, "/day", guarded.get_day)  # info, content: TYPE_CHECKING only


def test_a_local_typeddict_that_cannot_be_resolved_is_warned_about_naming_the_handler() -> None:
    class LocalMatches(TypedDict):
        id: int

    async def get_local(scope: HttpScope, info: Info, matches: LocalMatches, content: Content) -> int:
        return 204

    app = Application()
    with pytest.warns(UncheckedMatchesWarning, match=r"'test_a_local_typeddict.*get_local'.*'LocalMatches'") as caught:
        app.http_router.add({"GET"}, "/local/<id:str>", get_local)
    assert caught[0].filename == __file__  # pointing at the add() call


def test_a_local_typeddict_referenced_by_the_handler_is_checked() -> None:
    class LocalMatches(TypedDict):
        id: int

    async def get_local(scope: HttpScope, info: Info, matches: LocalMatches, content: Content) -> int:
        return 204 if LocalMatches.__required_keys__ else 500

    with pytest.raises(TemplateError, match=r"gives id: str, LocalMatches wants int"):
        Application().http_router.add({"GET"}, "/local/<id:str>", get_local)


def _empty() -> Content:
    return bytes_writer(b"")


# --- route handles: a route's URL from its handler ---


class BookMatches(TypedDict):
    slug: str


async def get_book(scope: HttpScope, info: Info, matches: BookMatches, content: Content) -> int:
    return 204


async def test_a_route_handle_builds_the_path_that_resolves_back() -> None:
    app = Application()
    app.http_router.add({"GET"}, "/books/<slug>", get_book)
    app.ws_router.add("/live/<slug>", live)
    handle = app.route_of(get_book)
    assert handle.template == "/books/<slug>"
    assert handle.url({"slug": "war & peace"}) == "/books/war%20%26%20peace"
    assert app.http_router.resolve("GET", "/books/war & peace") == (get_book, {"slug": "war & peace"})
    assert app.route_of(live).url({"slug": "x"}) == "/live/x"


def test_a_route_handle_is_refused_for_a_handler_not_routed_or_routed_twice() -> None:
    app = Application()
    with pytest.raises(LookupError, match=r"'get_book' is not routed"):
        app.route_of(get_book)
    app.http_router.add({"GET"}, "/books/<slug>", get_book)
    app.http_router.add({"GET"}, "/b/<slug>", get_book)
    with pytest.raises(ValueError, match=r"routed on '/books/<slug>', '/b/<slug>': name the routes"):
        app.route_of(get_book)


def test_a_route_handle_refuses_values_the_type_checker_did_not_see() -> None:
    app = Application()
    app.http_router.add({"GET"}, "/page/<n:int>", hello)
    with pytest.raises(ValueError, match=r"bad value for 'n'"):
        app.route_of(hello).url({"n": "seven"})


def test_the_warning_points_at_the_decorator_line_too() -> None:
    class LocalMatches(TypedDict):
        id: int

    app = Application()
    with pytest.warns(UncheckedMatchesWarning) as caught:

        @app.on_http_request({"GET"}, "/local/<id:int>")
        async def get_local(scope: HttpScope, info: Info, matches: LocalMatches, content: Content) -> int:
            return 204

    assert caught[0].filename == __file__


# --- json_response writes what its type takes ---


class Book(BaseModel):
    title: str
    published: datetime.date


@dataclass
class Shelf:
    books: list[Book]


async def test_json_response_writes_models_and_dataclasses() -> None:
    shelf = Shelf([Book(title="Dune", published=datetime.date(1965, 8, 1))])
    cases: list[tuple[JsonResponseValue, object]] = [
        (shelf.books[0], {"title": "Dune", "published": "1965-08-01"}),
        (shelf, {"books": [{"title": "Dune", "published": "1965-08-01"}]}),
        ({"shelf": shelf, "n": 1}, {"shelf": {"books": [{"title": "Dune", "published": "1965-08-01"}]}, "n": 1}),
    ]
    for obj, expected in cases:
        status, headers, body = json_response(200, None, obj)
        assert json.loads(await bytes_reader(body)) == expected
