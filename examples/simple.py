"""Simple: one route answering plain text.

Run it with ``python -m examples.simple`` (or ``uvicorn examples.simple:app --port 9009``)
and try::

    curl http://127.0.0.1:9009/test
"""

from __future__ import annotations

import uvicorn

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, text_writer


async def http_request_callback(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer(info["message"])


app = Application(info={"message": "This is not a test"})
app.http_router.add({"GET"}, "/test", http_request_callback)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
