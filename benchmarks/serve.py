"""One peer's application under uvicorn, for the server driver.

Run as ``python -m benchmarks.serve PEER ROUTES CPU [MIDDLEWARES]``: pins itself to
core ``CPU``, builds the peer's application with ``ROUTES`` numbered routes (and
``MIDDLEWARES`` global middlewares), binds a socket on
127.0.0.1 to a port the kernel picks, prints the port on a line of its own, and
serves until SIGTERM or SIGINT. uvicorn runs as the issue asks: httptools, uvloop,
one worker, no access log.
"""

from __future__ import annotations

import os
import socket
import sys

import uvicorn

from .apps import PEERS

HOST = "127.0.0.1"


def pin(cpu: int) -> None:
    """Keep this process, and the threads it starts from now on, on core ``cpu``."""
    if hasattr(os, "sched_setaffinity") and cpu in os.sched_getaffinity(0):
        os.sched_setaffinity(0, {cpu})


def main() -> None:
    peer, routes, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    middlewares = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    pin(cpu)
    app = PEERS[peer](routes, middlewares)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    config = uvicorn.Config(
        app,
        http="httptools",
        loop="uvloop",
        ws="websockets-sansio",
        workers=1,
        access_log=False,
        log_level="warning",
        lifespan="off",
        backlog=1024,
    )
    server = uvicorn.Server(config)
    print(sock.getsockname()[1], flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
