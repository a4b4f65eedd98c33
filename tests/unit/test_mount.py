"""Application.mount: which requests reach a mounted ASGI application, and with what scope."""

from __future__ import annotations

from typing import Any

import pytest

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, text_response

from .peer import call, http_scope, websocket_scope

pytestmark = pytest.mark.anyio


def recording(seen: list[dict[str, Any]], reply: bytes = b"mounted") -> Any:
    """A raw ASGI application that records each scope it is called with."""

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4000})
            return
        headers = [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(reply))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": reply})

    return asgi


async def own(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, None, "own route")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api", b"mounted"),
        ("/api/", b"mounted"),
        ("/api/users/42", b"mounted"),
        ("/api/v2/x", b"v2"),
        ("/api/own", b"own route"),
        ("/apiary", b"Not Found"),
        ("/", b"Not Found"),
    ],
    ids=["the-prefix", "prefix-slash", "under", "longer-prefix-wins", "own-route-first", "not-a-segment", "elsewhere"],
)
async def test_requests_under_the_prefix_reach_the_mounted_app(path: str, body: bytes) -> None:
    app = Application()
    app.http_router.add({"GET"}, "/api/own", own)
    app.mount("/api", recording([]))
    app.mount("/api/v2", recording([], b"v2"))
    exchange = await call(app, http_scope("GET", path))
    assert exchange.body == body


async def test_the_mounted_app_gets_the_prefix_as_root_path_and_the_whole_path() -> None:
    seen: list[dict[str, Any]] = []
    app = Application()
    app.mount("/api", recording(seen))
    scope = http_scope("GET", "/api/users/42")
    await call(app, scope)
    assert (seen[0]["path"], seen[0]["root_path"], seen[0]["raw_path"]) == ("/api/users/42", "/api", b"/api/users/42")
    assert scope["root_path"] == ""  # the server's scope is not changed


async def test_a_websocket_under_the_prefix_reaches_the_mounted_app() -> None:
    seen: list[dict[str, Any]] = []
    app = Application()
    app.mount("/live", recording(seen))
    exchange = await call(app, websocket_scope("/live/feed"), [{"type": "websocket.connect"}])
    assert exchange.sent == [{"type": "websocket.close", "code": 4000}]
    assert (seen[0]["type"], seen[0]["root_path"]) == ("websocket", "/live")


async def test_a_method_not_allowed_on_an_own_route_is_not_passed_on() -> None:
    app = Application()
    app.http_router.add({"GET"}, "/api/own", own)
    app.mount("/api", recording([]))
    exchange = await call(app, http_scope("POST", "/api/own"))
    assert exchange.status == 405


async def test_a_mounted_app_that_fails_before_answering_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("the mounted app broke")

    app = Application()
    app.mount("/broken", broken)
    exchange = await call(app, http_scope("GET", "/broken/x\r\nforged: yes"))  # as a server decodes %0d%0a
    assert (exchange.status, exchange.body) == (500, b"Internal Server Error")
    assert "mounted at '/broken' failed" in caplog.text
    assert "\r\n" not in caplog.records[0].getMessage()  # the client's path is escaped in the log


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("api", "must start with '/'"),
        ("/api/", "not end with one"),
        ("/", "not end with one"),
        ("", "must start with '/'"),
        ("/a//b", "empty segment"),
    ],
    ids=["relative", "trailing-slash", "root", "empty", "empty-segment"],
)
def test_a_bad_prefix_raises_at_mount(prefix: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Application().mount(prefix, recording([]))


def test_a_prefix_mounted_twice_or_a_non_app_raises() -> None:
    app = Application()
    app.mount("/api", recording([]))
    with pytest.raises(ValueError, match="'/api' is already mounted"):
        app.mount("/api", recording([]))
    with pytest.raises(TypeError, match="an ASGI application is callable"):
        app.mount("/other", "not an app")  # type: ignore[arg-type]  # wrong on purpose
