"""A single-page application: its files served by static_files, beside a JSON API.

The page, its script and its style sheet are the files in ``examples/public/``.
Every path without a file there (``/notes/2``, say, which the page routes itself)
gets ``index.html``, the fallback; the API's routes, being literal, are tried first.
Run it with ``python -m examples.site`` and try::

    curl -i http://127.0.0.1:9009/                      # index.html, with an etag
    curl -i http://127.0.0.1:9009/notes/2               # index.html again: the fallback
    curl -i -H 'range: bytes=0-15' http://127.0.0.1:9009/app.js   # 206, the first 16 bytes
    curl http://127.0.0.1:9009/api/notes                # the notes, as JSON
"""

from __future__ import annotations

from pathlib import Path

import uvicorn

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, json_response, static_files

SITE = Path(__file__).parent / "public"


async def list_notes(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, info["notes"])


def make_app(site: Path = SITE) -> Application:
    app = Application(info={"notes": [{"id": 1, "text": "Buy milk"}, {"id": 2, "text": "Call Ada"}]})
    app.http_router.add({"GET"}, "/api/notes", list_notes)
    app.http_router.add(
        {"GET", "HEAD"}, "/{path:path}", static_files(site, fallback="index.html", max_age=60)
    )
    return app


app = make_app()

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
