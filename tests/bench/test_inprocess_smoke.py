"""The in-process driver, run for a few calls: its checks work, and every answer passes them.

No timing is asserted: the numbers of so short a run mean nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest

from benchmarks import inprocess
from benchmarks.apps import available_peers, raw_app
from benchmarks.scenarios import SCENARIOS, Scenario

# The largest route tables are left out: they take the same path as the smaller ones,
# and building 10,000 routes for every peer is most of a run's time.
SMOKE = [scenario for scenario in SCENARIOS if scenario.routes <= 100]
PLAIN = [scenario for scenario in SMOKE if not scenario.name.startswith("stream")]


@pytest.fixture(scope="module")
def results() -> inprocess.Results:
    return inprocess.run(
        available_peers(), SMOKE, rounds=1, batch_seconds=0.0005, with_builds=False
    )


def test_every_scenario_is_checked_and_timed_on_every_peer(results: inprocess.Results) -> None:
    assert {peer for _, peer in results.cases} == set(available_peers())
    for scenario in SMOKE:
        for peer in results.peers:
            case = results.cases[(scenario.name, peer)]
            assert len(case.seconds) == 1, (scenario.name, peer)
            assert case.seconds[0] > 0


@pytest.mark.parametrize("scenario", PLAIN, ids=[scenario.name for scenario in PLAIN])
def test_bareasgi_starts_no_task_on_the_plain_request_path(
    results: inprocess.Results, scenario: Scenario
) -> None:
    assert results.cases[(scenario.name, "bareasgi")].tasks == 0


def test_a_streamed_body_costs_bareasgi_one_task_at_most(results: inprocess.Results) -> None:
    assert results.cases[("stream 100", "bareasgi")].tasks <= 1
    assert results.cases[("stream 100 x 1 KiB", "bareasgi")].tasks <= 1


def spoil(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` with the first byte (or character) of its body changed."""
    for key, changed in (("body", b"?"), ("text", "?")):
        if message.get(key):
            return {**message, key: changed + message[key][1:]}
    return message


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_a_wrong_answer_fails_the_check(scenario: Scenario) -> None:
    app = raw_app(scenario.routes)

    def spoiled(scope: Any, receive: Any, send: Any) -> Awaitable[None]:
        async def spoiling(message: dict[str, Any]) -> None:
            await send(spoil(message))

        return app(scope, receive, spoiling)

    case = inprocess.Case(
        "spoiled",
        scenario,
        spoiled,
        inprocess.scope_of(scenario),
        inprocess.Exchange(inprocess.messages_of(scenario)),
    )
    with pytest.raises(inprocess.CheckFailed, match="spoiled"):
        inprocess.run_in_loop(inprocess.check(case))
