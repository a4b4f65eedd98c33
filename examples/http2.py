"""HTTP/2 with hypercorn: a page sent with its stylesheet and script pushed alongside.

Run it with ``python -m examples.http2`` and try::

    curl -v --http2-prior-knowledge http://127.0.0.1:9009/       # HTTP/2 without TLS (h2c)

Browsers speak HTTP/2 only over TLS; give a certificate and its key, then open
https://127.0.0.1:9009/ ::

    python -m examples.http2 cert.pem key.pem

A response's fourth item lists the pushes. They are sent as HTTP/2 server push where
the server offers it (hypercorn does, over HTTP/2) and skipped otherwise (HTTP/1.1,
uvicorn). Browsers have stopped acting on pushes, so the page also names the same
files in a ``link: rel=preload`` header, which browsers do follow.
"""

from __future__ import annotations

import asyncio
import sys

import hypercorn.asyncio
from hypercorn.config import Config

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    PushResponses,
    RouteMatches,
    bytes_response,
    text_response,
)

PAGE = """<!doctype html>
<title>HTTP/2</title>
<link rel="stylesheet" href="/style.css">
<h1>Served over HTTP/<span id="version">?</span></h1>
<script src="/app.js"></script>
"""
STYLE = b"h1 { font-family: sans-serif; color: rebeccapurple; }\n"
SCRIPT = b'document.getElementById("version").textContent = "2 (or 1.1)";\n'


async def index(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"link", b"</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script"),
    ]
    # Each push: the path, and the request headers a browser would have sent for it.
    pushes: PushResponses = [
        ("/style.css", [(b"accept", b"text/css")]),
        ("/app.js", [(b"accept", b"*/*")]),
    ]
    status, with_length, body = text_response(200, headers, PAGE)
    return status, with_length, body, pushes


async def style(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return bytes_response(200, None, STYLE, b"text/css")


async def script(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return bytes_response(200, None, SCRIPT, b"text/javascript")


app = Application()
app.http_router.add({"GET"}, "/", index)
app.http_router.add({"GET"}, "/style.css", style)
app.http_router.add({"GET"}, "/app.js", script)


def config(certfile: str | None = None, keyfile: str | None = None) -> Config:
    """Hypercorn's configuration: HTTP/1.1 and h2c in clear, or HTTP/2 over TLS when given a certificate."""
    settings = Config()
    settings.bind = ["127.0.0.1:9009"]
    if certfile and keyfile:
        settings.certfile = certfile
        settings.keyfile = keyfile
    return settings


if __name__ == "__main__":
    asyncio.run(hypercorn.asyncio.serve(app, config(*sys.argv[1:3])))
