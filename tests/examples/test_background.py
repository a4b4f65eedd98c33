"""examples/background.py: workers started at startup run queued jobs; shutdown drains, then cancels."""

from __future__ import annotations

import logging

import anyio
import pytest

from bareasgi.testing import TestClient
from examples import background
from examples.background import Job, Jobs, make_app

pytestmark = pytest.mark.anyio


async def wait_for(client: TestClient, location: str, state: str) -> dict[str, object]:
    """The job at ``location`` once it is in ``state``."""
    with anyio.fail_after(5):
        while (job := (await client.get(location)).json())["state"] != state:
            await anyio.sleep(0.01)
    return dict(job)


async def test_a_job_is_answered_at_once_and_run_by_a_worker() -> None:
    async with TestClient(make_app(Jobs(work_time=0.01))) as client:
        queued = await client.post("/jobs", content=b"the quick brown fox")
        assert queued.status_code == 202
        assert queued.headers["location"] == "/jobs/1"
        assert queued.json() == {"id": 1, "state": "queued"}
        assert await wait_for(client, "/jobs/1", "done") == {"id": 1, "state": "done", "words": 4}
        assert (await client.get("/jobs/2")).status_code == 404


async def test_shutdown_lets_the_workers_finish_the_queue() -> None:
    info = Jobs(workers=1, work_time=0.01)
    async with TestClient(make_app(info)) as client:
        for text in ["one", "one two", "one two three"]:
            assert (await client.post("/jobs", content=text)).status_code == 202
    assert [(job.state, job.words) for job in info.jobs.values()] == [("done", 1), ("done", 2), ("done", 3)]


async def test_shutdown_cancels_the_workers_after_the_grace_period() -> None:
    info = Jobs(workers=1, work_time=60, grace=0.05)
    with anyio.fail_after(5):
        async with TestClient(make_app(info)) as client:
            await client.post("/jobs", content=b"slow")
            await client.post("/jobs", content=b"never started")
            await wait_for(client, "/jobs/1", "running")
    assert [job.state for job in info.jobs.values()] == ["running", "queued"]


async def test_a_failing_job_is_recorded_and_the_worker_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def fussy(job: Job, work_time: float) -> int:
        if job.text == "bad":
            raise ValueError("not this one")
        return 1

    monkeypatch.setattr(background, "work", fussy)
    async with TestClient(make_app(Jobs(workers=1))) as client:
        await client.post("/jobs", content=b"bad")
        await client.post("/jobs", content=b"good")
        assert (await wait_for(client, "/jobs/1", "failed"))["words"] is None
        assert (await wait_for(client, "/jobs/2", "done"))["words"] == 1
    assert [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR] == ["job 1 failed"]


async def test_a_full_queue_is_answered_503() -> None:
    async with TestClient(make_app(Jobs(workers=1, work_time=60, grace=0, queue_size=1))) as client:
        await client.post("/jobs", content=b"one")
        await wait_for(client, "/jobs/1", "running")
        assert (await client.post("/jobs", content=b"two")).status_code == 202  # queued
        full = await client.post("/jobs", content=b"three")
    assert (full.status_code, full.headers["retry-after"]) == (503, "10")


async def test_without_the_lifespan_there_are_no_workers() -> None:
    async with TestClient(make_app(), lifespan=False) as client:
        response = await client.post("/jobs", content=b"one")
    assert response.status_code == 503
