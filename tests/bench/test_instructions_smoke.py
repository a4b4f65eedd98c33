"""The instruction counter runs: each scenario's calls counted apart, by callgrind."""

from __future__ import annotations

import shutil

import pytest

from benchmarks import instructions
from benchmarks.scenarios import SCENARIOS

pytestmark = pytest.mark.skipif(
    shutil.which("valgrind") is None, reason="valgrind is not installed (apt-get install valgrind)"
)


def test_each_scenario_is_counted_apart_per_call() -> None:
    chosen = [s for s in SCENARIOS if s.name in ("plaintext", "echo 1 KiB")]
    counted = instructions.count("raw", chosen, 50)
    assert set(counted) == {"plaintext", "echo 1 KiB"}
    # An echo reads a body and builds its headers: more work than a constant answer;
    # and per call, a few thousand instructions, not the millions the interpreter's
    # start costs (which would be in it were the marks not where they should be).
    assert 1_000 < counted["plaintext"] < counted["echo 1 KiB"] < 200_000


def test_a_server_is_counted_per_request_from_zeroed_counters() -> None:
    if shutil.which("callgrind_control") is None:
        pytest.skip("callgrind_control is not installed (it comes with valgrind)")
    chosen = [s for s in SCENARIOS if s.name == "plaintext"]
    counted = instructions.count_server("raw", chosen, 20, 2)
    # uvicorn's parsing and writing on top of the application's: tens of thousands of
    # instructions a request, not the hundreds of millions of the server's start,
    # which would be in it had the counters not been zeroed before the load.
    assert 20_000 < counted["plaintext"] < 2_000_000
