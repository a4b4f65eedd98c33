"""CORS: preflights answered, headers on every response to an allowed origin, mistakes refused."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpError,
    HttpMiddlewareCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    cors_middleware,
    text_response,
)
from bareasgi.testing import TestClient

pytestmark = pytest.mark.anyio

APP_ORIGIN = "https://app.example"
OTHER_ORIGIN = "https://evil.example"


async def hello(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return text_response(200, [(b"x-total", b"3")], "hello")


async def refusing(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise HttpError(409, "taken")


async def failing(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    raise RuntimeError("a bug")


async def claiming(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 200, [(b"access-control-allow-origin", b"*")]


def app_with(*middlewares: HttpMiddlewareCallback, calls: list[str] | None = None) -> Application:
    async def counted(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        if calls is not None:
            calls.append(scope["method"])
        return await hello(scope, info, matches, content)

    app = Application(middlewares=list(middlewares))
    app.http_router.add({"GET", "POST", "PUT"}, "/hello", counted)
    app.http_router.add({"GET"}, "/refusing", refusing)
    app.http_router.add({"GET"}, "/failing", failing)
    app.http_router.add({"GET"}, "/claiming", claiming)
    return app


def preflight(method: str = "PUT", headers: str | None = None, origin: str = APP_ORIGIN) -> dict[str, str]:
    asked = {"origin": origin, "access-control-request-method": method}
    if headers is not None:
        asked["access-control-request-headers"] = headers
    return asked


async def send(app: Application, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    async with TestClient(app) as client:
        return await client.request(method, path, headers=headers)


CREDENTIALED = cors_middleware(
    allow_origins=[APP_ORIGIN],
    allow_methods=["GET", "put"],
    allow_headers=["X-Token"],
    allow_credentials=True,
    expose_headers=["x-total"],
    max_age=120,
)


async def test_an_allowed_preflight_is_answered_without_the_handler() -> None:
    calls: list[str] = []
    response = await send(
        app_with(CREDENTIALED, calls=calls), "OPTIONS", "/hello", preflight("PUT", "x-token, content-type")
    )
    assert calls == []
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-methods"] == "GET, PUT"
    assert response.headers["access-control-allow-headers"] == (
        "x-token, accept, accept-language, content-language, content-type"
    )
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-max-age"] == "120"
    assert response.headers["vary"] == "origin"
    assert response.content == b""


@pytest.mark.parametrize(
    ("asked", "reason"),
    [
        (preflight(origin=OTHER_ORIGIN), "Disallowed CORS origin"),
        (preflight("DELETE"), "Disallowed CORS method"),
        (preflight("PUT", "x-token, x-other"), "Disallowed CORS headers"),
    ],
    ids=["origin", "method", "header"],
)
async def test_a_preflight_asking_too_much_is_a_400_without_cors_headers(
    asked: dict[str, str], reason: str
) -> None:
    response = await send(app_with(CREDENTIALED), "OPTIONS", "/hello", asked)
    assert (response.status_code, response.text) == (400, reason)
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["vary"] == "origin"


async def test_wildcard_methods_and_headers_echo_what_the_preflight_asks() -> None:
    middleware = cors_middleware(
        allow_origins=[APP_ORIGIN], allow_methods=["*"], allow_headers=["*"], allow_credentials=True
    )
    response = await send(app_with(middleware), "OPTIONS", "/hello", preflight("PATCH", "X-A,x-b"))
    assert response.status_code == 200
    assert response.headers["access-control-allow-methods"] == "PATCH"
    assert response.headers["access-control-allow-headers"] == "x-a, x-b"


async def test_an_options_request_that_is_no_preflight_reaches_the_router() -> None:
    response = await send(app_with(CREDENTIALED), "OPTIONS", "/hello", {"origin": APP_ORIGIN})
    assert response.status_code == 405
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN


async def test_a_request_from_an_allowed_origin_gets_the_cors_headers() -> None:
    response = await send(app_with(CREDENTIALED), "GET", "/hello", {"origin": APP_ORIGIN})
    assert (response.status_code, response.text) == (200, "hello")
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "x-total"
    assert response.headers["vary"] == "origin"


@pytest.mark.parametrize("headers", [{"origin": OTHER_ORIGIN}, {}], ids=["other-origin", "no-origin"])
async def test_other_requests_get_no_cors_header_but_vary(headers: dict[str, str]) -> None:
    response = await send(app_with(CREDENTIALED), "GET", "/hello", headers)
    assert (response.status_code, response.text) == (200, "hello")
    assert not [name for name in response.headers if name.startswith("access-control-")]
    assert response.headers["vary"] == "origin"


async def test_any_origin_without_credentials_is_a_star_and_needs_no_vary() -> None:
    app = app_with(cors_middleware(allow_origins=["*"]))
    response = await send(app, "GET", "/hello", {"origin": OTHER_ORIGIN})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "vary" not in response.headers
    assert "vary" not in (await send(app, "GET", "/hello", {})).headers


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://shop.example.com", True),
        ("https://example.com", False),
        ("https://shop.example.com.evil.test", False),
        ("https://shop.example.com/path", False),
    ],
    ids=["subdomain", "apex", "suffix-trick", "with-path"],
)
async def test_an_origin_regex_must_match_in_full(origin: str, allowed: bool) -> None:
    app = app_with(cors_middleware(allow_origin_regex=r"https://[a-z]+\.example\.com"))
    response = await send(app, "GET", "/hello", {"origin": origin})
    assert response.headers.get("access-control-allow-origin") == (origin if allowed else None)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/nowhere", 404), ("/refusing", 409), ("/failing", 500)],
    ids=["404", "http-error", "500"],
)
async def test_every_error_response_gets_the_cors_headers(path: str, status: int) -> None:
    response = await send(app_with(CREDENTIALED), "GET", path, {"origin": APP_ORIGIN})
    assert response.status_code == status
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"


async def test_a_405_gets_the_cors_headers() -> None:
    response = await send(app_with(CREDENTIALED), "DELETE", "/hello", {"origin": APP_ORIGIN})
    assert response.status_code == 405
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN


async def test_the_exception_still_passes_through_the_middleware_outside(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[BaseException] = []

    async def tracker(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        try:
            return await handler(scope, info, matches, content)
        except Exception as error:
            seen.append(error)
            raise

    response = await send(app_with(tracker, CREDENTIALED), "GET", "/failing", {"origin": APP_ORIGIN})
    assert [type(error) for error in seen] == [RuntimeError]
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    records = [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]
    assert len(records) == 1 and records[0].exc_info is not None


async def test_the_middleware_replaces_cors_headers_of_the_handler() -> None:
    response = await send(app_with(CREDENTIALED), "GET", "/claiming", {"origin": APP_ORIGIN})
    assert response.headers.get_list("access-control-allow-origin") == [APP_ORIGIN]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"allow_origins": ["*"], "allow_credentials": True}, ValueError, r"allow_origins=\['\*'\] with allow_credentials"),
        ({"allow_origins": "https://app.example"}, TypeError, "allow_origins must be a list"),
        ({"allow_origins": ["https://app.example/"]}, ValueError, "allow_origins: 'https://app.example/'.*no path"),
        ({"allow_origins": ["app.example"]}, ValueError, "allow_origins: 'app.example' is not an origin"),
        ({"allow_origins": [b"https://app.example"]}, TypeError, "allow_origins: b'https://app.example' is not a str"),
        ({"allow_origin_regex": "https://(app"}, ValueError, "allow_origin_regex 'https://\\(app' does not compile"),
        ({"allow_methods": ["GET, POST"]}, ValueError, "allow_methods: 'GET, POST' is not an HTTP token"),
        ({"allow_headers": ["x token"]}, ValueError, "allow_headers: 'x token'"),
        ({"expose_headers": ["*"], "allow_credentials": True}, ValueError, r"expose_headers=\['\*'\]"),
        ({"max_age": -1}, ValueError, "max_age"),
        ({"max_age": True}, ValueError, "max_age"),
        ({"allow_credentials": "yes"}, TypeError, "allow_credentials"),
    ],
    ids=[
        "star-with-credentials", "str-not-list", "trailing-slash", "no-scheme", "bytes",
        "bad-regex", "methods-joined", "header-with-space", "expose-star-with-credentials",
        "negative-max-age", "bool-max-age", "credentials-not-bool",
    ],
)  # fmt: skip
def test_a_configuration_mistake_raises_at_once_naming_the_argument(
    arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        cors_middleware(**arguments)


@pytest.mark.parametrize(
    "asked",
    [preflight("PUT", "x a"), preflight("GET\tPUT"), preflight("PUT", "x-a;b")],
    ids=["header-with-space", "method-with-tab", "header-with-semicolon"],
)
async def test_wildcards_echo_only_what_is_an_http_token(asked: dict[str, str]) -> None:
    middleware = cors_middleware(allow_origins=[APP_ORIGIN], allow_methods=["*"], allow_headers=["*"])
    response = await send(app_with(middleware), "OPTIONS", "/hello", asked)
    assert response.status_code == 400
    assert "access-control-allow-methods" not in response.headers


async def test_a_remembered_preflight_answer_is_not_changed_by_middleware_outside() -> None:
    async def stamping(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        status, headers, body, pushes = await handler(scope, info, matches, content)
        assert isinstance(headers, list)
        headers.append((b"x-stamp", b"1"))
        return status, headers, body, pushes

    app = app_with(stamping, CREDENTIALED)
    first = await send(app, "OPTIONS", "/hello", preflight())
    second = await send(app, "OPTIONS", "/hello", preflight())
    assert first.headers.get_list("x-stamp") == second.headers.get_list("x-stamp") == ["1"]
