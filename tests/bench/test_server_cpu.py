"""The server driver's CPU time per request: read from /proc for a running server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.server import cpu_seconds

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc on this system")

_BUSY = "import sys\nn = 0\nfor i in range(3_000_000): n += i\nprint(n, flush=True)\nsys.stdin.read()"


def test_the_cpu_time_a_process_has_used_grows_as_it_works_and_is_none_once_it_is_gone() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _BUSY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # the loop is done: it has used CPU time
        used = cpu_seconds(process)
        assert used is not None
        user, system = used
        assert user > 0 and system >= 0  # a loop of additions: user time
    finally:
        process.communicate("", timeout=10)
    assert cpu_seconds(process) is None
