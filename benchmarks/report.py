"""The benchmark report: the machine, the tables, and each target held or missed.

Tables are Markdown, so that a run can be pasted into the README as it is. Times are
medians over the rounds; a ratio is the median over rounds of the ratio within each
round (both peers measured moments apart), which shrugs off a slow spell of a shared
machine better than a ratio of medians. The spread of a cell is its range over the
rounds, relative to its median: the noise of that measurement.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import coldstart, inprocess, server
from .scenarios import (
    SERVER_TARGETED,
    SERVER_TARGETED_TIGHT,
    TARGETED,
    TARGETED_TIGHT,
    VERSUS_STARLETTE,
    Scenario,
)

IN_PROCESS_LIMIT = 2.0
IN_PROCESS_TIGHT_LIMIT = 1.5
STREAM_FIXED_LIMIT_US = 10.0
"""What a streamed response may cost beyond raw ASGI streaming the same body, in µs."""
STREAM_FIXED_SCENARIO = "stream 1 x 1 KiB"
ROUTE_GROWTH_LIMIT = 1.5
BUILD_SECONDS_LIMIT = 1.0
SERVER_FLOOR = 0.9
SERVER_FLOOR_TIGHT = 0.95


@dataclass(frozen=True)
class Verdict:
    """One target: what it asks, what was measured, and whether it holds."""

    target: str
    measured: str
    holds: bool


def machine() -> list[str]:
    """The machine and the versions a reader needs to weigh the numbers."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = ", ".join(
        f"{name} {_version(name)}"
        for name in ("bareasgi", "uvicorn", "starlette", "uvloop", "httptools", "pydantic")
    )
    return [
        f"- machine: {model}, {os.cpu_count()} CPUs ({usable} usable), "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); {versions}",
        f"- bareasgi commit: {_commit()}",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return found.stdout.strip() or "unknown"


def spread(values: Sequence[float]) -> float:
    """The range of ``values`` relative to their median."""
    return (max(values) - min(values)) / statistics.median(values)


def ratios(values: Sequence[float], limits: Sequence[float]) -> float:
    """The median over rounds of ``values[i] / limits[i]``."""
    return statistics.median(value / limit for value, limit in zip(values, limits))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    lines[1] = "|---" + lines[1][5:]  # the first column, names, to the left
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def inprocess_tables(results: inprocess.Results, scenarios: Sequence[Scenario]) -> list[str]:
    """Microseconds per request (per message for WebSocket) and ratios to raw."""
    peers = results.peers
    header = ["scenario", *(f"{peer} µs" + ("" if peer == "raw" else " (×raw)") for peer in peers)]
    header += ["spread", "tasks per request"]
    rows = []
    for scenario in scenarios:
        cases = [results.cases[(scenario.name, peer)] for peer in peers]
        limit = cases[0].seconds
        cells = [f"{statistics.median(limit) * 1e6:.2f}"]
        for case in cases[1:]:
            ratio = ratios(case.seconds, limit)
            cells.append(f"{statistics.median(case.seconds) * 1e6:.2f} ({ratio:.2f}×)")
        noise = max(spread(case.seconds) for case in cases)
        tasks = " / ".join(str(case.tasks) for case in cases)
        rows.append([scenario.name, *cells, f"±{noise * 50:.0f}%", tasks])
    lines = [
        f"In-process: µs per request (WebSocket echo: per message), median of "
        f"{results.rounds} interleaved rounds; tasks per request: "
        + " / ".join(peers),
        "",
        *_table(header, rows),
    ]
    if not results.builds:
        return lines
    lines += [
        "",
        f"Building the application with {inprocess.BUILD_ROUTES:,} typed routes, "
        "and the memory each route holds while idle:",
        "",
    ]
    build_rows = [
        [
            peer,
            f"{min(results.builds[peer].seconds):.3f}",
            f"{results.builds[peer].bytes_per_route:,.0f}",
        ]
        for peer in peers
    ]
    return lines + _table(["peer", "build (s)", "bytes per idle route"], build_rows)


