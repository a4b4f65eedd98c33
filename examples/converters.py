"""Typed routes: built-in types, custom converters and reverse routing.

Run it with ``python -m examples.converters`` and try::

    curl http://127.0.0.1:9009/posts/hello-world
    curl http://127.0.0.1:9009/posts/Not_A_Slug           # 404: not a slug
    curl http://127.0.0.1:9009/shirts/red/2026-11-24
    curl http://127.0.0.1:9009/files/docs/guide/intro.md
"""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Annotated

import uvicorn
from pydantic import StringConstraints

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, json_response

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


class Colour(Enum):
    RED = "red"
    GREEN = "green"


app = Application(converters={"slug": Slug})
app.add_converter("colour", Colour)


@app.on_http_request({"GET"}, "/posts/<name:slug>", name="post")
async def get_post(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    name: str = matches["name"]
    return json_response(200, None, {"post": name, "self": app.http_router.url_for("post", name=name)})


@app.on_http_request({"GET"}, "/shirts/{colour:colour}/{since:date:%Y-%m-%d}", name="shirts")
async def get_shirts(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    colour: Colour = matches["colour"]
    since: datetime.date = matches["since"]
    return json_response(200, None, {"colour": colour.value, "weekday": since.strftime("%A")})


@app.on_http_request({"GET"}, "/files/{rest:path}")
async def get_file(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, {"path": matches["rest"]})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
