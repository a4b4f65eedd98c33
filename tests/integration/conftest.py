"""Fixtures for the integration tier; the servers themselves are in ``servers.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


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
            ("_granian.utils", "Application callable raised an exception"),
        )
    ]
    assert not leaked, f"the application raised to the server: {leaked}"
