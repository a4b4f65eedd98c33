"""Background work: jobs queued by requests, run by workers that live as long as the server.

A request queues a job and is answered at once (202); workers started at startup
run the jobs; at shutdown the workers finish what is queued, given a grace period,
and are cancelled after it. Run it with ``python -m examples.background`` and try::

    curl -i -d 'the quick brown fox' http://127.0.0.1:9009/jobs    # 202, location: /jobs/1
    curl http://127.0.0.1:9009/jobs/1                               # queued, running, then done

The workers run in a task group opened by the application's lifespan context
(``Application(lifespan=workers)``): the server enters it at startup and leaves it at
shutdown, in the one task that runs the whole lifespan, so the task group is opened
and closed by the same task, as anyio requires. A worker must not let an exception
escape: it would cancel that task group, and with it the workers. So each job's
failure is caught, logged and recorded.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal, TypedDict

import anyio
import uvicorn
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    RouteMatches,
    json_response,
    text_reader,
)

LOGGER = logging.getLogger(__name__)


@dataclass
class Job:
    id: int
    text: str
    state: Literal["queued", "running", "done", "failed"] = "queued"
    words: int | None = None


@dataclass
class Jobs:
    """The application's info: settings, the jobs, and the workers' queue once started."""

    workers: int = 2
    work_time: float = 1.0  # seconds each job takes, standing in for real work
    grace: float = 5.0  # seconds the workers have at shutdown to finish the queue
    queue_size: int = 100
    jobs: dict[int, Job] = field(default_factory=dict)
    queue: MemoryObjectSendStream[Job] | None = None


class JobMatches(TypedDict):
    id: int


async def work(job: Job, work_time: float) -> int:
    """The job itself: here, counting words slowly."""
    await anyio.sleep(work_time)
    return len(job.text.split())


async def worker(info: Jobs, queue: MemoryObjectReceiveStream[Job]) -> None:
    """Run jobs until the queue is closed and empty."""
    async with queue:
        async for job in queue:
            job.state = "running"
            try:
                job.words = await work(job, info.work_time)
            except Exception:
                LOGGER.exception("job %d failed", job.id)
                job.state = "failed"
            else:
                job.state = "done"


@asynccontextmanager
async def workers(info: Jobs) -> AsyncIterator[None]:
    """The workers, from startup to shutdown: the application's lifespan."""
    send, receive = anyio.create_memory_object_stream[Job](info.queue_size)
    async with anyio.create_task_group() as tasks:
        with receive:  # each worker holds a clone; the queue ends when all are closed
            for _ in range(info.workers):
                tasks.start_soon(worker, info, receive.clone())
        info.queue = send
        try:
            yield  # the server serves
        finally:
            send.close()  # no more jobs: the workers finish the queue, then return
            tasks.cancel_scope.deadline = anyio.current_time() + info.grace
    # leaving the task group waited for the workers, and cancelled them after the grace period


async def add_job(scope: HttpScope, info: Jobs, matches: RouteMatches, content: Content) -> HttpResponse:
    if info.queue is None:
        raise HttpError(503, "The workers have not started")
    job = Job(len(info.jobs) + 1, await text_reader(content, max_size=100_000))
    try:
        info.queue.send_nowait(job)
    except anyio.WouldBlock:
        raise HttpError(503, "Too many jobs queued; try again later", [(b"retry-after", b"10")]) from None
    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
        raise HttpError(503, "The workers have stopped") from None
    info.jobs[job.id] = job
    location = f"/jobs/{job.id}".encode()
    return json_response(202, [(b"location", location)], {"id": job.id, "state": job.state})


async def get_job(scope: HttpScope, info: Jobs, matches: JobMatches, content: Content) -> HttpResponse:
    job = info.jobs.get(matches["id"])
    if job is None:
        raise HttpError(404, f"No job {matches['id']}")
    return json_response(200, None, {"id": job.id, "state": job.state, "words": job.words})


def make_app(info: Jobs | None = None) -> Application[Jobs]:
    app = Application(info=info or Jobs(), lifespan=workers)
    app.http_router.add({"POST"}, "/jobs", add_job)
    app.http_router.add({"GET"}, "/jobs/<id:int>", get_job)
    return app


app = make_app()

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
