"""A JSON API called by a page of another origin: the CORS and compression middlewares.

Run it with ``python -m examples.cross_origin``: the API listens on
http://127.0.0.1:9009 and the page that calls it on http://127.0.0.1:9010, another
origin (the port differs). Open the page in a browser and add notes; or ask the API
as the browser would::

    curl -i -X OPTIONS http://127.0.0.1:9009/notes -H 'origin: http://127.0.0.1:9010' \\
        -H 'access-control-request-method: POST' -H 'access-control-request-headers: x-client'
    curl -i http://127.0.0.1:9009/notes/7 -H 'origin: http://127.0.0.1:9010'   # a 404, with CORS
    curl -i --compressed http://127.0.0.1:9009/notes

The API compresses with zstd or br when their packages are installed
(``bareasgi[zstandard]``, ``bareasgi[brotli]``), and with gzip always.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

import anyio
import uvicorn

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    compression_middleware,
    cors_middleware,
    json_response,
    text_reader,
    text_response,
)

HOST = "127.0.0.1"
API_PORT = 9009
PAGE_PORT = 9010
MAX_NOTE = 500  # characters

# The encodings offered, best first: those whose optional package is installed.
ENCODINGS = [
    name for name, module in (("zstd", "zstandard"), ("br", "brotli")) if importlib.util.find_spec(module)
] + ["gzip"]


@dataclass
class Notes:
    """The API's info: the notes, in the order they were added."""

    items: list[str] = field(default_factory=list)


def make_app(page_origin: str = f"http://{HOST}:{PAGE_PORT}") -> Application[Notes]:
    """The API, callable from pages of ``page_origin``, with their cookies."""
    app = Application(
        info=Notes(),
        middlewares=[
            cors_middleware(
                allow_origins=[page_origin],
                allow_methods=["GET", "POST"],
                allow_headers=["x-client"],
                allow_credentials=True,
                expose_headers=["x-count"],
            ),
            compression_middleware(minimum_size=500, encodings=ENCODINGS),
        ],
    )

    @app.on_http_request({"GET"}, "/notes")
    async def list_notes(scope: HttpScope, info: Notes, matches: RouteMatches, content: Content) -> HttpResponse:
        count = str(len(info.items)).encode()
        return json_response(200, [(b"x-count", count)], info.items)

    @app.on_http_request({"POST"}, "/notes")
    async def add_note(scope: HttpScope, info: Notes, matches: RouteMatches, content: Content) -> HttpResponse:
        note = (await text_reader(content, max_size=4 * MAX_NOTE)).strip()
        if not note:
            raise HttpError(422, "A note needs some text")
        if len(note) > MAX_NOTE:
            raise HttpError(422, f"A note has at most {MAX_NOTE} characters")
        info.items.append(note)
        return json_response(201, None, {"id": len(info.items) - 1, "note": note})

    @app.on_http_request({"GET"}, "/notes/<id:int>")
    async def get_note(scope: HttpScope, info: Notes, matches: RouteMatches, content: Content) -> HttpResponse:
        if not 0 <= matches["id"] < len(info.items):
            raise HttpError(404, f"No note {matches['id']}")
        return json_response(200, None, {"id": matches["id"], "note": info.items[matches["id"]]})

    return app


PAGE = """<!doctype html>
<title>Notes</title>
<form id="add"><input name="note" placeholder="a note"> <button>Add</button></form>
<p id="status"></p>
<ol id="notes"></ol>
<script>
  const API = "__API__";
  const call = (path, options = {}) => fetch(API + path, {
    credentials: "include", ...options, headers: {"x-client": "notes-page", ...options.headers},
  });
  async function refresh() {
    const response = await call("/notes");
    const notes = await response.json();
    document.getElementById("status").textContent = response.headers.get("x-count") + " notes";
    document.getElementById("notes").replaceChildren(...notes.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }
  document.getElementById("add").onsubmit = async (event) => {
    event.preventDefault();
    const response = await call("/notes", {method: "POST", body: event.target.note.value});
    if (!response.ok) {
      document.getElementById("status").textContent = await response.text();
      return;
    }
    event.target.reset();
    await refresh();
  };
  refresh();
</script>
"""


def make_page_app(api_url: str = f"http://{HOST}:{API_PORT}") -> Application:
    """The page's own server, on another origin than the API's."""
    page_app = Application()
    html = PAGE.replace("__API__", api_url)

    @page_app.on_http_request({"GET"}, "/")
    async def index(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        return text_response(200, [(b"content-type", b"text/html; charset=utf-8")], html)

    return page_app


app = make_app()


async def serve_both() -> None:
    servers = [
        uvicorn.Server(uvicorn.Config(app, host=HOST, port=API_PORT)),
        uvicorn.Server(uvicorn.Config(make_page_app(), host=HOST, port=PAGE_PORT)),
    ]
    async with anyio.create_task_group() as task_group:
        for server in servers:
            task_group.start_soon(server.serve)


if __name__ == "__main__":
    print(f"The page: http://{HOST}:{PAGE_PORT}/ (the API: http://{HOST}:{API_PORT}/notes)")
    anyio.run(serve_both)
