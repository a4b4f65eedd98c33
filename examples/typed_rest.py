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

The books are kept in the process's memory. For several processes or machines to
serve one library, keep it in Redis (a hash, ``typed_rest:books``, one field a book)::

    REDIS_URL=redis://127.0.0.1:6379/0 uvicorn examples.typed_rest:app --workers 4

While Redis cannot be reached, requests are answered 503. (Needs the ``examples``
extra, for the ``redis`` client, and asyncio.)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypedDict

import uvicorn
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpError,
    HttpMiddlewareCallback,
    HttpResponse,
    HttpScope,
    LifespanEvent,
    LifespanScope,
    RouteMatches,
    json_reader,
    json_response,
)

if TYPE_CHECKING:  # the redis client is needed only with a Redis URL
    from redis.asyncio import Redis

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


class Shelf(Protocol):
    """Where the books are kept, by slug: this process's memory, or Redis."""

    async def all(self) -> dict[str, Book]: ...
    async def get(self, slug: str) -> Book | None: ...
    async def add(self, slug: str, book: Book) -> bool: ...  # False: the slug is taken
    async def replace(self, slug: str, book: Book) -> bool: ...  # False: no book there
    async def remove(self, slug: str) -> bool: ...  # False: no book there


@dataclass
class MemoryShelf:
    """The books in a dict, for one process."""

    books: dict[str, Book]

    async def all(self) -> dict[str, Book]:
        return dict(self.books)

    async def get(self, slug: str) -> Book | None:
        return self.books.get(slug)

    async def add(self, slug: str, book: Book) -> bool:
        return self.books.setdefault(slug, book) is book

    async def replace(self, slug: str, book: Book) -> bool:
        if slug not in self.books:
            return False
        self.books[slug] = book
        return True

    async def remove(self, slug: str) -> bool:
        return self.books.pop(slug, None) is not None


# HSET only if the field is there, in one step (a check then a set could lose a delete).
REPLACE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


@dataclass
class RedisShelf:
    """The books in a Redis hash, one JSON field a book, for every process that uses it."""

    redis: Redis
    key: str = "typed_rest:books"

    async def all(self) -> dict[str, Book]:
        stored = await self.redis.hgetall(self.key)
        books = {slug: Book.model_validate_json(data) for slug, data in stored.items()}
        return {slug.decode() if isinstance(slug, bytes) else slug: book for slug, book in books.items()}

    async def get(self, slug: str) -> Book | None:
        data = await self.redis.hget(self.key, slug)
        return None if data is None else Book.model_validate_json(data)

    async def add(self, slug: str, book: Book) -> bool:
        return bool(await self.redis.hsetnx(self.key, slug, book.model_dump_json()))

    async def replace(self, slug: str, book: Book) -> bool:
        return bool(await self.redis.eval(REPLACE, 1, self.key, slug, book.model_dump_json()))

    async def remove(self, slug: str) -> bool:
        return bool(await self.redis.hdel(self.key, slug))


def unavailable_without_redis() -> HttpMiddlewareCallback[Library]:
    """A middleware that answers 503 to a request that finds Redis unreachable, not the logged 500."""
    from redis.exceptions import RedisError

    async def middleware(
        scope: HttpScope, info: Library, matches: RouteMatches, content: Content, handler: HttpChainCallback[Library]
    ) -> HttpResponse:
        try:
            return await handler(scope, info, matches, content)
        except RedisError:
            raise HttpError(503, "The library is unavailable; try again later", [(b"retry-after", b"1")]) from None

    return middleware


@dataclass
class Library:
    """The application's info: the books, by slug, on their shelf."""

    books: dict[str, Book] = field(default_factory=dict)  # the shelf of one process
    redis_url: str | None = None  # a shelf in Redis instead, from startup on
    shelf: Shelf = field(init=False)

    def __post_init__(self) -> None:
        self.shelf = MemoryShelf(self.books)


class BookMatches(TypedDict):
    slug: str


class GenreMatches(TypedDict):
    genre: Genre


REDIS_URL = os.environ.get("REDIS_URL") or None
app = Application(
    info=Library(redis_url=REDIS_URL),
    converters={"slug": Slug, "genre": Genre},
    middlewares=[unavailable_without_redis()] if REDIS_URL else None,
)


