"""The middleware benchmark, run for a few calls: both frameworks answer every trial rightly.

No timing is asserted: the numbers of so short a run mean nothing.
"""

from __future__ import annotations

import pytest

from benchmarks import middleware
from benchmarks.inprocess import run_in_loop
from benchmarks.scenarios import Response


def test_every_trial_is_checked_and_timed_on_both_frameworks() -> None:
    cases = run_in_loop(middleware._run(middleware.TRIALS, 6, rounds=1, batch_seconds=0.0005))
    assert set(cases) == {(t.name, f) for t in middleware.TRIALS for f in middleware.FRAMEWORKS}
    assert all(len(case.seconds) == 1 and case.seconds[0] > 0 for case in cases.values())
    assert len(middleware.table(middleware.TRIALS, cases)) == 2 + len(middleware.TRIALS)


@pytest.mark.parametrize("trial", middleware.TRIALS, ids=[trial.name for trial in middleware.TRIALS])
def test_a_wrong_answer_fails_the_check(trial: middleware.Trial) -> None:
    assert trial.check(Response(200, {b"content-encoding": b"gzip"}, b"spoiled", 1)) is not None
