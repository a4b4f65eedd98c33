"""static_files under real servers: ranges and validators over the wire, the file closed when the client leaves."""

from __future__ import annotations

import os
from pathlib import Path

import anyio
import pytest

from bareasgi import Application, static_files

from .servers import SERVER_KINDS, ServerKind, run_server

pytestmark = pytest.mark.anyio

LARGE = 16 * 1024 * 1024  # far more than the server and the kernel buffer for a client that stops reading


def open_handles(path: Path) -> int:
    """How many file descriptors of this process (the servers run in it) are open on ``path``."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                count += 1
        except OSError:
            pass  # closed while the directory was read
    return count


@pytest.fixture
def public(tmp_path: Path) -> Path:
    (tmp_path / "page.html").write_text("<p>hello</p>")
    with (tmp_path / "large.bin").open("wb") as file:
        file.truncate(LARGE)  # sparse: quick to make, read as zeros
    return tmp_path


def make_app(root: Path) -> Application:
    app = Application()
    app.http_router.add({"GET", "HEAD"}, "/static/{path:path}", static_files(root, max_age=60))
    return app


@pytest.mark.parametrize("kind", SERVER_KINDS)
async def test_files_ranges_and_304_over_the_wire(public: Path, kind: ServerKind) -> None:
    with run_server(kind, make_app(public)) as server:
        async with server.client() as client:
            page = await client.get("/static/page.html")
            again = await client.get("/static/page.html", headers={"if-none-match": page.headers["etag"]})
            part = await client.get("/static/page.html", headers={"range": "bytes=3-7"})
            head = await client.head("/static/large.bin")
            missing = await client.get("/static/../page.html")
    assert (page.status_code, page.text, page.headers["cache-control"]) == (200, "<p>hello</p>", "max-age=60")
    assert (again.status_code, again.content) == (304, b"")
    assert (part.status_code, part.text, part.headers["content-range"]) == (206, "hello", "bytes 3-7/12")
    assert (head.status_code, head.headers["content-length"], head.content) == (200, str(LARGE), b"")
    assert missing.status_code == 404


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to see open files")
@pytest.mark.parametrize("kind", SERVER_KINDS)
async def test_the_file_is_closed_when_the_client_leaves_mid_stream(public: Path, kind: ServerKind) -> None:
    large = (public / "large.bin").resolve()
    with run_server(kind, make_app(public)) as server:
        async with server.client() as client:
            async with client.stream("GET", "/static/large.bin") as response:
                assert response.status_code == 200
                async for chunk in response.aiter_raw():
                    assert chunk
                    break
                assert open_handles(large) == 1  # still streaming
            # leaving the block closed the connection mid-body
        with anyio.fail_after(5):
            while open_handles(large):
                await anyio.sleep(0.01)
        async with server.client() as client:  # and the server goes on serving
            assert (await client.get("/static/page.html")).status_code == 200
