"""Application(lifespan=...): the context around serving, its task group, and its failures."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import pytest

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    LifespanContext,
    LifespanScope,
    RouteMatches,
    text_response,
)
from bareasgi.testing import LifespanError, TestClient
from bareasgi.types import Message

from .peer import call

pytestmark = pytest.mark.anyio

SCOPE = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}}
MESSAGES: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]


def recording_app(calls: list[str], lifespan: LifespanContext[Info], info: Info | None = None) -> Application:
    async def start(scope: LifespanScope, info: Info, message: Message) -> None:
        calls.append("startup handler")

    async def stop(scope: LifespanScope, info: Info, message: Message) -> None:
        calls.append("shutdown handler")

    return Application(
        startup_handlers=[start], shutdown_handlers=[stop], lifespan=lifespan, info=info or {}
    )


async def test_the_context_is_entered_after_startup_and_left_before_shutdown() -> None:
    calls: list[str] = []

    @asynccontextmanager
    async def lifespan(info: Info) -> AsyncIterator[None]:
        calls.append(f"enter with {info['name']}")
        yield
        calls.append("exit")

    app = recording_app(calls, lifespan=lifespan, info={"name": "app"})
    exchange = await call(app, SCOPE, MESSAGES)
    assert [m["type"] for m in exchange.sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert calls == ["startup handler", "enter with app", "exit", "shutdown handler"]


async def test_a_task_group_opened_in_the_context_lives_while_the_app_serves() -> None:
    @asynccontextmanager
    async def lifespan(info: Info) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tasks:
            info["ticks"] = 0

            async def tick() -> None:
                while True:
                    info["ticks"] += 1
                    await anyio.sleep(0.001)

            tasks.start_soon(tick)
            yield
            tasks.cancel_scope.cancel()
        info["stopped"] = True

    async def ticks(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return text_response(200, None, str(info["ticks"]))

    app = Application(lifespan=lifespan)
    app.http_router.add({"GET"}, "/ticks", ticks)
    async with TestClient(app) as client:
        with anyio.fail_after(5):
            while int((await client.get("/ticks")).text) < 3:
                await anyio.sleep(0.001)
        assert "stopped" not in app.info
    assert app.info["stopped"] is True


async def test_a_failure_entering_fails_startup_with_its_message(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    @asynccontextmanager
    async def lifespan(info: Info) -> AsyncIterator[None]:
        if "broker" not in info:
            raise ConnectionError("no broker at mq.internal:5672")
        yield

    exchange = await call(recording_app(calls, lifespan=lifespan), SCOPE, MESSAGES)
    assert exchange.sent == [{"type": "lifespan.startup.failed", "message": "no broker at mq.internal:5672"}]
    assert calls == ["startup handler"]
    assert "entering the lifespan context" in caplog.text


async def test_under_the_test_client_a_failure_entering_raises_lifespan_error() -> None:
    @asynccontextmanager
    async def lifespan(info: Info) -> AsyncIterator[None]:
        if "broker" not in info:
            raise ConnectionError("no broker")
        yield

    with pytest.raises(LifespanError, match="no broker"):
        async with TestClient(Application(lifespan=lifespan)):
            pass


async def test_a_failure_leaving_fails_shutdown_and_the_handlers_still_run() -> None:
    calls: list[str] = []

    @asynccontextmanager
    async def lifespan(info: Info) -> AsyncIterator[None]:
        yield
        raise RuntimeError("could not flush the queue")

    exchange = await call(recording_app(calls, lifespan=lifespan), SCOPE, MESSAGES)
    assert exchange.sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.failed", "message": "could not flush the queue"},
    ]
    assert calls == ["startup handler", "shutdown handler"]


async def test_a_background_task_that_fails_is_logged_and_fails_shutdown(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    failed = anyio.Event()

    @asynccontextmanager
    async def lifespan(info: Info) -> AsyncIterator[None]:
        async def crash() -> None:
            try:
                raise ValueError("the worker fell over")
            finally:
                failed.set()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(crash)
            yield

    app = recording_app(calls, lifespan=lifespan)
    sent: list[Message] = []
    shutdown = anyio.Event()

    async def receive() -> Message:
        if not sent:
            return {"type": "lifespan.startup"}
        await shutdown.wait()
        return {"type": "lifespan.shutdown"}

    async def send(message: Message) -> None:
        sent.append(message)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as server:
            server.start_soon(app, SCOPE, receive, send)
            await failed.wait()
            shutdown.set()
    assert sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.failed", "message": "the worker fell over"},
    ]
    assert calls == ["startup handler", "shutdown handler"]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == ["the lifespan context failed"]


def test_a_lifespan_that_is_not_callable_raises_at_once() -> None:
    with pytest.raises(TypeError, match="lifespan must be a callable taking info"):
        Application(lifespan="workers")  # type: ignore[call-overload]  # wrong on purpose


async def test_a_lifespan_giving_no_context_manager_fails_startup() -> None:
    async def not_a_context(info: Info) -> None:
        pass

    app = Application(lifespan=not_a_context)  # type: ignore[arg-type]  # wrong on purpose
    exchange = await call(app, SCOPE, MESSAGES)
    assert exchange.sent[0]["type"] == "lifespan.startup.failed"
    assert exchange.sent[0]["message"] == (
        "lifespan(info) gave coroutine, not an async context manager: "
        "write it as an @asynccontextmanager function"
    )