def server_table(results: server.Results, scenarios: Sequence[Scenario]) -> list[str]:
    """Requests (WebSocket: messages) per second under uvicorn, and ratios to raw."""
    peers = results.peers
    header = ["scenario", *(f"{peer} req/s" + ("" if peer == "raw" else " (×raw)") for peer in peers)]
    header += ["spread", "client"]
    rows = []
    for scenario in scenarios:
        if (scenario.name, peers[0]) not in results.cases:
            continue
        cases = [results.cases[(scenario.name, peer)] for peer in peers]
        limit = cases[0].rates
        cells = [f"{statistics.median(limit):,.0f}"]
        for case in cases[1:]:
            ratio = ratios(case.rates, limit)
            cells.append(f"{statistics.median(case.rates):,.0f} ({ratio:.2f}×)")
        noise = max(spread(case.rates) for case in cases)
        rows.append([scenario.name, *cells, f"±{noise * 50:.0f}%", cases[0].client])
    server_cpu, client_cpu = results.cores
    lines = [
        f"Server: uvicorn (httptools, uvloop, 1 worker, no access log) on core {server_cpu}, "
        f"load from core {client_cpu} over 127.0.0.1 with {results.connections} connections, "
        f"{results.seconds:g} s per run, median of {results.rounds} interleaved rounds",
        "",
        *_table(header, rows),
    ]
    cpu_rows = []
    for scenario in scenarios:
        if (scenario.name, peers[0]) not in results.cases:
            continue
        cases = [results.cases[(scenario.name, peer)] for peer in peers]
        if not all(case.cpu_per_request for case in cases):
            continue  # no /proc
        limit = cases[0].cpu_per_request
        cells = [f"{statistics.median(limit):,.1f}"]
        for case in cases[1:]:
            ratio = ratios(limit, case.cpu_per_request)
            cells.append(f"{statistics.median(case.cpu_per_request):,.1f} ({ratio:.2f}×)")
        noise = max(spread(case.cpu_per_request) for case in cases)
        share = statistics.median(cases[0].kernel_share) if cases[0].kernel_share else 0.0
        cpu_rows.append([scenario.name, *cells, f"±{noise * 50:.0f}%", f"{share:.0%}"])
    if cpu_rows:
        cpu_header = ["scenario", *(f"{peer} CPU µs" for peer in peers), "spread", "kernel's share (raw)"]
        lines += [
            "",
            "The servers' own CPU time (user and system) per request, and raw's over each "
            "peer's: the rate a server would reach with its core to itself; and the share "
            "of raw's that was the kernel's (the sockets), the same work for every peer",
            "",
            *_table(cpu_header, cpu_rows),
        ]
    unexpected = [
        f"{case.peer} {case.scenario.name}: {case.unexpected}"
        for case in results.cases.values()
        if case.unexpected
    ]
    if unexpected:
        lines += ["", "Responses with an unexpected status: " + ", ".join(unexpected)]
    return lines


def verdicts(
    inproc: inprocess.Results | None, served: server.Results | None
) -> list[Verdict]:
    """Every target the runs can speak to, for bareasgi."""
    found: list[Verdict] = []
    if inproc is not None and "bareasgi" in inproc.peers:
        found += _inprocess_verdicts(inproc)
    if served is not None and "bareasgi" in served.peers:
        floors = [(name, SERVER_FLOOR) for name in SERVER_TARGETED]
        floors += [(name, SERVER_FLOOR_TIGHT) for name in SERVER_TARGETED_TIGHT]
        for name, floor in floors:
            if (name, "bareasgi") in served.cases:
                bare, raw = served.cases[(name, "bareasgi")], served.cases[(name, "raw")]
                ratio = ratios(bare.rates, raw.rates)
                target = f"server {name} ≥ {floor:g}× raw req/s"
                found.append(Verdict(target, f"{ratio:.2f}×", ratio >= floor))
                if bare.cpu_per_request and raw.cpu_per_request:
                    by_cpu = ratios(raw.cpu_per_request, bare.cpu_per_request)
                    target = f"server {name} ≥ {floor:g}× raw, by CPU time per request"
                    found.append(Verdict(target, f"{by_cpu:.2f}×", by_cpu >= floor))
    return found


