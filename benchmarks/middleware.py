"""Middleware benchmark: bareasgi's CORS and compression middlewares against Starlette's.

Run ``python -m benchmarks.middleware`` (after ``pip install -e '.[bench]'``). Each
framework serves the same routes behind its own middleware, configured alike:

- CORS: ``cors_middleware`` and Starlette's ``CORSMiddleware``, one allowed origin,
  credentials, one allowed header; a request from that origin, a preflight, and a
  request with no ``origin``.
- gzip: ``compression_middleware`` and Starlette's ``GZipMiddleware`` at the same
  level (``--level``, default 6) and ``minimum_size``; a 4 KiB page known in full, a
  stream of 100 chunks of 64 bytes (each compressed and flushed by both), and the
  page to a client that asks for no compression.

Each response is built per request, by both (Starlette's middlewares change the
headers of the response they are given, so a response object cannot be sent twice).
Both are driven in-process as :mod:`benchmarks.inprocess` drives the main suite (a
prepared scope, a ``receive`` handing out prepared messages, a ``send`` that drops
them), every answer checked once before timing (the body decompressed and compared,
the CORS headers read). Rounds interleave the two frameworks, alternating which goes
first; the table gives the median time per request and the median of the per-round
ratios, bareasgi over Starlette: below 1 is faster.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import statistics
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    compression_middleware,
    cors_middleware,
    text_response,
)

from .apps import AsgiApp
from .inprocess import Exchange, response_of, run_in_loop, timed_calls
from .scenarios import Response, Scenario

_HTTP = Scenario("recorded", "GET", "/")  # tells the in-process reader it is HTTP

ORIGIN = "https://app.example"
PAGE = ("<p>" + "The quick brown fox jumps over the lazy dog. " * 90 + "</p>")[:4096]
CHUNK = b"data: " + b"x" * 56 + b"\n\n"  # 64 bytes: one small event
CHUNKS = 100
FRAMEWORKS = ("bareasgi", "starlette")


@dataclass(frozen=True)
class Trial:
    """One request to both frameworks, and how to tell a right answer."""

    name: str
    middleware: str  # "cors" or "gzip": which of each framework's apps serves it
    method: str
    path: str
    headers: tuple[tuple[bytes, bytes], ...]
    check: Callable[[Response], str | None]


def _cors_simple(response: Response) -> str | None:
    if response.headers.get(b"access-control-allow-origin") != ORIGIN.encode():
        return f"access-control-allow-origin {response.headers.get(b'access-control-allow-origin')!r}"
    return None if response.body == b"Hello, World!" else f"body {response.body[:40]!r}"


def _cors_preflight(response: Response) -> str | None:
    if response.status != 200:
        return f"status {response.status}"
    if b"x-token" not in response.headers.get(b"access-control-allow-headers", b"").lower():
        return "x-token not allowed"
    return _origin_allowed(response)


def _origin_allowed(response: Response) -> str | None:
    found = response.headers.get(b"access-control-allow-origin")
    return None if found == ORIGIN.encode() else f"access-control-allow-origin {found!r}"


def _no_cors(response: Response) -> str | None:
    if b"access-control-allow-origin" in response.headers:
        return "CORS headers without an origin"
    return None if response.body == b"Hello, World!" else f"body {response.body[:40]!r}"


def _gzipped(expected: bytes) -> Callable[[Response], str | None]:
    def check(response: Response) -> str | None:
        if response.headers.get(b"content-encoding") != b"gzip":
            return f"content-encoding {response.headers.get(b'content-encoding')!r}"
        try:
            decompressed = gzip.decompress(response.body)
        except (OSError, EOFError) as error:
            return f"the body is not gzip: {error}"
        return None if decompressed == expected else "the body does not decompress to the original"

    return check


def _identity(response: Response) -> str | None:
    if b"content-encoding" in response.headers:
        return "compressed for a client that asked for none"
    return None if response.body == PAGE.encode() else "body changed"


_PREFLIGHT = (
    (b"origin", ORIGIN.encode()),
    (b"access-control-request-method", b"POST"),
    (b"access-control-request-headers", b"x-token"),
)
_GZIP = ((b"accept-encoding", b"gzip, deflate, br"),)

TRIALS = (
    Trial("cors: allowed origin", "cors", "GET", "/plaintext", ((b"origin", ORIGIN.encode()),), _cors_simple),
    Trial("cors: preflight", "cors", "OPTIONS", "/plaintext", _PREFLIGHT, _cors_preflight),
    Trial("cors: no origin", "cors", "GET", "/plaintext", (), _no_cors),
    Trial("gzip: 4 KiB page", "gzip", "GET", "/page", _GZIP, _gzipped(PAGE.encode())),
    Trial(f"gzip: stream {CHUNKS} x {len(CHUNK)} B", "gzip", "GET", "/stream", _GZIP, _gzipped(CHUNK * CHUNKS)),
    Trial("gzip: not asked", "gzip", "GET", "/page", (), _identity),
)  # fmt: skip


async def _chunks() -> AsyncIterator[bytes]:
    for _ in range(CHUNKS):
        yield CHUNK


def bareasgi_apps(level: int) -> dict[str, AsgiApp]:
    """The bareasgi application behind each middleware."""

    async def hello(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return text_response(200, None, "Hello, World!")

    async def show(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return text_response(200, [(b"content-type", b"text/html; charset=utf-8")], PAGE)

    async def stream(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return 200, [(b"content-type", b"text/plain")], _chunks()

    cors = Application(
        middlewares=[
            cors_middleware(
                allow_origins=[ORIGIN],
                allow_methods=["GET", "POST"],
                allow_headers=["x-token"],
                allow_credentials=True,
            )
        ]
    )
    cors.http_router.add({"GET"}, "/plaintext", hello)
    compressed = Application(middlewares=[compression_middleware(minimum_size=500, level=level)])
    compressed.http_router.add({"GET"}, "/page", show)
    compressed.http_router.add({"GET"}, "/stream", stream)
    return {"cors": cors, "gzip": compressed}


def starlette_apps(level: int) -> dict[str, AsgiApp]:
    """The same on Starlette, with its own middleware (imported here: an optional peer)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.routing import Route


    async def hello(request: Request) -> Response:
        return PlainTextResponse("Hello, World!")

    async def show(request: Request) -> Response:
        return HTMLResponse(PAGE)

    async def stream(request: Request) -> Response:
        return StreamingResponse(_chunks(), media_type="text/plain")

    cors = Starlette(
        routes=[Route("/plaintext", hello)],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=[ORIGIN],
                allow_methods=["GET", "POST"],
                allow_headers=["x-token"],
                allow_credentials=True,
            )
        ],
    )
    compressed = Starlette(
        routes=[Route("/page", show), Route("/stream", stream)],
        middleware=[Middleware(GZipMiddleware, minimum_size=500, compresslevel=level)],
    )
    return {"cors": cors, "gzip": compressed}


