"""The HTTP fault matrix: every way a request can go wrong, and what must hold after each.

Each row scripts a server (the request body it delivers, when the client leaves, when
``send`` fails, when it cancels the request) and picks a handler. Whatever happens:

- the application returns, or lets the server's cancellation through, and raises
  nothing else (ASGI spec: an application handles its own errors);
- its messages keep the ASGI order: at most one ``http.response.start``, first, and
  nothing after the final body message or after a ``send`` that raised;
- every response body that started ran its ``finally``, and every body handed to
  bareasgi is closed;
- no task is left running;
- an error is logged exactly when something really went wrong (a handler, a body or
  the server failed), never because the client left;
- no body sent contains an exception's text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpError,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_reader,
    mw,
    text_writer,
)
from bareasgi.types import HttpFullResponse, HttpRequestCallback, Message

from ..unit.peer import call, http_scope
from .probe import Probe

pytestmark = pytest.mark.anyio

Handler = Callable[[Probe], HttpRequestCallback]


def request(body: bytes, more: bool) -> Message:
    return {"type": "http.request", "body": body, "more_body": more}


DISCONNECT: Message = {"type": "http.disconnect"}
NO_BODY = [request(b"", False)]
PARTS = [request(b"one", True), request(b"two", True), request(b"", False)]
FIRST_PART = [request(b"one", True)]
LEAVES_FIRST = [DISCONNECT]
LEAVES_MID_BODY = [request(b"one", True), DISCONNECT]
ODD_FIRST: list[Message] = [{"type": "websocket.receive", "text": "?"}]
ODD_MID_BODY: list[Message] = [request(b"one", True), {"type": "lifespan.startup"}]
ODD_AFTER_BODY: list[Message] = [request(b"", False), {"type": "lifespan.startup"}]


# Handlers, each made for one probe.


def reads(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], probe.body(await bytes_reader(content))

    return handler


def streams(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], probe.body(b"one", b"two")

    return handler


def streams_endlessly(probe: Probe) -> HttpRequestCallback:
    """One chunk, then waits for ever: only a disconnect or a cancellation ends it."""

    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], probe.body(b"one", then="wait")

    return handler


def ticks(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], probe.body(then="tick")

    return handler


def echoes(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], probe.relay(content)

    return handler


def answers_in_one_message(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], text_writer("whole")

    return handler


def raises(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        raise RuntimeError("the handler failed: secret detail")

    return handler


def raises_http_error(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        raise HttpError(418, "I'm a teapot")

    return handler


def body_raises_at_once(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], probe.body(then="raise")

    return handler


def body_raises_after_a_chunk(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        return 200, [], probe.body(b"one", then="raise")

    return handler


def waits(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        await probe.wait()
        return 204

    return handler


def waits_for_the_body(probe: Probe) -> HttpRequestCallback:
    async def handler(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content
    ) -> HttpResponse:
        probe.waiting.set()
        await bytes_reader(content)
        return 204

    return handler


# Middlewares around a handler.


def middleware_raises_before(handler: Handler) -> Handler:
    def make(probe: Probe) -> HttpRequestCallback:
        async def middleware(
            scope: HttpScope,
            info: Info,
            matches: RouteMatches,
            content: Content,
            next: HttpChainCallback,
        ) -> HttpResponse:
            raise RuntimeError("the middleware failed: secret detail")

        return mw(middleware, handler=handler(probe))

    return make


def middleware_raises_after(handler: Handler) -> Handler:
    def make(probe: Probe) -> HttpRequestCallback:
        async def middleware(
            scope: HttpScope,
            info: Info,
            matches: RouteMatches,
            content: Content,
            next: HttpChainCallback,
        ) -> HttpResponse:
            await next(scope, info, matches, content)
            raise RuntimeError("the middleware failed: secret detail")

        return mw(middleware, handler=handler(probe))

    return make


def middleware_raises_http_error(handler: Handler) -> Handler:
    def make(probe: Probe) -> HttpRequestCallback:
        async def middleware(
            scope: HttpScope,
            info: Info,
            matches: RouteMatches,
            content: Content,
            next: HttpChainCallback,
        ) -> HttpResponse:
            raise HttpError(401, "who are you?")

        return mw(middleware, handler=handler(probe))

    return make


def middleware_body_raises(handler: Handler) -> Handler:
    """The middleware wraps the handler's body in one that fails once the handler's ends."""

    def make(probe: Probe) -> HttpRequestCallback:
        async def middleware(
            scope: HttpScope,
            info: Info,
            matches: RouteMatches,
            content: Content,
            next: HttpChainCallback,
        ) -> HttpFullResponse:
            status, headers, body, pushes = await next(scope, info, matches, content)
            assert body is not None
            return status, headers, probe.relay(body, then="raise"), pushes

        return mw(middleware, handler=handler(probe))

    return make


@dataclass(frozen=True)
class Case:
    """One row: the handler and the scripted server; then what must be seen."""

    handler: Handler
    inputs: list[Message] = field(default_factory=lambda: NO_BODY)
    leave_after: int | None = None  # the client leaves once this many messages were sent
    send_fails_after: int | None = None  # send raises from this message on
    send_error: type[Exception] = OSError
    send_blocks_at: int | None = None  # this send waits for ever (back-pressure)
    cancel: bool = False  # the server cancels once the handler or body waits
    # Expected:
    status: int | None = 200  # of the one response start; None: none was sent
    completed: bool = True  # the response ended with more_body=False
    errors: int = 0  # records logged at ERROR on the bareasgi logger


ROWS: dict[str, Case] = {
    # The client leaves.
    "leaves-before-the-body-is-read": Case(reads, LEAVES_FIRST, status=None, completed=False),
    "leaves-mid-body-while-read": Case(reads, LEAVES_MID_BODY, status=None, completed=False),
    "leaves-mid-body-while-echoed": Case(echoes, LEAVES_MID_BODY, completed=False),
    "leaves-before-the-body-unread-stream": Case(streams_endlessly, LEAVES_FIRST, completed=False),
    "leaves-after-the-start": Case(streams_endlessly, leave_after=1, completed=False),
    "leaves-mid-stream-waiting": Case(streams_endlessly, leave_after=2, completed=False),
    "leaves-mid-stream-ticking": Case(ticks, leave_after=4, completed=False),
    "leaves-mid-stream-upload-unread": Case(
        streams_endlessly, PARTS, leave_after=2, completed=False
    ),
    "leaves-after-the-start-one-message": Case(answers_in_one_message, leave_after=1),
    # The server's send raises OSError: the client left (ASGI spec 2.4).
    "send-fails-at-the-start": Case(
        streams_endlessly, send_fails_after=0, status=None, completed=False
    ),
    "send-fails-mid-stream": Case(ticks, send_fails_after=3, completed=False),
    "send-fails-at-the-end": Case(streams, send_fails_after=3, completed=False),
    "send-fails-at-the-start-one-message": Case(
        answers_in_one_message, send_fails_after=0, status=None, completed=False
    ),
    "send-fails-at-the-start-of-a-500": Case(
        raises, send_fails_after=0, status=None, completed=False, errors=1
    ),
    # The server refuses a message (uvicorn: an invalid header value; a body longer
    # than its content-length): an error, logged once.
    "server-refuses-the-start": Case(
        streams_endlessly,
        send_fails_after=0,
        send_error=RuntimeError,
        status=None,
        completed=False,
        errors=1,
    ),
    "server-refuses-a-body-message": Case(
        ticks, send_fails_after=2, send_error=RuntimeError, completed=False, errors=1
    ),
    # receive() gives a message that has no place in an HTTP request: a server fault.
    "odd-message-instead-of-the-body": Case(reads, ODD_FIRST, status=500, errors=1),
    "odd-message-mid-body-while-read": Case(reads, ODD_MID_BODY, status=500, errors=1),
    "odd-message-mid-body-while-echoed": Case(echoes, ODD_MID_BODY, completed=False, errors=1),
    "odd-message-after-the-body-is-ignored": Case(
        streams_endlessly, ODD_AFTER_BODY, leave_after=2, completed=False
    ),
    # The handler, a middleware or the body raises, before or after the start.
    "handler-raises": Case(raises, status=500, errors=1),
    "handler-raises-http-error": Case(raises_http_error, status=418),
    "middleware-raises-before-the-handler": Case(
        middleware_raises_before(streams), status=500, errors=1
    ),
    "middleware-raises-after-the-handler": Case(
        middleware_raises_after(answers_in_one_message), status=500, errors=1
    ),
    "middleware-raises-http-error": Case(middleware_raises_http_error(streams), status=401),
    "body-raises-before-its-first-chunk": Case(body_raises_at_once, completed=False, errors=1),
    "body-raises-after-a-chunk": Case(body_raises_after_a_chunk, completed=False, errors=1),
    "middleware-body-raises-after-the-start": Case(
        middleware_body_raises(streams), completed=False, errors=1
    ),
    # The server cancels the request (shutdown) while something waits.
    "cancelled-while-the-handler-waits": Case(waits, cancel=True, status=None, completed=False),
    "cancelled-while-the-body-is-read": Case(
        waits_for_the_body, FIRST_PART, cancel=True, status=None, completed=False
    ),
    "cancelled-while-the-response-body-waits": Case(
        streams_endlessly, cancel=True, completed=False
    ),
    "cancelled-while-send-waits-at-the-start": Case(
        streams, send_blocks_at=0, cancel=True, status=200, completed=False
    ),
    "cancelled-while-send-waits-mid-stream": Case(
        ticks, send_blocks_at=2, cancel=True, completed=False
    ),
}


def bareasgi_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bareasgi" and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("case", list(ROWS.values()), ids=list(ROWS))
async def test_fault(case: Case, caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe()
    app = Application()
    app.http_router.add({"POST"}, "/", case.handler(probe))

    sends = 0

    async def block(message: Message) -> None:
        nonlocal sends
        sends += 1
        if sends - 1 == case.send_blocks_at:
            await probe.wait()

    exchange = await call(
        app,
        http_scope("POST", "/"),
        case.inputs,
        disconnect_after_sends=case.leave_after,
        send_error_after=case.send_fails_after,
        send_error=case.send_error,
        on_send=block if case.send_blocks_at is not None else None,
        cancel_on=probe.waiting if case.cancel else None,
    )

    exchange.assert_http_order()
    assert exchange.outcome == ("cancelled" if case.cancel else "returned")
    assert (exchange.status if exchange.started else None) == case.status
    assert exchange.completed == case.completed
    sent_bodies = b"".join(m.get("body", b"") for m in exchange.attempted)
    assert b"secret" not in sent_bodies and b"Traceback" not in sent_bodies
    if case.status == 500:
        assert exchange.body == b"Internal Server Error"
    assert probe.started == probe.finalised, "a body did not run its finally"
    assert probe.all_closed, "a body was left open"
    assert exchange.tasks_left == set()
    errors = bareasgi_errors(caplog)
    assert len(errors) == case.errors, [r.getMessage() for r in errors]
    assert all(record.exc_info for record in errors)
