"""Instructions per request, counted by valgrind's callgrind: a measure noise cannot move.

Times on a shared machine vary by tens of percent from one minute to the next; the
number of machine instructions a request executes does not. Each peer runs in one
interpreter under ``valgrind --tool=callgrind``, which counts every instruction
(Python's own, the event loop's, the framework's). For each scenario the child
checks the answer, warms up, and then makes ``calls`` calls between two calls of
``os.getppid()``: callgrind is told to write its counts out each time the C library's
``getppid`` is entered, so the counts written between the two marks are those of the
calls alone.

Instructions are not time (a cache miss costs more than an add), but for the same
interpreter and the same work their ratio follows the ratio of times closely, and a
change that saves instructions saves time. Use it to judge a change on a noisy
machine; report times from ``python -m benchmarks``.

Run ``python -m benchmarks.instructions [--calls N] [--peer P ...] [SCENARIO ...]``
(``apt-get install valgrind``). A run of every scenario on three peers takes a few
minutes: the interpreter runs some 50 times slower under callgrind.

``--server`` counts the server scenarios under uvicorn instead: each peer's server
runs under callgrind (as :mod:`benchmarks.serve`, httptools and uvloop), loaded over
127.0.0.1 by :mod:`benchmarks.client` with a fixed number of requests; its counters
are zeroed before the load and written out after it by ``callgrind_control``. What
is counted is the server process's own work per request, uvicorn's and the
application's; the kernel's work on the sockets, the same for every peer, is not.
So raw's count over a peer's is a floor for the ratio of their requests per
second: the kernel's share, which this leaves out, only brings it closer to 1.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import inprocess, server
from .apps import PEERS, available_peers
from .scenarios import SCENARIOS, Scenario

TOTALS = re.compile(r"^summary:\s*(\d+)", re.MULTILINE)


def _calls_for(scenario: Scenario, calls: int) -> int:
    """Fewer calls where one call is long: a stream, a WebSocket echo, many routes."""
    if scenario.is_websocket or scenario.name.startswith("stream"):
        return max(1, calls // 50)
    return calls


async def _child(peer: str, scenarios: Sequence[Scenario], calls: int) -> None:
    cases = []
    for scenario in scenarios:
        case = inprocess.new_case(peer, scenario)
        await inprocess.check(case)
        cases.append(case)
    for case in cases:
        number = _calls_for(case.scenario, calls)
        await case.batch(max(1, number // 5))  # warm: caches filled, chains composed
        gc.collect()
        os.getppid()  # the mark: callgrind writes its counts out here
        await case.batch(number)
        os.getppid()
        await asyncio.sleep(0)


def marked_counts(child: Sequence[str]) -> list[int]:
    """Run ``python -m <child...>`` under callgrind; the instructions between each pair of marks.

    The child calls ``os.getppid()`` before and after each measured part, and callgrind
    writes its counts out at each call: part 1 is the start, then each measured part
    and what follows it, in turn.
    """
    folder = Path(tempfile.mkdtemp(prefix="bareasgi-callgrind-"))
    try:
        out = folder / "counts"
        subprocess.run(
            [
                "valgrind", "--tool=callgrind", "--dump-before=getppid",
                f"--callgrind-out-file={out}", "--quiet", sys.executable, "-m", *child,
            ],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            timeout=1800,
        )  # fmt: skip
        parts = sorted(folder.glob("counts.*"), key=lambda path: int(path.suffix[1:]))
        totals = [int(match.group(1)) for part in parts if (match := TOTALS.search(part.read_text()))]
        return totals[1::2]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def count(peer: str, scenarios: Sequence[Scenario], calls: int) -> dict[str, float]:
    """Instructions per call (per message for a WebSocket echo) of each scenario on ``peer``."""
    names = [scenario.name for scenario in scenarios]
    measured = marked_counts(["benchmarks.instructions", "--child", peer, "--calls", str(calls), *names])
    if len(measured) < len(scenarios):
        raise RuntimeError(f"callgrind wrote {len(measured)} measured counts for {len(scenarios)} scenarios")
    result = {}
    for scenario, total in zip(scenarios, measured):
        per = inprocess.WS_MESSAGES if scenario.is_websocket else 1
        result[scenario.name] = total / _calls_for(scenario, calls) / per
    return result


def _server_requests(scenario: Scenario, requests: int) -> int:
    """Fewer requests where one request is long: a stream of 100 chunks."""
    return max(1, requests // 10) if scenario.name.startswith("stream") else requests


def count_server(peer: str, scenarios: Sequence[Scenario], requests: int, connections: int) -> dict[str, float]:
    """Instructions per request (per message for a WebSocket echo) of ``peer`` under uvicorn."""
    server_cpu, client_cpu = server.cores()
    folder = Path(tempfile.mkdtemp(prefix="bareasgi-callgrind-"))
    result: dict[str, float] = {}
    try:
        for index, key in enumerate(sorted({scenario.app_key for scenario in scenarios})):
            out = folder / f"server{index}"  # callgrind numbers each server's dumps from 1
            wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--quiet"]
            started = server.start_server(peer, *key, server_cpu, wrapper, start_seconds=300)
            try:
                for scenario in (s for s in scenarios if s.app_key == key):
                    server.check(started, scenario)
                    number = _server_requests(scenario, requests)
                    # The count bound ends every load; the time bound only stops one that hangs.
                    load = functools.partial(
                        server.load_python, started.port, scenario, 600.0, connections, client_cpu
                    )
                    load(max(1, number // 5))  # warm: connections, caches, lazy imports
                    _control(started, "-z")
                    outcome = load(number)
                    _control(started, "-d")
                    if outcome.unexpected or outcome.done != number:
                        raise RuntimeError(f"{peer}, {scenario.name}: {outcome}")
                    dumps = sorted(folder.glob(f"{out.name}.*"), key=lambda path: int(path.suffix[1:]))
                    match = TOTALS.search(dumps[-1].read_text())
                    if match is None:
                        raise RuntimeError(f"no counts in {dumps[-1]}")
                    result[scenario.name] = int(match.group(1)) / number
            finally:
                server.stop_server(started.process)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _control(started: server.Server, option: str) -> None:
    """Tell the callgrind running ``started`` to zero (``-z``) or write out (``-d``) its counts."""
    subprocess.run(
        ["callgrind_control", option, str(started.process.pid)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--peer", action="append", choices=sorted(PEERS), help="peers (default: all installed)")
    parser.add_argument("--calls", type=int, default=2000, help="calls per scenario (default 2000)")
    parser.add_argument("--server", action="store_true", help="count the server scenarios under uvicorn")
    parser.add_argument("--requests", type=int, default=1000, help="--server: requests per scenario (default 1000)")
    parser.add_argument("--connections", type=int, default=4, help="--server: concurrent connections (default 4)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    chosen = [
        s for s in SCENARIOS
        if (not args.scenarios or s.name in args.scenarios) and (s.server or not args.server)
    ]  # fmt: skip
    if not chosen:
        parser.error(f"no such scenario; known: {', '.join(s.name for s in SCENARIOS)}")
    if args.child:
        inprocess.run_in_loop(_child(args.child, chosen, args.calls))
        return
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (apt-get install valgrind)")
    peers = args.peer or available_peers()
    counts = {}
    for peer in peers:
        print(f"  ... {peer}", file=sys.stderr, flush=True)
        if args.server:
            counts[peer] = count_server(peer, chosen, args.requests, args.connections)
        else:
            counts[peer] = count(peer, chosen, args.calls)
    if args.server:
        print(
            "Instructions per request (WebSocket echo: per message) in the uvicorn process, "
            f"{args.requests:,} requests each over {args.connections} connections "
            "(streams: a tenth as many)\n"
        )
    else:
        print(f"Instructions per request (WebSocket echo: per message), {args.calls:,} calls each\n")
    print("| scenario | " + " | ".join(peers) + " |")
    print("|---|" + "---:|" * len(peers))
    for scenario in chosen:
        base = counts[peers[0]][scenario.name]
        cells = [f"{counts[peer][scenario.name]:,.0f}" for peer in peers[:1]]
        cells += [f"{counts[peer][scenario.name]:,.0f} ({counts[peer][scenario.name] / base:.2f}×)" for peer in peers[1:]]
        print(f"| {scenario.name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
