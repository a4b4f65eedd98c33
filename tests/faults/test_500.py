"""A 500 never carries exception text: whatever a handler or middleware raises, and
whatever its message, the body is the fixed ``Internal Server Error``."""

from __future__ import annotations

import logging
import sys
import urllib.error
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpError,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    mw,
)

from ..unit.peer import call, http_scope

MARK = "s3cr3t"


class UnprintableError(Exception):
    def __str__(self) -> str:
        raise RuntimeError(f"{MARK} in __str__")


def malformed_http_error(text: str) -> Exception:
    error = HttpError(400, text)
    error.body = 12345  # type: ignore[assignment]  # the mistake under test
    return error


ERRORS: dict[str, Callable[[str], Exception]] = {
    "RuntimeError": RuntimeError,
    "ValueError": ValueError,
    "KeyError": KeyError,
    "OSError": OSError,
    "unprintable": lambda text: UnprintableError(),
    "urllib-HTTPError-bad-code": lambda text: urllib.error.HTTPError(
        "u", 999, text, EmailMessage(), None
    ),
    "HttpError-with-a-body-of-no-type": malformed_http_error,
}
if sys.version_info >= (3, 11):
    ERRORS["ExceptionGroup"] = lambda text: ExceptionGroup(text, [ValueError(text)])  # noqa: F821
PLACES = ["handler", "middleware-before", "middleware-after"]


def app_raising(place: str, error: Exception) -> Application:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        if place == "handler":
            raise error
        return 204

    async def middleware(
        scope: HttpScope,
        info: Info,
        matches: RouteMatches,
        content: Content,
        next: HttpChainCallback,
    ) -> HttpResponse:
        if place == "middleware-before":
            raise error
        await next(scope, info, matches, content)
        raise error

    app = Application()
    route: Any = handler if place == "handler" else mw(middleware, handler=handler)
    app.http_router.add({"GET", "POST"}, "/", route)
    return app


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(list(ERRORS)),
    st.sampled_from(PLACES),
    st.text(max_size=30).map(lambda text: f"{MARK} {text}"),
    st.sampled_from(["GET", "POST", "HEAD"]),
)
def test_a_500_body_is_never_exception_text(kind: str, place: str, text: str, method: str) -> None:
    app = app_raising(place, ERRORS[kind](text))
    logging.getLogger("bareasgi").disabled = True  # hypothesis runs many: keep the output short
    try:
        exchange = anyio.run(call, app, http_scope(method, "/"))
    finally:
        logging.getLogger("bareasgi").disabled = False
    assert exchange.status == 500
    body = exchange.body
    assert body == (b"" if method == "HEAD" else b"Internal Server Error")
    assert MARK.encode() not in body and b"Traceback" not in body
    assert kind.encode() not in body
    assert all(MARK.encode() not in value for _, value in exchange.start["headers"])


@pytest.mark.anyio
@pytest.mark.parametrize("kind", list(ERRORS), ids=list(ERRORS))
async def test_each_500_is_logged_once_with_its_traceback(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    exchange = await call(app_raising("handler", ERRORS[kind](MARK)), http_scope("GET", "/"))
    assert exchange.status == 500
    [record] = [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]
    assert record.exc_info is not None and "GET /" in record.getMessage()
