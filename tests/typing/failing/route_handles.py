"""URLs built from a handler with values its matches do not allow."""

from __future__ import annotations

from typing import TypedDict

from bareasgi import Application, Content, HttpScope, Info


class BookMatches(TypedDict):
    slug: str


app = Application()


@app.on_http_request({"GET"}, "/books/<slug>")
async def get_book(scope: HttpScope, info: Info, matches: BookMatches, content: Content) -> int:
    return 204


app.route_of(get_book).url({"slug": 42})  # E: TypedDict item "slug" has type "str"
app.route_of(get_book).url({"name": "dune"})  # E: Missing key "slug" for TypedDict "BookMatches"
app.route_of(get_book).url({})  # E: Missing key "slug" for TypedDict "BookMatches"
app.route_of(get_boook).url({"slug": "dune"})  # E: Name "get_boook" is not defined
