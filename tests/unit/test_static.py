"""static_files: which files are served, validators and 304, ranges, HEAD, index, fallback."""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bareasgi import Application, static_files
from bareasgi.static import CHUNK_SIZE
from bareasgi.testing import TestClient

from .peer import call, http_scope

pytestmark = pytest.mark.anyio

BIG = bytes(range(256)) * (3 * CHUNK_SIZE // 256 + 17)  # several chunks, the last one short
SECRET = b"the secret outside the directory"


@pytest.fixture
def public(tmp_path: Path) -> Path:
    """A directory of files, beside a secret one that must never be served."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "public"
    (root / "docs").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "hello.txt").write_bytes(b"Hello, World!")
    (root / "style.css").write_bytes(b"body { color: red }")
    (root / "big.bin").write_bytes(BIG)
    (root / "nothing.dat").write_bytes(b"")
    (root / "index.html").write_bytes(b"<h1>home</h1>")
    (root / "docs" / "index.html").write_bytes(b"<h1>docs</h1>")
    (root / "%2e%2e").write_bytes(b"a file named with percent signs")
    os.symlink(tmp_path / "secret.txt", root / "leak.txt")
    os.symlink(tmp_path, root / "up")
    os.symlink(root / "hello.txt", root / "alias.txt")
    return root


def app_for(root: Path, **options: object) -> Application:
    app = Application()
    app.http_router.add({"GET", "HEAD"}, "/static/{path:path}", static_files(root, **options))  # type: ignore[arg-type]  # options typed by each test
    return app


async def test_a_file_is_served_with_its_type_length_and_validators(public: Path) -> None:
    async with TestClient(app_for(public)) as client:
        response = await client.get("/static/hello.txt")
    assert response.status_code == 200
    assert response.content == b"Hello, World!"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-length"] == "13"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["x-content-type-options"] == "nosniff"
    mtime = (public / "hello.txt").stat().st_mtime
    assert response.headers["last-modified"] == formatdate(mtime, usegmt=True)
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
    assert "cache-control" not in response.headers


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("style.css", "text/css; charset=utf-8"),
        ("index.html", "text/html; charset=utf-8"),
        ("big.bin", "application/octet-stream"),
        ("nothing.dat", "application/octet-stream"),
    ],
    ids=["css", "html", "unknown", "unknown-empty"],
)
async def test_the_content_type_follows_the_extension(public: Path, name: str, content_type: str) -> None:
    async with TestClient(app_for(public)) as client:
        response = await client.get(f"/static/{name}")
    assert (response.status_code, response.headers["content-type"]) == (200, content_type)


async def test_a_large_file_is_streamed_in_chunks(public: Path) -> None:
    exchange = await call(app_for(public), http_scope("GET", "/static/big.bin"))
    assert exchange.status == 200
    assert exchange.body == BIG
    chunks = [m["body"] for m in exchange.sent if m["type"] == "http.response.body" and m.get("body")]
    assert len(chunks) == 4
    assert max(len(chunk) for chunk in chunks) == CHUNK_SIZE


async def test_head_gives_the_headers_without_the_body(public: Path) -> None:
    async with TestClient(app_for(public)) as client:
        got = await client.get("/static/big.bin")
        head = await client.head("/static/big.bin")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(BIG))
    assert head.headers["etag"] == got.headers["etag"]


async def test_other_methods_are_not_allowed(public: Path) -> None:
    app = Application()
    app.http_router.add({"GET", "POST"}, "/{path:path}", static_files(public))
    async with TestClient(app) as client:
        response = await client.post("/hello.txt", content=b"x")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")


async def test_max_age_is_sent_as_cache_control(public: Path) -> None:
    async with TestClient(app_for(public, max_age=3600)) as client:
        response = await client.get("/static/hello.txt")
        validated = await client.get(
            "/static/hello.txt", headers={"if-none-match": response.headers["etag"]}
        )
    assert response.headers["cache-control"] == "max-age=3600"
    assert validated.headers["cache-control"] == "max-age=3600"


# --- which paths reach a file -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/static/../secret.txt",
        "/static/docs/../../secret.txt",
        "/static//etc/passwd",
        "/static/hello.txt\x00.png",
        "/static/..\\secret.txt",
        "/static/leak.txt",
        "/static/up/secret.txt",
        "/static/missing.txt",
        "/static/hello.txt/",
        "/static/empty/",
    ],
    ids=[
        "dot-dot", "deeper-dot-dot", "absolute", "nul", "backslash", "symlink-out",
        "symlinked-dir-out", "missing", "file-as-directory", "directory-without-index",
    ],
)  # fmt: skip
async def test_a_path_outside_or_missing_is_404(public: Path, path: str) -> None:
    exchange = await call(app_for(public), http_scope("GET", path))
    assert exchange.status == 404
    assert SECRET not in exchange.body


async def test_a_symlink_inside_the_directory_is_served(public: Path) -> None:
    exchange = await call(app_for(public), http_scope("GET", "/static/alias.txt"))
    assert (exchange.status, exchange.body) == (200, b"Hello, World!")


async def test_follow_symlinks_serves_links_out_but_never_dot_dot(public: Path) -> None:
    app = app_for(public, follow_symlinks=True)
    assert (await call(app, http_scope("GET", "/static/leak.txt"))).body == SECRET
    assert (await call(app, http_scope("GET", "/static/up/secret.txt"))).body == SECRET
    assert (await call(app, http_scope("GET", "/static/../secret.txt"))).status == 404


async def test_a_percent_sign_is_part_of_a_name_the_server_decoded(public: Path) -> None:
    # The server decodes %252e%252e to '%2e%2e': a name, not a way up.
    exchange = await call(app_for(public), http_scope("GET", "/static/%2e%2e"))
    assert (exchange.status, exchange.body) == (200, b"a file named with percent signs")


SEGMENTS = st.sampled_from(
    ["..", ".", "", "%2e%2e", "%2E.", ".%2e", "%2f", "%5c", "%00", "\\", "..\\..",
     "secret.txt", "hello.txt", "up", "leak.txt", "docs", "public", "~", "%252e%252e"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(SEGMENTS, max_size=6), encode=st.booleans(), leading=st.sampled_from(["", "/", "//"]))
async def test_no_path_reaches_a_file_outside(public: Path, segments: list[str], encode: bool, leading: str) -> None:
    """Whatever the client sends, as the server decodes it: a file under the directory, or 404."""
    raw = leading + "/".join(quote(part, safe="%") if encode else part for part in segments)
    path = unquote("/static/" + raw)  # what a server puts in scope['path']
    exchange = await call(app_for(public), http_scope("GET", path))
    assert exchange.status in (200, 308, 404), path
    assert SECRET not in exchange.body, path
    if exchange.status == 200:
        served = {file.read_bytes() for file in public.rglob("*") if file.is_file() and not file.is_symlink()}
        assert exchange.body in served, path


# --- directories and the fallback -------------------------------------------------------


async def test_a_directory_gets_its_index(public: Path) -> None:
    async with TestClient(app_for(public)) as client:
        root = await client.get("/static/")
        docs = await client.get("/static/docs/")
    assert (root.status_code, root.content) == (200, b"<h1>home</h1>")
    assert (docs.status_code, docs.content) == (200, b"<h1>docs</h1>")
    assert docs.headers["content-type"] == "text/html; charset=utf-8"


async def test_a_directory_without_its_slash_is_redirected_on_site(public: Path) -> None:
    exchange = await call(app_for(public), http_scope("GET", "/static/docs", query_string=b"a=1"))
    assert (exchange.status, exchange.headers[b"location"]) == (308, b"/static/docs/?a=1")


async def test_without_an_index_a_directory_is_404(public: Path) -> None:
    exchange = await call(app_for(public, index=None), http_scope("GET", "/static/docs/"))
    assert exchange.status == 404


async def test_a_miss_gets_the_fallback_but_a_path_outside_does_not(public: Path) -> None:
    app = app_for(public, fallback="index.html")
    async with TestClient(app) as client:
        page = await client.get("/static/app/settings/profile")
        outside = await client.get("/static/docs%2f..%2f..%2fsecret.txt")
    assert (page.status_code, page.content) == (200, b"<h1>home</h1>")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert outside.status_code == 404


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fallback": "missing.html"}, "fallback 'missing.html' is not a file"),
        ({"fallback": "../secret.txt"}, "fallback must be a relative file name"),
        ({"index": "/etc/passwd"}, "index must be a relative file name"),
        ({"max_age": -1}, "max_age must be a whole number"),
        ({"max_age": 1.5}, "max_age must be a whole number"),
        ({"match": ""}, "match must name the route's path variable"),
    ],
    ids=["missing-fallback", "fallback-outside", "absolute-index", "negative-max-age", "float-max-age", "empty-match"],
)
def test_a_configuration_mistake_raises_at_once(public: Path, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        static_files(public, **options)  # type: ignore[arg-type]  # wrong on purpose


def test_a_missing_directory_raises_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nowhere.*is not a directory"):
        static_files(tmp_path / "nowhere")


async def test_a_route_without_the_variable_is_a_logged_500(public: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = Application()
    app.http_router.add({"GET"}, "/files/{rest:path}", static_files(public))
    exchange = await call(app, http_scope("GET", "/files/hello.txt"))
    assert exchange.status == 500
    assert "no path variable named 'path'" in caplog.text


async def test_match_names_another_variable(public: Path) -> None:
    app = Application()
    app.http_router.add({"GET"}, "/files/{rest:path}", static_files(public, match="rest"))
    assert (await call(app, http_scope("GET", "/files/hello.txt"))).body == b"Hello, World!"


# --- conditional requests ---------------------------------------------------------------


async def test_if_none_match_with_the_etag_is_304(public: Path) -> None:
    async with TestClient(app_for(public)) as client:
        first = await client.get("/static/hello.txt")
        etag = first.headers["etag"]
        same = await client.get("/static/hello.txt", headers={"if-none-match": etag})
        weak = await client.get("/static/hello.txt", headers={"if-none-match": f'"other", W/{etag}'})
        star = await client.get("/static/hello.txt", headers={"if-none-match": "*"})
        other = await client.get("/static/hello.txt", headers={"if-none-match": '"other"'})
    assert (same.status_code, same.content, same.headers["etag"]) == (304, b"", etag)
    assert (weak.status_code, star.status_code, other.status_code) == (304, 304, 200)
    assert "content-length" not in same.headers or same.headers["content-length"] == "0"


async def test_a_changed_file_gets_a_new_etag(public: Path) -> None:
    async with TestClient(app_for(public)) as client:
        etag = (await client.get("/static/hello.txt")).headers["etag"]
        (public / "hello.txt").write_bytes(b"Hello again, World!")
        changed = await client.get("/static/hello.txt", headers={"if-none-match": etag})
    assert (changed.status_code, changed.content) == (200, b"Hello again, World!")
    assert changed.headers["etag"] != etag


async def test_if_modified_since_is_304_unless_the_file_is_newer(public: Path) -> None:
    mtime = (public / "hello.txt").stat().st_mtime
    async with TestClient(app_for(public)) as client:
        same = await client.get("/static/hello.txt", headers={"if-modified-since": formatdate(mtime, usegmt=True)})
        older = await client.get(
            "/static/hello.txt", headers={"if-modified-since": formatdate(mtime - 3600, usegmt=True)}
        )
        garbage = await client.get("/static/hello.txt", headers={"if-modified-since": "yesterday"})
        both = await client.get(
            "/static/hello.txt",
            headers={"if-none-match": '"other"', "if-modified-since": formatdate(mtime, usegmt=True)},
        )
    assert (same.status_code, older.status_code, garbage.status_code) == (304, 200, 200)
    assert both.status_code == 200  # if-none-match decides when both are sent


# --- ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-4", 0, 4),
        ("bytes=7-", 7, 12),
        ("bytes=-6", 7, 12),
        ("bytes=10-1000", 10, 12),
        ("bytes=0-", 0, 12),
        ("bytes=-100", 0, 12),
    ],
    ids=["closed", "open", "suffix", "past-the-end", "from-zero", "suffix-longer"],
)
async def test_one_range_is_206(public: Path, header: str, first: int, last: int) -> None:
    async with TestClient(app_for(public)) as client:
        response = await client.get("/static/hello.txt", headers={"range": header})
    assert response.status_code == 206
    assert response.content == b"Hello, World!"[first : last + 1]
    assert response.headers["content-range"] == f"bytes {first}-{last}/13"
    assert response.headers["content-length"] == str(last - first + 1)


async def test_a_range_of_a_large_file_is_streamed_from_its_offset(public: Path) -> None:
    start, end = CHUNK_SIZE - 10, 3 * CHUNK_SIZE + 5
    async with TestClient(app_for(public)) as client:
        response = await client.get("/static/big.bin", headers={"range": f"bytes={start}-{end}"})
    assert (response.status_code, response.content) == (206, BIG[start : end + 1])


@pytest.mark.parametrize(
    "header",
    ["bytes=13-", "bytes=100-200", "bytes=-0"],
    ids=["at-the-end", "past-the-end", "empty-suffix"],
)
async def test_an_unsatisfiable_range_is_416(public: Path, header: str) -> None:
    async with TestClient(app_for(public)) as client:
        response = await client.get("/static/hello.txt", headers={"range": header})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */13"


@pytest.mark.parametrize(
    "header",
    ["bytes=0-1,5-6", "items=0-4", "bytes=5-2", "bytes=abc", "bytes=1-2-3", "bytes=" + "9" * 40 + "-"],
    ids=["several", "other-unit", "backwards", "garbage", "two-dashes", "huge"],
)
async def test_a_range_the_whole_file_answers_is_200(public: Path, header: str) -> None:
    async with TestClient(app_for(public)) as client:
        response = await client.get("/static/hello.txt", headers={"range": header})
    assert (response.status_code, response.content) == (200, b"Hello, World!")


async def test_if_range_with_a_stale_validator_gets_the_whole_file(public: Path) -> None:
    async with TestClient(app_for(public)) as client:
        etag = (await client.get("/static/hello.txt")).headers["etag"]
        current = await client.get("/static/hello.txt", headers={"range": "bytes=0-4", "if-range": etag})
        stale = await client.get("/static/hello.txt", headers={"range": "bytes=0-4", "if-range": '"old"'})
    assert (current.status_code, current.content) == (206, b"Hello")
    assert (stale.status_code, stale.content) == (200, b"Hello, World!")
