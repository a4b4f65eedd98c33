"""Client-controlled text in log records: escaped, so no request can forge a log line.

A path is decoded by the server before the application sees it, so ``%0d%0a`` arrives
as CR LF. Each record naming a request shows such characters as escapes, and a very
long path is cut short with its length.
"""

from __future__ import annotations

import logging

import pytest

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, WebSocket, WebSocketScope
from bareasgi.log import MAX_LOGGED_TEXT, client_text, request_line

from ..unit.peer import call, http_scope, websocket_scope

pytestmark = pytest.mark.anyio

FORGERIES = [
    "/boom/x\r\n2026-01-01 00:00:00,000 CRITICAL forged",
    "/boom/x\n\tat forged",
    "/boom/\x1b[2J\x1b[31mred",
    "/boom/x\u2028CRITICAL forged",
    "/boom/x\u0085next line",
    "/boom/x\x00nul",
]


def formatted(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each ``bareasgi`` record as a handler writes it, the traceback left out."""
    formatter = logging.Formatter("%(levelname)s %(message)s")
    return [formatter.formatMessage(r) for r in caplog.records if r.name == "bareasgi" and r.getMessage()]


def assert_one_clean_line(lines: list[str]) -> None:
    [line] = lines
    assert line.isprintable(), f"unescaped text reached the record: {line!r}"


@pytest.mark.parametrize("path", FORGERIES)
async def test_a_failing_request_is_logged_with_its_path_escaped(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        raise RuntimeError("the handler failed")

    app = Application()
    app.http_router.add({"GET"}, "/boom/{rest:path}", boom)
    exchange = await call(app, http_scope("GET", path))
    assert exchange.status == 500
    assert_one_clean_line(formatted(caplog))


@pytest.mark.parametrize("path", FORGERIES)
async def test_a_failing_websocket_is_logged_with_its_path_escaped(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket) -> None:
        await web_socket.accept()
        raise RuntimeError("the handler failed")

    app = Application()
    app.ws_router.add("/boom/{rest:path}", boom)
    await call(app, websocket_scope(path), [{"type": "websocket.connect"}])
    assert_one_clean_line(formatted(caplog))


def test_a_method_is_escaped_like_a_path() -> None:
    assert request_line("GET\r\nFORGED", "/a\nb") == "GET\\r\\nFORGED /a\\nb"


def test_long_text_is_cut_short_with_its_length() -> None:
    shown = client_text("/x" * 3000)
    assert len(shown) < MAX_LOGGED_TEXT + 40
    assert shown.endswith("... (6000 characters)")


def test_printable_text_is_written_as_it_is() -> None:
    assert client_text("/user/José/é") == "/user/José/é"
    assert client_text("/a\\nb\n") == "/a\\\\nb\\n"  # once escaping, a backslash is escaped too
