"""Streaming uploads: bodies hashed and saved as they arrive, never held in memory whole.

Run it with ``python -m examples.upload`` and try::

    curl --data-binary @README.md http://127.0.0.1:9009/hash
    curl -T README.md http://127.0.0.1:9009/files/readme.md          # saved, 201
    curl -F file=@README.md -F file=@Makefile http://127.0.0.1:9009/files   # a form, 201
    curl http://127.0.0.1:9009/files/readme.md                       # streamed back
    head -c 20000000 /dev/zero | curl -T - http://127.0.0.1:9009/files/big.bin   # 413
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypedDict

import anyio
import uvicorn
from pydantic import StringConstraints, TypeAdapter, ValidationError

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    LifespanEvent,
    LifespanScope,
    RouteMatches,
    header,
    json_response,
    multipart_reader,
)

# A file name that cannot climb out of the storage directory: no slash, no leading dot.
FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
FILE_NAME = TypeAdapter(FileName)

CHUNK_SIZE = 64 * 1024


@dataclass
class Storage:
    """The application's info: where files go and how large a body may be."""

    directory: Path
    max_size: int = 10_000_000  # bytes


class FileMatches(TypedDict):
    name: str


def declared_length(scope: HttpScope) -> int | None:
    """The ``content-length`` the client declared, if any."""
    value = header(scope, b"content-length")
    return int(value) if value is not None and value.isdigit() else None


async def limited(scope: HttpScope, content: Content, max_size: int) -> AsyncIterator[bytes]:
    """The body's chunks as they arrive; ``HttpError(413)`` as soon as it is too large."""
    declared = declared_length(scope)
    if declared is not None and declared > max_size:
        raise HttpError(413, f"Request body larger than {max_size} bytes")  # before reading any
    size = 0
    async for chunk in content:
        size += len(chunk)
        if size > max_size:
            raise HttpError(413, f"Request body larger than {max_size} bytes")
        yield chunk


async def hash_body(scope: HttpScope, info: Storage, matches: RouteMatches, content: Content) -> HttpResponse:
    digest = hashlib.sha256()
    size = chunks = 0
    async for chunk in limited(scope, content, info.max_size):
        digest.update(chunk)
        size += len(chunk)
        chunks += 1
    return json_response(200, None, {"size": size, "chunks": chunks, "sha256": digest.hexdigest()})


async def store(target: Path, chunks: AsyncIterator[bytes]) -> str:
    """Save ``chunks`` as ``target``, written as they arrive; their SHA-256."""
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    try:
        async with await anyio.open_file(partial, "wb") as file:
            async for chunk in chunks:
                digest.update(chunk)
                await file.write(chunk)
    except BaseException:
        with anyio.CancelScope(shield=True):  # even when cancelled: leave no partial file behind
            await anyio.Path(partial).unlink(missing_ok=True)
        raise
    await anyio.Path(partial).rename(target)
    return digest.hexdigest()


async def save_file(scope: HttpScope, info: Storage, matches: FileMatches, content: Content) -> HttpResponse:
    sha256 = await store(info.directory / matches["name"], limited(scope, content, info.max_size))
    location = f"/files/{matches['name']}".encode()
    return json_response(201, [(b"location", location)], {"sha256": sha256})


async def save_form(scope: HttpScope, info: Storage, matches: RouteMatches, content: Content) -> HttpResponse:
    """A ``multipart/form-data`` upload: each file part saved under its own name, streamed."""
    saved = {}
    async for part in multipart_reader(scope, content, max_size=info.max_size):
        if part.filename is None:
            continue  # a plain field: skipped, unread
        try:
            name = FILE_NAME.validate_python(part.filename)  # the client's name: checked before use
        except ValidationError:
            raise HttpError(400, "file names: letters, digits, '.', '_' and '-' only") from None
        saved[name] = await store(info.directory / name, part)
    return json_response(201, None, saved)


async def read_file(scope: HttpScope, info: Storage, matches: FileMatches, content: Content) -> HttpResponse:
    path = anyio.Path(info.directory / matches["name"])
    if not await path.is_file():
        raise HttpError(404, f"No file named {matches['name']}")
    size = (await path.stat()).st_size

    async def chunks() -> AsyncIterator[bytes]:
        async with await path.open("rb") as file:  # closed when the client goes, too
            while chunk := await file.read(CHUNK_SIZE):
                yield chunk

    headers = [(b"content-type", b"application/octet-stream"), (b"content-length", b"%d" % size)]
    return 200, headers, chunks()


async def make_directory(scope: LifespanScope, info: Storage, message: LifespanEvent) -> None:
    await anyio.Path(info.directory).mkdir(parents=True, exist_ok=True)


def make_app(directory: Path, max_size: int = 10_000_000) -> Application[Storage]:
    """The application, storing files in ``directory`` (created at startup)."""
    app = Application(info=Storage(directory, max_size), converters={"filename": FileName})
    app.on_startup(make_directory)
    app.http_router.add({"POST"}, "/hash", hash_body)
    app.http_router.add({"PUT"}, "/files/<name:filename>", save_file)
    app.http_router.add({"POST"}, "/files", save_form)
    app.http_router.add({"GET"}, "/files/<name:filename>", read_file)
    return app


app = make_app(Path(tempfile.gettempdir()) / "bareasgi-uploads")

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
