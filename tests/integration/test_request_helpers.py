"""The request helpers under a real uvicorn: multipart uploads streamed, large bodies refused."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from typing import Literal

import pytest
from pydantic import BaseModel

from bareasgi import (
    UNLIMITED,
    Application,
    Content,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    json_reader,
    json_response,
    multipart_reader,
    query,
)

from .servers import Running, run_uvicorn

pytestmark = pytest.mark.anyio

BOUNDARY = "bareasgi-upload-boundary"
CHUNK = 64 * 1024
FILE_SIZE = 20 * 1024 * 1024
LIMIT = 1000  # the application's max_request_body


class CreateUser(BaseModel):
    name: str
    age: int


class Paging(BaseModel):
    page: int = 1


def make_app() -> Application:
    app = Application(max_request_body=LIMIT)

    async def upload(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        found = []
        async for part in multipart_reader(scope, content, max_size=UNLIMITED):
            digest, size = hashlib.sha256(), 0
            async for chunk in part:
                digest.update(chunk)
                size += len(chunk)
            found.append({"name": part.name, "filename": part.filename, "size": size, "sha256": digest.hexdigest()})
        return json_response(200, None, found)

    async def limited_upload(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        names = [part.name async for part in multipart_reader(scope, content)]  # the application's limit
        return json_response(200, None, names)

    async def create(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        user = await json_reader(content, CreateUser)
        return json_response(201, None, {**user.model_dump(), "page": query(scope, Paging).page})

    app.http_router.add({"POST"}, "/upload", upload)
    app.http_router.add({"POST"}, "/limited", limited_upload)
    app.http_router.add({"POST"}, "/users", create)
    return app


@pytest.fixture(params=["httptools", "h11"])
def server(request: pytest.FixtureRequest) -> Iterator[Running]:
    http: Literal["httptools", "h11"] = request.param
    with run_uvicorn(make_app(), http=http) as running:
        yield running


def file_chunk(index: int) -> bytes:
    return bytes([index % 251]) * CHUNK


async def big_upload() -> AsyncIterator[bytes]:
    """A multipart body with a plain field and a 20 MiB file, made as it is sent."""
    yield (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"beach.mp4\"\r\n"
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    for index in range(FILE_SIZE // CHUNK):
        yield file_chunk(index)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def test_a_20_mib_file_part_is_read_chunk_by_chunk_in_little_memory(server: Running) -> None:
    expected = hashlib.sha256()
    for index in range(FILE_SIZE // CHUNK):
        expected.update(file_chunk(index))
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    tracemalloc.start()
    try:
        async with server.client() as client:
            response = await client.post("/upload", content=big_upload(), headers=headers, timeout=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    assert response.json() == [
        {"name": "title", "filename": None, "size": 7, "sha256": hashlib.sha256(b"holiday").hexdigest()},
        {"name": "video", "filename": "beach.mp4", "size": FILE_SIZE, "sha256": expected.hexdigest()},
    ]
    assert peak < 8 * 1024 * 1024, f"peak memory {peak / 2**20:.1f} MiB while uploading 20 MiB"


async def test_a_form_from_a_real_client_parses(server: Running) -> None:
    async with server.client() as client:
        response = await client.post(
            "/upload", data={"title": "été"}, files={"doc": ("notes.txt", b"hello\r\n--", "text/plain")}
        )
    assert response.status_code == 200
    assert [(part["name"], part["filename"], part["size"]) for part in response.json()] == [
        ("title", None, len("été".encode())),
        ("doc", "notes.txt", 9),
    ]


async def test_a_multipart_body_over_the_limit_is_413_and_the_server_serves_on(server: Running) -> None:
    async with server.client() as client:
        refused = await client.post("/limited", files={"doc": ("big.bin", b"x" * (LIMIT * 20))})
        accepted = await client.post("/limited", files={"doc": ("small.bin", b"x" * 10)})
    assert (refused.status_code, refused.text) == (413, f"Request body larger than {LIMIT} bytes")
    assert (accepted.status_code, accepted.json()) == (200, ["doc"])


async def test_a_malformed_multipart_body_is_400(server: Running) -> None:
    async with server.client() as client:
        response = await client.post(
            "/upload", content=b"not multipart", headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
        )
    assert response.status_code == 400


async def test_json_bodies_answer_201_400_413_and_422(server: Running) -> None:
    async with server.client() as client:
        created = await client.post("/users?page=3", json={"name": "Harry", "age": 40})
        malformed = await client.post("/users", content=b'{"name": ')
        too_big = await client.post("/users", json={"name": "H" * (LIMIT * 10), "age": 40})
        invalid = await client.post("/users?page=x", json={"name": "Harry", "age": "old"})
        bad_query = await client.post("/users?page=x", json={"name": "Harry", "age": 40})
    assert (created.status_code, created.json()) == (201, {"name": "Harry", "age": 40, "page": 3})
    assert malformed.status_code == 400
    assert too_big.status_code == 413
    assert (invalid.status_code, invalid.headers["content-type"]) == (422, "application/json")
    assert [error["loc"] for error in invalid.json()["detail"]] == [["age"]]
    assert [error["loc"] for error in bad_query.json()["detail"]] == [["page"]]


async def test_a_streamed_json_body_far_over_the_limit_is_413_and_never_held(server: Running) -> None:
    async def huge() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(512):  # 32 MiB
            yield b"x" * CHUNK

    tracemalloc.start()
    try:
        async with server.client() as client:
            response = await client.post("/users", content=huge(), timeout=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (response.status_code, response.text) == (413, f"Request body larger than {LIMIT} bytes")
    assert peak < 8 * 1024 * 1024, f"peak memory {peak / 2**20:.1f} MiB while refusing 32 MiB"