def slug_of(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def as_json(slug: str, book: Book) -> dict[str, Any]:
    """A book with the links a client follows: to itself and to its genre."""
    return {
        **book.model_dump(mode="json"),
        "url": app.http_router.url_for("book", slug=slug),
        "genre_url": app.http_router.url_for("genre", genre=book.genre),
    }


async def find(info: Library, slug: str) -> Book:
    book = await info.shelf.get(slug)
    if book is None:
        raise HttpError(404, f"No book at {slug}")
    return book


@app.on_http_request({"GET"}, "/books")
async def list_books(scope: HttpScope, info: Library, matches: RouteMatches, content: Content) -> HttpResponse:
    return json_response(200, None, [as_json(slug, book) for slug, book in sorted((await info.shelf.all()).items())])


@app.on_http_request({"POST"}, "/books")
async def add_book(scope: HttpScope, info: Library, matches: RouteMatches, content: Content) -> HttpResponse:
    book = await json_reader(content, Book, max_size=10_000)  # 400, 413 or 422 otherwise
    slug = slug_of(book.title)
    if not slug:
        raise HttpError(422, "The title needs at least one letter or digit")
    if not await info.shelf.add(slug, book):
        raise HttpError(409, f"There is already a book at {slug}")
    location = app.http_router.url_for("book", slug=slug).encode()
    return json_response(201, [(b"location", location)], as_json(slug, book))


@app.on_http_request({"GET"}, "/books/<slug:slug>", name="book")
async def get_book(scope: HttpScope, info: Library, matches: BookMatches, content: Content) -> HttpResponse:
    return json_response(200, None, as_json(matches["slug"], await find(info, matches["slug"])))


@app.on_http_request({"PUT"}, "/books/<slug:slug>")
async def replace_book(scope: HttpScope, info: Library, matches: BookMatches, content: Content) -> HttpResponse:
    book = await json_reader(content, Book, max_size=10_000)
    if not await info.shelf.replace(matches["slug"], book):  # only books that exist are replaced
        raise HttpError(404, f"No book at {matches['slug']}")
    return json_response(200, None, as_json(matches["slug"], book))


@app.on_http_request({"DELETE"}, "/books/<slug:slug>")
async def delete_book(scope: HttpScope, info: Library, matches: BookMatches, content: Content) -> HttpResponse:
    if not await info.shelf.remove(matches["slug"]):
        raise HttpError(404, f"No book at {matches['slug']}")
    return 204


@app.on_http_request({"GET"}, "/genres/<genre:genre>", name="genre")
async def books_in_genre(scope: HttpScope, info: Library, matches: GenreMatches, content: Content) -> HttpResponse:
    genre = matches["genre"]  # a Genre, converted from the path segment
    found = [as_json(slug, book) for slug, book in sorted((await info.shelf.all()).items()) if book.genre is genre]
    return json_response(200, None, {"genre": genre.value, "books": found})


IPCRESS = Book(title="The Ipcress File", author="Len Deighton", genre=Genre.SPY, year=1962)
app.info.books["the-ipcress-file"] = IPCRESS


@app.on_startup
async def open_shelf(scope: LifespanScope, info: Library, message: LifespanEvent) -> None:
    """With a Redis URL, put the library in Redis (the first book only if no process has)."""
    if info.redis_url is None:
        return
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # One retry, at once, on a new connection: a connection left over from before a
    # restart of Redis is replaced; while Redis is down, the request is answered 503.
    redis = Redis.from_url(info.redis_url, retry=Retry(NoBackoff(), 1), socket_connect_timeout=2, socket_timeout=5)
    shelf = RedisShelf(redis)
    try:
        await shelf.add("the-ipcress-file", IPCRESS)
    except BaseException:
        await redis.aclose()
        raise
    info.shelf = shelf


@app.on_shutdown
async def close_shelf(scope: LifespanScope, info: Library, message: LifespanEvent) -> None:
    if isinstance(info.shelf, RedisShelf):
        await info.shelf.redis.aclose()
        info.shelf = MemoryShelf(info.books)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
