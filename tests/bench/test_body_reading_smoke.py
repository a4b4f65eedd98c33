"""The body-reading benchmark's ways each read the whole upload, and are timed."""

from __future__ import annotations

import asyncio

from benchmarks import body_reading
from benchmarks.scenarios import UPLOAD_BODY


def test_every_way_reads_the_whole_upload() -> None:
    async def read(way: body_reading.Way) -> int:
        return await way(body_reading._receiver())

    for name, way in body_reading.WAYS.items():
        assert asyncio.run(read(way)) == len(UPLOAD_BODY), name


def test_the_timed_rounds_give_each_way_a_time_per_round() -> None:
    times = asyncio.run(body_reading._times(rounds=2, number=20))
    assert set(times) == set(body_reading.WAYS)
    assert all(len(values) == 2 and all(value > 0 for value in values) for values in times.values())