def scope_of(trial: Trial) -> dict[str, Any]:
    """The scope uvicorn would give for ``trial``."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *trial.headers],
        "state": {},
        "method": trial.method,
        "path": trial.path,
        "raw_path": trial.path.encode(),
        "query_string": b"",
    }


@dataclass
class Case:
    """One trial on one framework: its app, scope and exchange, and its timings."""

    app: AsgiApp
    scope: dict[str, Any]
    exchange: Exchange = field(
        default_factory=lambda: Exchange([{"type": "http.request", "body": b"", "more_body": False}])
    )
    number: int = 1
    seconds: list[float] = field(default_factory=list)

    async def batch(self, number: int) -> float:
        return await timed_calls(self.app, self.scope, self.exchange, number)


async def _checked(case: Case, trial: Trial, framework: str) -> None:
    case.exchange.recorded = []
    case.exchange.index, case.exchange.complete = 0, False
    await case.app(case.scope, case.exchange.receive, case.exchange.send)
    sent, case.exchange.recorded = case.exchange.recorded, None
    fault = trial.check(response_of_http(sent))
    if fault is not None:
        raise AssertionError(f"{framework}, {trial.name}: {fault}")


def response_of_http(sent: list[dict[str, Any]]) -> Response:
    """The response the recorded messages make up (the in-process driver's reading)."""
    return response_of(_HTTP, sent)


async def _run(trials: Sequence[Trial], level: int, rounds: int, batch_seconds: float) -> dict[tuple[str, str], Case]:
    apps = {"bareasgi": bareasgi_apps(level), "starlette": starlette_apps(level)}
    cases = {
        (trial.name, framework): Case(apps[framework][trial.middleware], scope_of(trial))
        for trial in trials
        for framework in FRAMEWORKS
    }
    for trial in trials:
        for framework in FRAMEWORKS:
            await _checked(cases[(trial.name, framework)], trial, framework)
    for case in cases.values():
        number = 1
        while (elapsed := await case.batch(number) * number) < batch_seconds / 5 and number < 1 << 20:
            number *= 4
        case.number = max(1, round(number * batch_seconds / max(elapsed, 1e-9)))
    for round_ in range(rounds):
        print(f"  ... round {round_ + 1} of {rounds}", file=sys.stderr, flush=True)
        order = FRAMEWORKS if round_ % 2 == 0 else FRAMEWORKS[::-1]
        for trial in trials:
            for framework in order:
                case = cases[(trial.name, framework)]
                gc.collect()
                case.seconds.append(await case.batch(case.number))
    for trial in trials:
        for framework in FRAMEWORKS:
            await _checked(cases[(trial.name, framework)], trial, framework)  # still right
    return cases


def table(trials: Sequence[Trial], cases: dict[tuple[str, str], Case]) -> list[str]:
    """The Markdown table: µs per request for each, and the ratio bareasgi / Starlette."""
    lines = [
        "| request | bareasgi µs | Starlette µs | bareasgi / Starlette |",
        "|---|---:|---:|---:|",
    ]
    for trial in trials:
        ours, theirs = cases[(trial.name, "bareasgi")], cases[(trial.name, "starlette")]
        ratio = statistics.median(a / b for a, b in zip(ours.seconds, theirs.seconds))
        lines.append(
            f"| {trial.name} | {statistics.median(ours.seconds) * 1e6:.1f} "
            f"| {statistics.median(theirs.seconds) * 1e6:.1f} | {ratio:.2f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.middleware",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--level", type=int, default=6, help="gzip level for both (default 6)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (default 7)")
    parser.add_argument(
        "--batch", type=float, default=0.05, help="seconds per timing batch (default 0.05)"
    )
    args = parser.parse_args()
    try:
        import starlette  # noqa: F401
    except ImportError:
        parser.exit(1, "Starlette is not installed: pip install -e '.[bench]'\n")
    cases = run_in_loop(_run(TRIALS, args.level, args.rounds, args.batch))
    print(f"gzip level {args.level}, {args.rounds} rounds\n")
    print("\n".join(table(TRIALS, cases)))


if __name__ == "__main__":
    main()
