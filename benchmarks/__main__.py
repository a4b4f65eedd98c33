"""The benchmark suite: bareasgi against hand-written ASGI and its peers, side by side.

Run ``python -m benchmarks`` (after ``pip install -e '.[bench]'``). Two drivers, each
with every peer in the same process model, in interleaved rounds:

- in-process (:mod:`benchmarks.inprocess`): each application called directly with
  prepared scopes, every response checked once before timing;
- server (:mod:`benchmarks.server`): each application under uvicorn, loaded from
  another process over 127.0.0.1 by ``wrk`` if installed, else by a Python client.

It prints the machine, a Markdown table per driver (times or rates, and ratios to
raw), and which targets hold. ``--quick`` is a short run for trying things out; its
numbers are noisier.
"""

from __future__ import annotations

import argparse
import sys

from . import coldstart, inprocess, report, server
from .apps import available_peers
from .scenarios import SCENARIOS


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--driver", choices=("all", "inprocess", "server", "coldstart"), default="all",
        help="which driver to run (default: all three)",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=7, help="in-process rounds (default 7)")
    parser.add_argument(
        "--batch", type=float, default=0.05,
        help="seconds per in-process timing batch (default 0.05)",
    )  # fmt: skip
    parser.add_argument("--server-rounds", type=int, default=3, help="server rounds (default 3)")
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="seconds per server load run (default 2)"
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="concurrent connections (default 16)"
    )
    parser.add_argument(
        "--client", choices=("auto", "python"), default="auto",
        help="server load generator: wrk when installed (auto), or the Python client",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true",
        help="3 in-process rounds and 1 server round of 1 s: to try things, not to report",
    )  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.batch, args.server_rounds, args.seconds = 3, 0.02, 1, 1.0
    peers = available_peers()
    if "starlette" not in peers:
        print("(Starlette is not installed: pip install -e '.[bench]' to compare with it)")

    def progress(line: str) -> None:
        print(f"  ... {line}", file=sys.stderr, flush=True)

    lines = ["Machine:", "", *report.machine(), ""]
    measured_in = measured_server = None
    if args.driver in ("all", "inprocess"):
        measured_in = inprocess.run(
            peers, SCENARIOS, rounds=args.rounds, batch_seconds=args.batch, progress=progress
        )
        lines += [*report.inprocess_tables(measured_in, SCENARIOS), ""]
    if args.driver in ("all", "server"):
        measured_server = server.run(
            peers,
            SCENARIOS,
            rounds=args.server_rounds,
            seconds=args.seconds,
            connections=args.connections,
            use_wrk=args.client == "auto",
            progress=progress,
        )
        lines += [*report.server_table(measured_server, SCENARIOS), ""]
    measured_cold = None
    if args.driver in ("all", "coldstart"):
        measured_cold = coldstart.run(coldstart.available(peers), progress=progress)
        lines += [*report.coldstart_table(measured_cold), ""]
    found = report.verdicts(measured_in, measured_server) + report.coldstart_verdicts(measured_cold)
    lines += ["Targets:", "", *report.verdict_lines(found)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
