"""Lifespan: startup and shutdown handlers, and their failures."""

from __future__ import annotations

import pytest

from bareasgi import Application, Info, LifespanHandler, LifespanScope
from bareasgi.types import Message

from .peer import call

pytestmark = pytest.mark.anyio

SCOPE = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}}
MESSAGES: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]


async def test_handlers_run_in_order_with_scope_info_and_message() -> None:
    calls: list[tuple[str, object, object, str]] = []
    app = Application(info={"name": "app"})

    def recorder(name: str) -> LifespanHandler:
        async def handler(scope: LifespanScope, info: Info, message: Message) -> None:
            calls.append((name, scope["type"], info["name"], message["type"]))

        return handler

    app.startup_handlers.append(recorder("start 1"))
    app.on_startup(recorder("start 2"))
    app.on_shutdown(recorder("stop 1"))
    exchange = await call(app, SCOPE, MESSAGES)
    assert [m["type"] for m in exchange.sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert calls == [
        ("start 1", "lifespan", "app", "lifespan.startup"),
        ("start 2", "lifespan", "app", "lifespan.startup"),
        ("stop 1", "lifespan", "app", "lifespan.shutdown"),
    ]


async def test_a_failing_startup_handler_fails_startup_with_its_message() -> None:
    ran: list[str] = []

    async def broken(scope: LifespanScope, info: Info, message: Message) -> None:
        raise RuntimeError("no database at db.internal:5432")

    async def later(scope: LifespanScope, info: Info, message: Message) -> None:
        ran.append("later")

    app = Application(startup_handlers=[broken, later])
    exchange = await call(app, SCOPE, MESSAGES)
    assert exchange.sent == [
        {"type": "lifespan.startup.failed", "message": "no database at db.internal:5432"}
    ]
    assert ran == []


async def test_a_failing_shutdown_handler_fails_shutdown_with_its_message() -> None:
    async def broken(scope: LifespanScope, info: Info, message: Message) -> None:
        raise ValueError("could not flush")

    app = Application(shutdown_handlers=[broken])
    exchange = await call(app, SCOPE, MESSAGES)
    assert exchange.sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.failed", "message": "could not flush"},
    ]
