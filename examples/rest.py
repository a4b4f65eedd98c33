"""Rest server: GET returns the info object as JSON, POST merges JSON into it.

Run it with ``python -m examples.rest`` (or ``uvicorn examples.rest:app --port 9009``)
and try::

    curl http://127.0.0.1:9009/info
    curl -X POST -d '{"name": "Harry Palmer"}' http://127.0.0.1:9009/info
    curl http://127.0.0.1:9009/info
"""

from __future__ import annotations

import json

import uvicorn

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    text_reader,
    text_writer,
)


async def get_info(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    text = json.dumps(info)
    return 200, [(b"content-type", b"application/json")], text_writer(text)


async def set_info(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    text = await text_reader(content)
    data = json.loads(text)
    info.update(data)
    return 204


app = Application(info={"name": "Michael Caine"})
app.http_router.add({"GET"}, "/info", get_info)
app.http_router.add({"POST"}, "/info", set_info)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
