"""bareASGI 3.x applications and add-ons, run against bareasgi as they were written.

``make test`` installs the 3.x add-ons these tests use into ``.venv/addons``, without
their dependencies (they pin ``bareasgi<4``); the folder goes on ``sys.path`` here, at
its end, so nothing in it can shadow an installed package.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ADDONS = Path(sys.prefix) / "addons"
if ADDONS.is_dir() and str(ADDONS) not in sys.path:
    sys.path.append(str(ADDONS))


@pytest.fixture
def anyio_backend() -> str:
    """The 3.x examples use asyncio themselves, and so did bareASGI 3.x."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _nothing_logged_as_an_error(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """An application written for 3.x runs without an error logged by bareasgi or the server."""
    yield
    errors = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.get_records("call")
        if record.levelno >= logging.ERROR and record.name in ("bareasgi", "uvicorn.error")
    ]
    assert not errors, errors
