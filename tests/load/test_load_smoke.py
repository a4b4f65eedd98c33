"""The load smoke run: ``python -m benchmarks.load`` scaled down, inside the test suite.

A real uvicorn in a subprocess on 127.0.0.1, driven from this process: 2,000 mixed
requests over 50 connections, 50 streaming clients leaving at random moments, 100
WebSocket echo connections with a tenth dropped. Nothing may be lost; the full run
and its figures are in the README ("Reliability").
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks.load import Plan, run

pytestmark = [
    pytest.mark.load_smoke,
    pytest.mark.skipif(
        not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc"
    ),
]

SMOKE = Plan(
    requests=2_000, connections=50, warmup=500, streams=50, websockets=100, time_limit=20.0
)


def test_the_reduced_load_run_loses_nothing() -> None:
    lines: list[str] = []
    results = asyncio.run(run(SMOKE, report=lines.append))
    assert [result.name for result in results] == ["requests", "streams", "websockets"]
    failed = [result.line for result in results if not result.ok]
    assert not failed, "\n".join(failed)
    requests, streams, websockets = (result.figures for result in results)
    assert requests["failures"] == 0 and requests["logged"] == requests["raised"] > 0
    assert streams["finalised"] == streams["started"] > 0 and streams["tasks_left"] == 0
    assert websockets["lost"] == 0 and websockets["finished"] == websockets["started"] == 100
