"""examples/upload.py: bodies hashed and saved chunk by chunk, refused with 413 once too large."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bareasgi.testing import TestClient
from examples import upload

pytestmark = pytest.mark.anyio


async def chunked(*chunks: bytes) -> AsyncIterator[bytes]:
    """A request body sent in parts, without a content-length."""
    for chunk in chunks:
        yield chunk


async def test_a_body_is_hashed_as_it_arrives(tmp_path: Path) -> None:
    async with TestClient(upload.make_app(tmp_path)) as client:
        response = await client.post("/hash", content=chunked(b"one", b"two", b"three"))
    assert response.json() == {
        "size": 11,
        "chunks": 3,
        "sha256": hashlib.sha256(b"onetwothree").hexdigest(),
    }


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_body_over_max_size_is_refused(tmp_path: Path, declared: bool) -> None:
    body = b"x" * 150
    async with TestClient(upload.make_app(tmp_path, max_size=100)) as client:
        hashed = await client.post("/hash", content=body if declared else chunked(body[:80], body[80:]))
        saved = await client.put("/files/big.bin", content=body if declared else chunked(body[:80], body[80:]))
    assert (hashed.status_code, hashed.text) == (413, "Request body larger than 100 bytes")
    assert saved.status_code == 413
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


async def test_a_file_is_saved_and_streamed_back(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    async with TestClient(upload.make_app(tmp_path / "store")) as client:  # made at startup
        saved = await client.put("/files/data.bin", content=chunked(data[:1000], data[1000:]))
        assert saved.status_code == 201
        assert saved.headers["location"] == "/files/data.bin"
        assert saved.json() == {"sha256": hashlib.sha256(data).hexdigest()}
        read = await client.get("/files/data.bin")
        assert read.headers["content-length"] == str(len(data))
        assert read.content == data
        assert (await client.get("/files/other.bin")).status_code == 404
    assert [path.name for path in (tmp_path / "store").iterdir()] == ["data.bin"]


@pytest.mark.parametrize("name", ["..", ".hidden", "a%2Fb"])
async def test_names_that_could_leave_the_directory_do_not_route(tmp_path: Path, name: str) -> None:
    async with TestClient(upload.make_app(tmp_path)) as client:
        response = await client.put(f"/files/{name}", content=b"x")
    assert response.status_code == 404


async def test_a_form_upload_saves_each_file_streamed(tmp_path: Path) -> None:
    data = bytes(range(256)) * 100
    files = [("file", ("a.bin", data)), ("file", ("b.txt", b"hello")), ("note", (None, b"skipped"))]
    async with TestClient(upload.make_app(tmp_path)) as client:
        saved = await client.post("/files", files=files)
        assert saved.status_code == 201
        assert saved.json() == {"a.bin": hashlib.sha256(data).hexdigest(), "b.txt": hashlib.sha256(b"hello").hexdigest()}
        assert (await client.get("/files/a.bin")).content == data
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.bin", "b.txt"]


@pytest.mark.parametrize("name", ["../escape.txt", ".hidden", "a/b"])
async def test_a_form_file_name_that_could_leave_the_directory_is_400(tmp_path: Path, name: str) -> None:
    async with TestClient(upload.make_app(tmp_path / "store")) as client:
        response = await client.post("/files", files={"file": (name, b"x")})
    assert response.status_code == 400
    assert list((tmp_path / "store").iterdir()) == []


async def test_a_form_upload_over_max_size_is_413_leaving_no_partial_file(tmp_path: Path) -> None:
    async with TestClient(upload.make_app(tmp_path, max_size=1000)) as client:
        response = await client.post("/files", files={"file": ("big.bin", b"x" * 5000)})
    assert response.status_code == 413
    assert list(tmp_path.iterdir()) == []
