"""A typed REST service: books in a library, checked by ``mypy --strict`` end to end.

Custom converters name the path types, TypedDicts say what each handler's matches
hold (the router checks them against the template), the application's info is a
dataclass, request bodies are validated by a Pydantic model, and links are made
with ``url_for``. Run it with ``python -m examples.typed_rest`` and try::

    curl http://127.0.0.1:9009/books
    curl -i -d '{"title": "Funeral in Berlin", "author": "Len Deighton", "genre": "spy"}' \\
        http://127.0.0.1:9009/books
    curl http://127.0.0.1:9009/books/funeral-in-berlin
    curl http://127.0.0.1:9009/genres/spy
    curl -X DELETE http://127.0.0.1:9009/books/funeral-in-berlin
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, TypedDict

import uvicorn
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    RouteMatches,
    json_reader,
    json_response,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


class Genre(Enum):
    CRIME = "crime"
    SCIENCE_FICTION = "science-fiction"
    SPY = "spy"


class Book(BaseModel):
    """A book as clients send it and are sent it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    author: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    genre: Genre
    year: Annotated[int, Field(ge=1450, le=2100)] | None = None


@dataclass
class Library:
    """The application's info: the books, by slug."""

    books: dict[str, Book] = field(default_factory=dict)


class BookMatches(TypedDict):
    slug: str


class GenreMatches(TypedDict):
    genre: Genre


app = Application(info=Library(), converters={"slug": Slug, "genre": Genre})


def slug_of(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def as_json(slug: str, book: Book) -> dict[str, Any]:
    """A book with the links a client follows: to itself and to its genre."""
    return {
        **book.model_dump(mode="json"),
        "url": app.http_router.url_for("book", slug=slug),
        "genre_url": app.http_router.url_for("genre", genre=book.genre),
    }


def find(info: Library, slug: str) -> Book:
    book = info.books.get(slug)
    if book is None:
        raise HttpError(404, f"No book at {slug}")
    return book


@app.on_http_request({"GET"}, "/books")
async def list_books(scope: HttpScope, info: Library, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, [as_json(slug, book) for slug, book in sorted(info.books.items())])


@app.on_http_request({"POST"}, "/books")
async def add_book(scope: HttpScope, info: Library, matches: RouteMatches, content: Content) -> HttpResponse:
    book = await json_reader(content, Book, max_size=10_000)  # 400, 413 or 422 otherwise
    slug = slug_of(book.title)
    if not slug:
        raise HttpError(422, "The title needs at least one letter or digit")
    if slug in info.books:
        raise HttpError(409, f"There is already a book at {slug}")
    info.books[slug] = book
    location = app.http_router.url_for("book", slug=slug).encode()
    return json_response(201, [(b"location", location)], as_json(slug, book))


@app.on_http_request({"GET"}, "/books/<slug:slug>", name="book")
async def get_book(scope: HttpScope, info: Library, matches: BookMatches, content: Content) -> HttpResponse:
    return json_response(200, None, as_json(matches["slug"], find(info, matches["slug"])))


@app.on_http_request({"PUT"}, "/books/<slug:slug>")
async def replace_book(scope: HttpScope, info: Library, matches: BookMatches, content: Content) -> HttpResponse:
    find(info, matches["slug"])  # only books that exist are replaced
    info.books[matches["slug"]] = book = await json_reader(content, Book, max_size=10_000)
    return json_response(200, None, as_json(matches["slug"], book))


@app.on_http_request({"DELETE"}, "/books/<slug:slug>")
async def delete_book(scope: HttpScope, info: Library, matches: BookMatches, content: Content) -> HttpResponse:
    find(info, matches["slug"])
    del info.books[matches["slug"]]
    return 204


@app.on_http_request({"GET"}, "/genres/<genre:genre>", name="genre")
async def books_in_genre(scope: HttpScope, info: Library, matches: GenreMatches, content: Content) -> HttpResponse:
    genre = matches["genre"]  # a Genre, converted from the path segment
    found = [as_json(slug, book) for slug, book in sorted(info.books.items()) if book.genre is genre]
    return json_response(200, None, {"genre": genre.value, "books": found})


app.info.books["the-ipcress-file"] = Book(
    title="The Ipcress File", author="Len Deighton", genre=Genre.SPY, year=1962
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
