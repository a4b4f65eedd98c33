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