def _inprocess_verdicts(results: inprocess.Results) -> list[Verdict]:
    found: list[Verdict] = []
    bare = {name: case for (name, peer), case in results.cases.items() if peer == "bareasgi"}
    limits = [(name, IN_PROCESS_LIMIT) for name in TARGETED]
    limits += [(name, IN_PROCESS_TIGHT_LIMIT) for name in TARGETED_TIGHT]
    for name, limit in limits:
        if name in bare:
            ratio = ratios(bare[name].seconds, results.cases[(name, "raw")].seconds)
            target = f"in-process {name} ≤ {limit:g}× raw"
            found.append(Verdict(target, f"{ratio:.2f}×", ratio <= limit))
    if STREAM_FIXED_SCENARIO in bare:
        # One chunk: what bareasgi adds to streaming it is the fixed cost of a stream.
        raw = results.cases[(STREAM_FIXED_SCENARIO, "raw")].seconds
        extra = statistics.median(b - r for b, r in zip(bare[STREAM_FIXED_SCENARIO].seconds, raw))
        target = f"in-process stream fixed cost (bareasgi - raw, one chunk) ≤ {STREAM_FIXED_LIMIT_US:g} µs"
        found.append(Verdict(target, f"{extra * 1e6:.2f} µs", extra * 1e6 <= STREAM_FIXED_LIMIT_US))
    if "starlette" in results.peers:
        for name in VERSUS_STARLETTE:
            if name in bare:
                ratio = ratios(bare[name].seconds, results.cases[(name, "starlette")].seconds)
                target = f"in-process {name} ≤ 1× Starlette"
                found.append(Verdict(target, f"{ratio:.2f}×", ratio <= 1.0))
    by_routes = {case.scenario.routes: case for case in bare.values() if case.scenario.routes}
    if by_routes:
        fewest, most = min(by_routes), max(by_routes)
        growth = ratios(by_routes[most].seconds, by_routes[fewest].seconds)
        target = f"route {most:,} within {ROUTE_GROWTH_LIMIT:g}× route {fewest:,}"
        found.append(Verdict(target, f"{growth:.2f}×", growth <= ROUTE_GROWTH_LIMIT))
    if "bareasgi" in results.builds:
        build = min(results.builds["bareasgi"].seconds)
        target = f"{inprocess.BUILD_ROUTES:,} routes built in < {BUILD_SECONDS_LIMIT:g} s"
        found.append(Verdict(target, f"{build:.3f} s", build < BUILD_SECONDS_LIMIT))
    tasks = max(case.tasks for name, case in bare.items() if not name.startswith("stream"))
    target = "no task per request on the plain path (all but streaming)"
    found.append(Verdict(target, f"{tasks} at most", tasks == 0))
    return found


def coldstart_table(results: dict[str, coldstart.Case]) -> list[str]:
    """The cold start table: median time to import (and build), and peak memory."""
    rows = [
        [name, f"{case.median_ms:.1f}", f"{case.median_mib:.1f}"] for name, case in results.items()
    ]
    return [
        f"Cold start, fresh interpreters, median of {coldstart.RUNS} (ms after the "
        "interpreter started; peak resident memory of the process):",
        "",
        *_table(["case", "ms", "peak MiB"], rows),
    ]


def coldstart_verdicts(results: dict[str, coldstart.Case] | None) -> list[Verdict]:
    """bareasgi at least as quick to import and build as Starlette, where both ran."""
    found: list[Verdict] = []
    for what in ("import", "import and build"):
        ours, theirs = f"bareasgi: {what}", f"starlette: {what}"
        if results is not None and ours in results and theirs in results:
            mine, peer = results[ours].median_ms, results[theirs].median_ms
            target = f"cold start, {what} ≤ Starlette's"
            found.append(Verdict(target, f"{mine:.1f} ms against {peer:.1f} ms", mine <= peer))
    return found


def verdict_lines(found: Sequence[Verdict]) -> list[str]:
    rows = [[v.target, v.measured, "holds" if v.holds else "**missed**"] for v in found]
    return _table(["target (bareasgi)", "measured", ""], rows)
