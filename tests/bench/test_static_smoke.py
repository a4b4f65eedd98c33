"""benchmarks/static.py: both peers serve the benchmark's files byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from bareasgi.testing import TestClient
from benchmarks.static import FACTORIES, write_files

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("peer", sorted(FACTORIES))
async def test_each_peer_serves_each_file(peer: str, tmp_path: Path) -> None:
    scenarios = write_files(tmp_path)
    async with TestClient(FACTORIES[peer](str(tmp_path)), lifespan=False) as client:
        for scenario in scenarios.values():
            response = await client.get(scenario.path)
            assert response.status_code == 200
            assert response.content == scenario.expected_body
