"""examples/typed_rest.py: a typed REST service with custom converters and reverse routing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bareasgi import TemplateError
from bareasgi.testing import TestClient
from examples import typed_rest
from examples.typed_rest import Book, Genre, app

pytestmark = pytest.mark.anyio

FUNERAL = {"title": "Funeral in Berlin", "author": "Len Deighton", "genre": "spy"}


@pytest.fixture(autouse=True)
def library() -> Iterator[dict[str, Book]]:
    """The example's library as it starts, put back after each test."""
    saved = dict(app.info.books)
    yield app.info.books
    app.info.books.clear()
    app.info.books.update(saved)


async def test_a_book_added_is_found_at_its_location() -> None:
    async with TestClient(app) as client:
        added = await client.post("/books", json=FUNERAL)
        assert added.status_code == 201
        assert added.headers["location"] == "/books/funeral-in-berlin"
        found = await client.get(added.headers["location"])
    assert found.json() == {
        **FUNERAL,
        "year": None,
        "url": "/books/funeral-in-berlin",
        "genre_url": "/genres/spy",
    }


async def test_listing_and_genres_follow_the_converters() -> None:
    async with TestClient(app) as client:
        await client.post("/books", json={**FUNERAL, "genre": "crime"})
        listed = [book["url"] for book in (await client.get("/books")).json()]
        assert listed == ["/books/funeral-in-berlin", "/books/the-ipcress-file"]
        spy = (await client.get("/genres/spy")).json()
        assert [book["title"] for book in spy["books"]] == ["The Ipcress File"]
        assert (await client.get("/genres/science-fiction")).json() == {"genre": "science-fiction", "books": []}
        assert (await client.get("/genres/romance")).status_code == 404  # not a Genre: no route
        assert (await client.get("/books/Not_A_Slug")).status_code == 404


async def test_replace_and_delete() -> None:
    async with TestClient(app) as client:
        replaced = await client.put("/books/the-ipcress-file", json={**FUNERAL, "title": "The Ipcress File", "year": 1962})
        assert replaced.json()["author"] == "Len Deighton"
        assert (await client.delete("/books/the-ipcress-file")).status_code == 204
        assert (await client.delete("/books/the-ipcress-file")).status_code == 404
        assert (await client.put("/books/the-ipcress-file", json=FUNERAL)).status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({**FUNERAL, "genre": "romance"}, 422),
        ({**FUNERAL, "year": 12}, 422),
        ({**FUNERAL, "title": ""}, 422),
        ({**FUNERAL, "publisher": "Cape"}, 422),
        ({**FUNERAL, "title": "!!!"}, 422),
        ({**FUNERAL, "title": "The Ipcress File"}, 409),
    ],
    ids=["unknown-genre", "year-out-of-range", "empty-title", "unknown-field", "no-slug", "taken"],
)
async def test_bad_books_are_refused(body: dict[str, Any], status: int) -> None:
    async with TestClient(app) as client:
        response = await client.post("/books", json=body)
    assert response.status_code == status


async def test_a_validation_error_names_the_field() -> None:
    async with TestClient(app) as client:
        response = await client.post("/books", json={**FUNERAL, "genre": "romance"})
    assert response.headers["content-type"] == "application/json"
    assert [error["loc"] for error in response.json()["detail"]] == [["genre"]]


async def test_a_body_that_is_not_json_is_400() -> None:
    async with TestClient(app) as client:
        response = await client.post("/books", content=b'{"title": ')
    assert response.status_code == 400


def test_url_for_writes_an_enum_as_its_value() -> None:
    assert app.http_router.url_for("genre", genre=Genre.SCIENCE_FICTION) == "/genres/science-fiction"


def test_the_matches_typeddict_is_checked_against_the_template() -> None:
    with pytest.raises(TemplateError, match="BookMatches wants str"):
        app.http_router.add({"GET"}, "/by-number/<slug:int>", typed_rest.get_book)
