"""The ``load_smoke`` marker, for the scaled-down run of the load command."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "load_smoke: the load command (python -m benchmarks.load) scaled down to a few seconds",
    )
