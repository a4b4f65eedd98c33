"""The Python load generator: keep-alive HTTP/1.1 requests or WebSocket echoes.

Run by the server driver as ``python -m benchmarks.client`` (see ``--help``), when
``wrk`` is not installed and always for WebSocket echoes. It pins itself to one core,
opens its connections to 127.0.0.1 only, and stops at whichever comes first: the
duration or the request count. It prints one JSON line: the requests (or messages)
completed, the seconds taken, and the statuses seen.

A Python client is slower than ``wrk``: where it, not the server, is the bottleneck,
every peer's rate is capped alike and the ratios to raw are pulled towards 1. The
tables say which client measured what.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field

from .serve import HOST, pin


@dataclass
class Tally:
    """What the connections completed, shared by all of them."""

    deadline: float
    budget: int  # requests left before the count bound stops the run
    done: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    def take(self) -> bool:
        """Whether one more request may start."""
        if self.budget <= 0 or time.perf_counter() >= self.deadline:
            return False
        self.budget -= 1
        return True


def request_bytes(method: str, path: str, body: bytes) -> bytes:
    """One HTTP/1.1 keep-alive request."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
    if body:
        head += f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n"
    return head.encode("ascii") + b"\r\n" + body


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one response, its body included (by length or chunked); give its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def http_connection(port: int, request: bytes, tally: Tally) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while tally.take():
            writer.write(request)
            tally.statuses[await read_response(reader)] += 1
            tally.done += 1
    finally:
        writer.close()


async def ws_connection(port: int, path: str, tally: Tally) -> None:
    from websockets.asyncio.client import connect

    async with connect(f"ws://{HOST}:{port}{path}", compression=None) as web_socket:
        while tally.take():
            await web_socket.send("hello, echo")
            await web_socket.recv()
            tally.done += 1
    tally.statuses[101] += 1


async def run(args: argparse.Namespace) -> dict[str, object]:
    start = time.perf_counter()
    tally = Tally(start + args.seconds, args.max_requests)
    if args.websocket:
        connections = [ws_connection(args.port, args.path, tally) for _ in range(args.connections)]
    else:
        request = request_bytes(args.method, args.path, b"x" * args.body_size)
        connections = [
            http_connection(args.port, request, tally) for _ in range(args.connections)
        ]
    await asyncio.gather(*connections)
    return {
        "requests": tally.done,
        "seconds": time.perf_counter() - start,
        "statuses": {str(status): count for status, count in tally.statuses.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="the server's port on 127.0.0.1")
    parser.add_argument("--path", default="/", help="the request path")
    parser.add_argument("--method", default="GET", help="the request method")
    parser.add_argument("--body-size", type=int, default=0, help="bytes of request body")
    parser.add_argument("--websocket", action="store_true", help="echo WebSocket messages")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=2.0, help="how long to run at most")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="how many requests at most"
    )
    parser.add_argument("--cpu", type=int, default=1, help="the core to run on")
    args = parser.parse_args()
    pin(args.cpu)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(run(args))
    else:
        result = uvloop.run(run(args))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
