"""HTTP responses: the five forms, not-found, pushes, HEAD, info."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_writer,
    text_writer,
)

from .peer import call, http_scope

pytestmark = pytest.mark.anyio

PLAIN = [(b"content-type", b"text/plain")]


def app_returning(response: HttpResponse) -> Application:
    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return response

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    return app


@pytest.mark.parametrize(
    ("response", "status", "headers", "body"),
    [
        (204, 204, {}, b""),
        ((204,), 204, {}, b""),
        ((201, PLAIN), 201, {b"content-type": b"text/plain"}, b""),
        ((200, None), 200, {}, b""),
        ((200, PLAIN, text_writer("hello")), 200, {b"content-type": b"text/plain"}, b"hello"),
        ((200, PLAIN, None), 200, {b"content-type": b"text/plain"}, b""),
        ((200, PLAIN, bytes_writer(b"abc", 1), None), 200, {b"content-type": b"text/plain"}, b"abc"),
    ],
    ids=["int", "status-tuple", "headers", "none-headers", "body", "none-body", "four-tuple"],
)
async def test_every_response_form_is_sent(
    response: HttpResponse, status: int, headers: dict[bytes, bytes], body: bytes
) -> None:
    exchange = await call(app_returning(response), http_scope())
    assert exchange.status == status
    assert exchange.headers == headers
    assert exchange.body == body


async def test_a_writer_body_known_in_full_is_one_message() -> None:
    exchange = await call(app_returning((200, PLAIN, text_writer("x" * 10_000))), http_scope())
    assert [m["type"] for m in exchange.sent] == ["http.response.start", "http.response.body"]
    assert exchange.body == b"x" * 10_000


async def test_a_generator_body_is_sent_chunk_by_chunk_then_closed_with_an_empty_message() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"one"
        yield b""
        yield b"two"

    exchange = await call(app_returning((200, PLAIN, chunks())), http_scope())
    bodies = [(m["body"], m["more_body"]) for m in exchange.sent[1:]]
    assert bodies == [(b"one", True), (b"two", True), (b"", False)]


async def test_info_is_the_same_object_for_every_request() -> None:
    seen: list[object] = []
    shared = {"count": 0}

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        seen.append(info)
        info["count"] += 1
        return 204

    app = Application(info=shared)
    app.http_router.add({"GET"}, "/", handler)
    await call(app, http_scope())
    await call(app, http_scope())
    assert seen == [shared, shared] and all(s is shared for s in seen)
    assert shared["count"] == 2 and app.info is shared


async def test_default_info_is_a_new_dict_per_application() -> None:
    first, second = Application(), Application()
    assert first.info == {} and first.info is not second.info


async def test_the_default_not_found_body_is_sent_to_every_request() -> None:
    app = Application()
    for _ in range(3):
        exchange = await call(app, http_scope("GET", "/missing"))
        assert exchange.status == 404
        assert exchange.body == b"Not Found"


async def test_a_custom_not_found_response_is_fresh_for_every_request() -> None:
    app = Application(not_found_response=(404, [(b"content-type", b"text/html")], text_writer("<h1>Gone</h1>")))
    for _ in range(2):
        exchange = await call(app, http_scope("GET", "/missing"))
        assert (exchange.status, exchange.body) == (404, b"<h1>Gone</h1>")
        assert exchange.headers[b"content-type"] == b"text/html"


async def test_a_single_use_not_found_body_is_refused_at_once() -> None:
    async def once() -> AsyncIterator[bytes]:
        yield b"Not Found"

    with pytest.raises(TypeError, match="not_found_response"):
        Application(not_found_response=(404, None, once()))


async def test_a_malformed_not_found_response_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match="not_found_response"):
        Application(not_found_response=("404", None))  # type: ignore[arg-type]  # the mistake under test


async def test_head_gets_the_get_headers_and_no_body_and_the_body_is_closed() -> None:
    closed: list[bool] = []

    async def chunks() -> AsyncIterator[bytes]:
        try:
            yield b"payload"
        finally:
            closed.append(True)

    async def handler(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        body = chunks()
        await body.__anext__()  # started, so closing it must run its finally
        return 200, [(b"content-type", b"text/plain"), (b"content-length", b"7")], body

    app = Application()
    app.http_router.add({"GET"}, "/", handler)
    exchange = await call(app, http_scope("HEAD", "/"))
    assert exchange.status == 200
    assert exchange.headers[b"content-length"] == b"7"
    assert exchange.body == b""
    assert closed == [True]


async def test_pushes_are_sent_when_the_server_offers_them() -> None:
    pushes = [("/style.css", [(b"accept", b"text/css")]), ("/app.js", [])]
    app = app_returning((200, PLAIN, text_writer("page"), pushes))
    scope = http_scope(extensions={"http.response.push": {}})
    exchange = await call(app, scope)
    sent_pushes = [(m["path"], list(m["headers"])) for m in exchange.sent if m["type"] == "http.response.push"]
    assert sent_pushes == [("/style.css", [(b"accept", b"text/css")]), ("/app.js", [])]
    assert exchange.body == b"page"


async def test_pushes_are_skipped_when_the_server_does_not_offer_them() -> None:
    app = app_returning((200, PLAIN, text_writer("page"), [("/style.css", [])]))
    exchange = await call(app, http_scope())
    assert all(m["type"] != "http.response.push" for m in exchange.sent)
    assert exchange.body == b"page"


async def test_an_unknown_scope_type_is_refused() -> None:
    with pytest.raises(ValueError, match="'telepathy'"):
        await call(Application(), {"type": "telepathy"})
