"""examples/chat.py through Redis against one process, side by side: messages per second and latency.

Run ``python -m benchmarks.scale_out [--messages N] [--pings N]`` (needs ``redis-server``
and the ``examples`` extra). It starts a redis-server of its own on 127.0.0.1, then
two set-ups of the chat, one after the other:

- one process: one uvicorn worker, no Redis, a sender and a receiver in one room;
- through Redis: two uvicorn workers given the same Redis, the sender connected to
  one and the receiver to the other, so every message crosses Redis.

For each it measures the latency of a message from sending to its arrival at the
receiver (``--pings`` messages, one at a time; median and 99th percentile), and the
rate of messages delivered when the sender keeps up to ``--window`` messages in
flight (``--messages`` in all). Every count is bounded, and every process is stopped
at the end. The figures in docs/deployment.md ("Scaling out") come from this script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, ExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from tests.scale_out.processes import REDIS_SERVER, Worker, redis_server, uvicorn_worker

TIMEOUT = 10.0  # seconds any one message may take before the run gives up


@dataclass(frozen=True)
class Figures:
    setup: str
    latency_median_ms: float
    latency_p99_ms: float
    messages_per_second: float


@asynccontextmanager
async def member(worker: Worker, name: str) -> AsyncIterator[ClientConnection]:
    async with connect(f"{worker.ws_url}/chat/bench?name={name}", max_queue=None) as ws:
        while json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT)) != {"event": "joined", "name": name}:
            pass
        yield ws


async def drain(ws: ClientConnection) -> None:
    """Read and drop the sender's copies of its own messages, so that it is never dropped as slow."""
    async for _ in ws:
        pass


async def latency(sender: ClientConnection, receiver: ClientConnection, pings: int) -> list[float]:
    seconds = []
    for n in range(pings):
        started = time.perf_counter()
        await sender.send(f"ping {n}")
        while json.loads(await asyncio.wait_for(receiver.recv(), TIMEOUT)).get("text") != f"ping {n}":
            pass
        seconds.append(time.perf_counter() - started)
    return seconds


async def rate(sender: ClientConnection, receiver: ClientConnection, messages: int, window: int) -> float:
    """Messages delivered per second, with at most ``window`` sent and not yet received."""
    received = 0
    in_flight = asyncio.Semaphore(window)

    async def send_all() -> None:
        for n in range(messages):
            await in_flight.acquire()
            await sender.send(f"burst {n}")

    started = time.perf_counter()
    sending = asyncio.create_task(send_all())
    try:
        while received < messages:
            event = json.loads(await asyncio.wait_for(receiver.recv(), TIMEOUT))
            if event.get("text", "").startswith("burst "):
                received += 1
                in_flight.release()
        await sending
    finally:
        sending.cancel()
    return messages / (time.perf_counter() - started)


async def measure(setup: str, sending: Worker, receiving: Worker, args: argparse.Namespace) -> Figures:
    async with AsyncExitStack() as stack:
        sender = await stack.enter_async_context(member(sending, "sender"))
        receiver = await stack.enter_async_context(member(receiving, "receiver"))
        drainer = asyncio.create_task(drain(sender))
        stack.callback(drainer.cancel)
        await latency(sender, receiver, min(20, args.pings))  # warm up
        seconds = sorted(await latency(sender, receiver, args.pings))
        per_second = await rate(sender, receiver, args.messages, args.window)
    return Figures(
        setup,
        statistics.median(seconds) * 1000,
        seconds[min(len(seconds) - 1, round(len(seconds) * 0.99))] * 1000,
        per_second,
    )


def run(args: argparse.Namespace) -> list[Figures]:
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        directory = Path(scratch)
        redis = stack.enter_context(redis_server(directory))
        alone = stack.enter_context(uvicorn_worker("examples.chat:app", "", directory / "alone.log"))
        one = stack.enter_context(uvicorn_worker("examples.chat:app", redis.url, directory / "one.log"))
        two = stack.enter_context(uvicorn_worker("examples.chat:app", redis.url, directory / "two.log"))
        return [
            asyncio.run(measure("one process, no Redis", alone, alone, args)),
            asyncio.run(measure("two processes through Redis", one, two, args)),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_out", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--pings", type=int, default=500, help="messages timed one at a time (default 500)")
    parser.add_argument("--messages", type=int, default=20_000, help="messages in the rate run (default 20000)")
    parser.add_argument("--window", type=int, default=50, help="messages in flight in the rate run (default 50)")
    args = parser.parse_args()
    if REDIS_SERVER is None:
        parser.exit(1, "redis-server is not installed (Debian: apt-get install redis-server)\n")
    figures = run(args)
    print("| set-up | latency, median | latency, p99 | messages/s | rate vs one process |")
    print("| --- | --- | --- | --- | --- |")
    for found in figures:
        ratio = found.messages_per_second / figures[0].messages_per_second
        print(
            f"| {found.setup} | {found.latency_median_ms:.2f} ms | {found.latency_p99_ms:.2f} ms"
            f" | {found.messages_per_second:,.0f} | {ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
