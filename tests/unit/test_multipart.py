"""multipart_reader: parts in order, streamed, unread parts skipped, bad bodies 400, 413."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bareasgi import HttpError, Part, multipart_reader
from bareasgi.multipart import EXTRA_MISSING, MAX_PART_HEADER_BYTES, MAX_PART_HEADERS

from .peer import http_scope

pytestmark = pytest.mark.anyio

BOUNDARY = "----bareasgi-test-boundary"


def scope_for(boundary: str = BOUNDARY, content_type: str = "multipart/form-data") -> dict[str, object]:
    value = f"{content_type}; boundary={boundary}".encode() if boundary else content_type.encode()
    return dict(http_scope("POST", headers=[(b"content-type", value)]))


def encoded(parts: Sequence[tuple[str, str | None, bytes]], boundary: str = BOUNDARY) -> bytes:
    """A multipart/form-data body as a browser writes it: (name, filename, data) per part."""
    out = bytearray()
    for name, filename, data in parts:
        out += f"--{boundary}\r\n".encode()
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"Content-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


class Chunks:
    """``data`` as a body in chunks of ``size``: an iterator with nothing to finalise."""

    def __init__(self, data: bytes, size: int) -> None:
        self._data = data
        self._size = size
        self._start = 0

    def __aiter__(self) -> Chunks:
        return self

    async def __anext__(self) -> bytes:
        if self._start >= len(self._data):
            raise StopAsyncIteration
        chunk = self._data[self._start : self._start + self._size]
        self._start += self._size
        return chunk


async def read_all(parts: AsyncIterator[Part]) -> list[tuple[str, str | None, str | None, bytes]]:
    return [(part.name, part.filename, part.content_type, await part.read()) async for part in parts]


PARTS = [
    ("title", None, b"Holiday"),
    ("photo", "beach.jpg", bytes(range(256)) * 40),
    ("note", None, "ünïcode\r\n--not-a-boundary".encode()),
]


@pytest.mark.parametrize("size", [1, 7, 100, 1_000_000], ids=["bytes", "7", "100", "whole"])
async def test_parts_come_in_order_whatever_the_chunking(size: int) -> None:
    found = await read_all(multipart_reader(scope_for(), Chunks(encoded(PARTS), size)))
    assert found == [
        ("title", None, None, b"Holiday"),
        ("photo", "beach.jpg", "application/octet-stream", bytes(range(256)) * 40),
        ("note", None, None, "ünïcode\r\n--not-a-boundary".encode()),
    ]


async def test_a_part_streams_in_pieces_and_has_its_headers() -> None:
    parts = multipart_reader(scope_for(), Chunks(encoded(PARTS), 512))
    await anext(parts)
    photo = await anext(parts)
    assert (b"content-type", b"application/octet-stream") in photo.headers
    pieces = [piece async for piece in photo]
    assert len(pieces) > 1 and all(len(piece) <= 512 for piece in pieces)
    assert b"".join(pieces) == bytes(range(256)) * 40
    assert repr(photo) == "Part(name='photo', filename='beach.jpg', content_type='application/octet-stream')"


async def test_a_part_left_unread_is_skipped() -> None:
    parts = multipart_reader(scope_for(), Chunks(encoded(PARTS), 64))
    names = []
    async for part in parts:
        names.append(part.name)
        if part.name == "note":
            assert await part.read() == "ünïcode\r\n--not-a-boundary".encode()
    assert names == ["title", "photo", "note"]


async def test_a_part_gives_nothing_once_the_reader_moved_on() -> None:
    parts = multipart_reader(scope_for(), Chunks(encoded(PARTS), 64))
    first = await anext(parts)
    await anext(parts)
    assert await first.read() == b""


async def test_an_empty_form_has_no_parts() -> None:
    assert await read_all(multipart_reader(scope_for(), Chunks(encoded([]), 10))) == []


@pytest.mark.parametrize(
    "scope",
    [
        dict(http_scope("POST")),
        scope_for(content_type="application/x-www-form-urlencoded"),
        scope_for(boundary=""),
        scope_for(boundary="x" * 1000),
    ],
    ids=["no-content-type", "not-multipart", "no-boundary", "boundary-too-long"],
)
async def test_a_request_that_is_not_multipart_is_400(scope: dict[str, object]) -> None:
    with pytest.raises(HttpError) as caught:
        await read_all(multipart_reader(scope, Chunks(encoded(PARTS), 100)))
    assert caught.value.status == 400


GOOD = encoded(PARTS)


@pytest.mark.parametrize(
    "data",
    [
        b"garbage",
        GOOD[: len(GOOD) // 2],
        GOOD[:-10],
        GOOD.replace(b"Content-Disposition: form-data; ", b"Content-Disposition: attachment; ", 1),
        GOOD.replace(b'name="title"', b'nom="title"', 1),
        GOOD.replace(b"Content-Disposition", b"Content Disposition", 1),
    ],
    ids=["garbage", "cut-in-half", "no-closing-boundary", "not-form-data", "no-name", "bad-header"],
)
async def test_a_malformed_body_is_400(data: bytes) -> None:
    with pytest.raises(HttpError) as caught:
        await read_all(multipart_reader(scope_for(), Chunks(data, 50)))
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "headers",
    [
        (b"X-Filler: " + b"x" * MAX_PART_HEADER_BYTES + b"\r\n"),
        (b"".join(b"X-Filler-%d: x\r\n" % index for index in range(MAX_PART_HEADERS))),
        (b"".join(b"X-Filler-%d: %s\r\n" % (index, b"x" * 2000) for index in range(MAX_PART_HEADERS - 1))),
    ],
    ids=["one-long-header", "header-count", "header-bytes"],
)
async def test_a_part_with_too_many_headers_is_400(headers: bytes) -> None:
    data = GOOD.replace(b"Content-Disposition", headers + b"Content-Disposition", 1)
    with pytest.raises(HttpError) as caught:
        await read_all(multipart_reader(scope_for(), Chunks(data, 1000)))
    assert caught.value.status == 400
    headers_at_the_limit = b"".join(b"X-Filler-%d: x\r\n" % index for index in range(MAX_PART_HEADERS - 1))
    fine = GOOD.replace(b"Content-Disposition", headers_at_the_limit + b"Content-Disposition", 1)
    assert [name for name, *_ in await read_all(multipart_reader(scope_for(), Chunks(fine, 1000)))] == ["title", "photo", "note"]


async def test_a_body_over_max_size_is_413_at_once_even_in_an_unread_part() -> None:
    data = encoded([("big", "big.bin", b"x" * 10_000), ("after", None, b"1")])
    taken = 0
    closed = False

    async def counted() -> AsyncIterator[bytes]:
        nonlocal taken, closed
        try:
            async for chunk in Chunks(data, 1000):
                taken += 1
                yield chunk
        finally:
            closed = True

    with pytest.raises(HttpError) as caught:
        [part.name async for part in multipart_reader(scope_for(), counted(), max_size=2500)]
    assert (caught.value.status, taken) == (413, 3)
    assert closed  # the body given was finalised when refused


def test_a_bad_max_size_is_a_mistake_named_at_once() -> None:
    with pytest.raises(ValueError, match="max_size"):
        multipart_reader(scope_for(), Chunks(GOOD, 100), max_size=-1)


async def test_without_python_multipart_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "python_multipart.multipart", None)
    with pytest.raises(ImportError, match=r"bareasgi\[multipart\]") as caught:
        multipart_reader(scope_for(), Chunks(GOOD, 100))
    assert str(caught.value) == EXTRA_MISSING


names = st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"\r\n\\'), min_size=1, max_size=20)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(
    st.lists(st.tuples(names, st.none() | names, st.binary(max_size=300)), max_size=5),
    st.integers(min_value=1, max_value=400),
)
async def test_any_form_reads_back_in_any_chunking(parts: list[tuple[str, str | None, bytes]], size: int) -> None:
    found = await read_all(multipart_reader(scope_for(), Chunks(encoded(parts), size)))
    assert [(name, filename, data) for name, filename, _, data in found] == parts


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.binary(max_size=2000), st.integers(min_value=1, max_value=300))
async def test_any_body_is_parts_or_a_400(data: bytes, size: int) -> None:
    body = GOOD[: len(data) % len(GOOD)] + data
    try:
        await read_all(multipart_reader(scope_for(), Chunks(body, size)))
    except HttpError as error:
        assert error.status == 400
