"""Cold start: what importing a framework, and building a small application, costs.

A serverless function or a command-line tool pays this on every start. Each case runs
in a fresh interpreter (``python -c``), ``RUNS`` times, interleaved; the interpreter
measures the import (and build) itself with ``time.perf_counter()``, so the start of
the interpreter is not counted, and reports its peak resident memory (Linux's
``VmHWM``). The tables give
the median of the runs.

Both frameworks are measured from bytecode, as a user who installed them from wheels
has them (pip writes the ``.pyc`` files at install). An editable install, or an
environment with ``PYTHONDONTWRITEBYTECODE`` set, would otherwise leave bareasgi to be
compiled from source on every start while Starlette's bytecode was already there. So
each case runs once, untimed, before the timed runs, and every run has
``PYTHONDONTWRITEBYTECODE`` taken out of its environment: that warm-up writes the
bytecode of every module the case imports, and the timed runs read it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

RUNS = 7

# Peak memory from VmHWM, which starts afresh at exec (getrusage's maxrss carries the
# parent's peak over on Linux).
_PROBE = """
import json, time
start = time.perf_counter()
{code}
elapsed = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"seconds": elapsed, "peak_kib": peak}}))
"""

CASES: dict[str, str] = {
    "interpreter": "pass",
    "bareasgi: import": "import bareasgi",
    "bareasgi: import and build": (
        "from bareasgi import Application, text_writer\n"
        "async def hello(scope, info, matches, content):\n"
        "    return 200, [(b'content-type', b'text/plain')], text_writer('hello')\n"
        "app = Application()\n"
        "app.http_router.add({'GET'}, '/', hello)\n"
        "app.http_router.add({'GET'}, '/user/<id:int>', hello)\n"
    ),
    "starlette: import": "import starlette.applications",
    "starlette: import and build": (
        "from starlette.applications import Starlette\n"
        "from starlette.responses import PlainTextResponse\n"
        "from starlette.routing import Route\n"
        "async def hello(request):\n"
        "    return PlainTextResponse('hello')\n"
        "app = Starlette(routes=[Route('/', hello), Route('/user/{id:int}', hello)])\n"
    ),
}
"""Each case's code, as the probe runs it."""


@dataclass
class Case:
    """One case's runs: seconds to import (and build), and peak memory in KiB."""

    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def median_mib(self) -> float:
        return statistics.median(self.peak_kib) / 1024


def run(
    names: Sequence[str] | None = None,
    runs: int = RUNS,
    progress: Callable[[str], None] = lambda line: None,
) -> dict[str, Case]:
    """Every case ``runs`` times in fresh interpreters, the cases interleaved."""
    chosen = list(names or CASES)
    results = {name: Case() for name in chosen}
    progress("cold start, writing bytecode: one untimed run of each case")
    for name in chosen:
        _probe(name)
    for index in range(runs):
        progress(f"cold start, run {index + 1} of {runs}")
        for name in chosen:
            measured = _probe(name)
            results[name].seconds.append(float(measured["seconds"]))
            results[name].peak_kib.append(int(measured["peak_kib"]))
    return results


def _probe(name: str) -> dict[str, float]:
    """One run of a case in a fresh interpreter that may write bytecode: what it measured."""
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(code=CASES[name])],
        capture_output=True, text=True, timeout=60, check=True, env=environment,
    )  # fmt: skip
    measured: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def available(installed: Sequence[str]) -> list[str]:
    """The cases whose framework is installed (Starlette only with ``bareasgi[bench]``)."""
    return [name for name in CASES if name == "interpreter" or name.split(":")[0] in installed]
