"""The cold start driver runs: each case in a fresh interpreter, measured from inside it."""

from __future__ import annotations

import pytest

from benchmarks import coldstart


def test_each_case_is_measured_in_a_fresh_interpreter() -> None:
    results = coldstart.run(["interpreter", "bareasgi: import and build"], runs=1)
    bare, built = results["interpreter"], results["bareasgi: import and build"]
    assert len(bare.seconds) == len(built.seconds) == 1
    assert built.seconds[0] > bare.seconds[0]  # importing anything costs more than nothing
    assert built.peak_kib[0] > bare.peak_kib[0] > 0  # each process's own peak, not the parent's


def test_only_installed_frameworks_are_measured() -> None:
    assert coldstart.available(["raw", "bareasgi"]) == [
        "interpreter",
        "bareasgi: import",
        "bareasgi: import and build",
    ]


def test_every_case_may_write_bytecode_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An installed wheel has its bytecode; so must an editable bareasgi, measured beside it.
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    probe = "import sys\nassert not sys.dont_write_bytecode"
    monkeypatch.setitem(coldstart.CASES, "writes bytecode", probe)
    results = coldstart.run(["writes bytecode"], runs=2)
    assert len(results["writes bytecode"].seconds) == 2  # the untimed first run left out
