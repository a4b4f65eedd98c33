"""Fixtures for the integration tier; the servers themselves are in ``servers.py``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# ``examples`` lives beside ``bareasgi`` at the top of the repository but is not an
# installed package; ``python -m pytest`` finds it through the working directory, and
# this makes the plain ``pytest`` script find it too.
REPOSITORY = str(Path(__file__).resolve().parents[2])
if REPOSITORY not in sys.path:
    sys.path.insert(0, REPOSITORY)


@pytest.fixture
def anyio_backend() -> str:
    """Clients run on asyncio; the trio server runs its own loop in its thread."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _application_never_raises_to_the_server(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test during which the application let an exception reach the server."""
    yield
    leaked = [
        record.getMessage()
        for record in caplog.get_records("call")
        if (record.name, record.getMessage().strip())
        in (
            ("uvicorn.error", "Exception in ASGI application"),
            ("hypercorn.error", "Error in ASGI Framework"),
        )
    ]
    assert not leaked, f"the application raised to the server: {leaked}"
