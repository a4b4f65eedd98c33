"""Startup and shutdown handlers as a real server runs them."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    LifespanScope,
    Message,
    RouteMatches,
    json_response,
)

from .servers import ServerDidNotStart, errors_from, run_hypercorn_trio, run_uvicorn

pytestmark = pytest.mark.anyio


def record(info: Info, scope: LifespanScope, message: Message, what: str) -> None:
    calls: list[dict[str, Any]] = info["calls"]
    calls.append({"what": what, "scope": scope["type"], "message": dict(message)})


def make_app() -> Application:
    async def first_startup(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "first startup begins")
        await anyio.sleep(0.01)  # the second must wait for this one
        record(info, scope, message, "first startup ends")
        scope.get("state", {})["pool"] = "connected"  # the ASGI lifespan state

    async def second_startup(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "second startup")

    app: Application[Info] = Application(
        startup_handlers=[first_startup, second_startup], info={"calls": []}
    )

    @app.on_shutdown
    async def first_shutdown(scope: LifespanScope, info: Info, message: Message) -> None:
        await anyio.sleep(0.01)
        record(info, scope, message, "first shutdown")

    @app.on_shutdown
    async def second_shutdown(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "second shutdown")

    @app.on_http_request({"GET"}, "/calls")
    async def calls(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        pool = scope.get("state", {}).get("pool")
        return json_response(200, None, {"calls": info["calls"], "pool": pool})

    return app


STARTUP = {"type": "lifespan.startup"}
SHUTDOWN = {"type": "lifespan.shutdown"}
STARTED = [
    {"what": "first startup begins", "scope": "lifespan", "message": STARTUP},
    {"what": "first startup ends", "scope": "lifespan", "message": STARTUP},
    {"what": "second startup", "scope": "lifespan", "message": STARTUP},
]
STOPPED = [
    {"what": "first shutdown", "scope": "lifespan", "message": SHUTDOWN},
    {"what": "second shutdown", "scope": "lifespan", "message": SHUTDOWN},
]


async def test_startup_and_shutdown_handlers_run_in_order_under_uvicorn(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()
    with run_uvicorn(app) as running:
        async with running.client() as client:
            during = (await client.get("/calls")).json()

    assert during == {"calls": STARTED, "pool": "connected"}
    assert app.info["calls"] == STARTED + STOPPED
    assert errors_from(caplog, "bareasgi") == []


async def test_startup_and_shutdown_handlers_run_in_order_under_hypercorn_on_trio() -> None:
    app = make_app()
    with run_hypercorn_trio(app) as running:
        async with running.client() as client:
            during = (await client.get("/calls")).json()

    assert during["calls"] == STARTED
    assert app.info["calls"] == STARTED + STOPPED


def failing_app() -> Application:
    app: Application[Info] = Application(info={"calls": []})

    @app.on_startup
    async def connect(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "connect")
        raise RuntimeError("database unreachable")

    @app.on_startup
    async def never(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "after the failure")

    @app.on_shutdown
    async def shutdown(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "shutdown")

    return app


async def test_failing_startup_stops_uvicorn_with_the_error_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = failing_app()
    with pytest.raises(ServerDidNotStart) as caught:
        with run_uvicorn(app):
            pytest.fail("uvicorn served an application whose startup failed")

    assert caught.value.exit_code == 3  # uvicorn's STARTUP_FAILURE
    assert [call["what"] for call in app.info["calls"]] == ["connect"]
    uvicorn_errors = [record.getMessage() for record in errors_from(caplog, "uvicorn.error")]
    # uvicorn logs the "message" of lifespan.startup.failed verbatim.
    assert "database unreachable" in uvicorn_errors
    assert "Application startup failed. Exiting." in uvicorn_errors
    ours = errors_from(caplog, "bareasgi")
    assert len(ours) == 1
    assert ours[0].exc_info is not None
    assert isinstance(ours[0].exc_info[1], RuntimeError)


async def test_failing_shutdown_handler_stops_the_phase_and_uvicorn_reports_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app: Application[Info] = Application(info={"calls": []})

    @app.on_shutdown
    async def flush(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "flush")
        raise OSError("disk full")

    @app.on_shutdown
    async def never(scope: LifespanScope, info: Info, message: Message) -> None:
        record(info, scope, message, "after the failure")

    with run_uvicorn(app) as running:
        async with running.client() as client:
            assert (await client.get("/anything")).status_code == 404

    assert [call["what"] for call in app.info["calls"]] == ["flush"]
    uvicorn_errors = [record.getMessage() for record in errors_from(caplog, "uvicorn.error")]
    assert "disk full" in uvicorn_errors
    assert "Application shutdown failed. Exiting." in uvicorn_errors
    assert len(errors_from(caplog, "bareasgi")) == 1


async def test_failed_message_carries_the_error_text() -> None:
    """In process: the exact ``lifespan.startup.failed`` message the server is given."""
    app = failing_app()
    incoming: list[Message] = [{"type": "lifespan.startup"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    with anyio.fail_after(1):
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)

    assert sent == [{"type": "lifespan.startup.failed", "message": "database unreachable"}]

