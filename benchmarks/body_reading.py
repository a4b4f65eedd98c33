"""What reading a request body chunk by chunk costs, by the way it is read.

The ``upload 256 KiB`` scenario reads 16 messages. Raw ASGI reads them with a loop
around ``await receive()``; a framework handler reads them with ``async for`` over
the body it is given, and each step of ``async for`` calls the iterator's
``__anext__`` and awaits what it returns, a new coroutine for each message (or, for
an async generator, a step of the generator and the event loop's hook for each new
one). This measures those ways side by side, on the same messages from the same
``receive``, so that the cost of the iterator protocol can be told from the
framework's own:

- ``receive loop``: raw ASGI's loop, the limit;
- ``async for, bare __anext__``: an iterator whose ``__anext__`` does nothing but
  await ``receive()`` and return the body, the least an iterator can do;
- ``async for, async generator``: the same as an async generator;
- ``async for over RequestBody``: bareasgi's request body, which also checks each
  message's type and counts empty ones (the hardening's limits).

Run ``python -m benchmarks.body_reading`` for times (medians of interleaved rounds,
as ratios to the receive loop), or with ``--instructions`` to count the
instructions of each under valgrind's callgrind, which noise cannot move.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from bareasgi.asgi import HttpRequestEvent
from bareasgi.request_body import RequestBody

from .instructions import marked_counts
from .scenarios import UPLOAD_BODY, UPLOAD_PARTS

_PART = len(UPLOAD_BODY) // UPLOAD_PARTS
_MESSAGES: list[HttpRequestEvent] = [
    {"type": "http.request", "body": UPLOAD_BODY[i * _PART : (i + 1) * _PART], "more_body": i < UPLOAD_PARTS - 1}
    for i in range(UPLOAD_PARTS)
]

Receive = Callable[[], Awaitable[HttpRequestEvent]]


def _receiver() -> Receive:
    """A ``receive`` handing out the upload's messages, as the in-process driver's does."""
    index = 0

    async def receive() -> HttpRequestEvent:
        nonlocal index
        message = _MESSAGES[index]
        index += 1
        return message

    return receive


async def _receive_loop(receive: Receive) -> int:
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    return size


class _Bare:
    """The least an async iterator over the body can do."""

    __slots__ = ("_more", "_receive")

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._more = True

    def __aiter__(self) -> _Bare:
        return self

    async def __anext__(self) -> bytes:
        if not self._more:
            raise StopAsyncIteration
        message = await self._receive()
        self._more = message.get("more_body", False)
        return message.get("body", b"")


async def _generator(receive: Receive) -> AsyncIterator[bytes]:
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
        yield message.get("body", b"")


async def _bare(receive: Receive) -> int:
    size = 0
    async for chunk in _Bare(receive):
        size += len(chunk)
    return size


async def _async_generator(receive: Receive) -> int:
    size = 0
    async for chunk in _generator(receive):
        size += len(chunk)
    return size


async def _request_body(receive: Receive) -> int:
    size = 0
    async for chunk in RequestBody(receive):
        size += len(chunk)
    return size


Way = Callable[[Receive], Awaitable[int]]
"""A way of reading the upload: the bytes it read."""

WAYS: dict[str, Way] = {
    "receive loop": _receive_loop,
    "async for, bare __anext__": _bare,
    "async for, async generator": _async_generator,
    "async for over RequestBody": _request_body,
}


async def _calls(way: Way, number: int) -> float:
    """Seconds for ``number`` reads of the upload."""
    start = time.perf_counter()
    for _ in range(number):
        if await way(_receiver()) != len(UPLOAD_BODY):
            raise AssertionError("a way of reading lost part of the body")
    return time.perf_counter() - start


async def _times(rounds: int, number: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {name: [] for name in WAYS}
    for way in WAYS.values():
        await _calls(way, number // 10)  # warm
    for round_ in range(rounds):
        names = list(WAYS)
        names = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in names:
            found[name].append(await _calls(WAYS[name], number) / number * 1e6)
    return found


async def _marked(number: int) -> None:
    """The child under callgrind: each way's calls between two marks."""
    for way in WAYS.values():
        await _calls(way, number // 10)
        gc.collect()
        os.getppid()  # the mark: callgrind writes its counts out here
        await _calls(way, number)
        os.getppid()


def _instructions(number: int) -> dict[str, float]:
    measured = marked_counts(["benchmarks.body_reading", "--child", str(number)])
    return {name: total / number for name, total in zip(WAYS, measured)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", action="store_true", help="count instructions (valgrind)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--calls", type=int, default=2000, help="reads per way and round (default 2000)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_marked(args.child))
        return
    print(f"Reading {len(UPLOAD_BODY) // 1024} KiB in {UPLOAD_PARTS} messages, Python {sys.version.split()[0]}\n")
    if args.instructions:
        if shutil.which("valgrind") is None:
            parser.error("valgrind is not installed (apt-get install valgrind)")
        counts = _instructions(args.calls // 4)
        least = counts["receive loop"]
        print("| way | instructions per read | ×receive loop | beyond it, per message |")
        print("|---|---:|---:|---:|")
        for name, count in counts.items():
            extra = (count - least) / UPLOAD_PARTS
            print(f"| {name} | {count:,.0f} | {count / least:.2f}× | {extra:,.0f} |")
        return
    times = asyncio.run(_times(args.rounds, args.calls))
    base = times["receive loop"]
    print(f"| way | µs per read (median of {args.rounds}) | ×receive loop |")
    print("|---|---:|---:|")
    for name, values in times.items():
        ratio = statistics.median(value / limit for value, limit in zip(values, base))
        print(f"| {name} | {statistics.median(values):.2f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
