"""Profile one peer on the in-process driver's scenarios, with cProfile.

Run ``python -m benchmarks.profiling [--peer bareasgi] [--calls N] [SCENARIO ...]``
(scenario names as in the tables, such as ``"typed route"``; default: all). Each
scenario is checked, warmed up, then called ``N`` times under cProfile, and the
functions that took the most time of their own are listed. cProfile adds a cost to
every call, so read the list for where the time goes, not for how much there is.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from . import inprocess
from .apps import PEERS
from .scenarios import SCENARIOS, Scenario


async def profile(peer: str, scenario: Scenario, calls: int, lines: int) -> None:
    case = inprocess.new_case(peer, scenario)
    await inprocess.check(case)
    await case.batch(max(1, calls // 10))
    profiler = cProfile.Profile()
    profiler.enable()
    await case.batch(calls)
    profiler.disable()
    print(f"\n=== {peer}, {scenario.name}: {calls:,} calls")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--peer", default="bareasgi", choices=sorted(PEERS), help="the peer")
    parser.add_argument("--calls", type=int, default=20_000, help="calls per scenario")
    parser.add_argument("--lines", type=int, default=15, help="functions listed")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if not args.scenarios or s.name in args.scenarios]
    if not chosen:
        parser.error(f"no such scenario; known: {', '.join(s.name for s in SCENARIOS)}")
    for scenario in chosen:
        calls = max(1, args.calls // 100) if scenario.name == "stream 100" else args.calls
        inprocess.run_in_loop(profile(args.peer, scenario, calls, args.lines))


if __name__ == "__main__":
    main()
