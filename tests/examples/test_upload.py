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
