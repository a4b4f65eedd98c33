"""Static files under uvicorn: bareasgi's ``static_files`` against Starlette's ``StaticFiles``.

Run ``python -m benchmarks.static`` (after ``pip install -e '.[bench]'``). It writes a
1 KiB and a 1 MiB file to a temporary directory, serves that directory with each peer
under uvicorn (as :mod:`benchmarks.serve` does: httptools, uvloop, one worker, no
access log, pinned to one core), checks that each answers every file with its exact
bytes, then loads each file on each peer in turn, in interleaved rounds, with
``wrk`` when it is installed and :mod:`benchmarks.client` otherwise, pinned to the
other core. It prints requests per second by round, their medians, and bareasgi's
ratio to Starlette. Only 127.0.0.1 is contacted, and every server is stopped before
it returns.

Run ``python -m benchmarks.static serve PEER DIRECTORY CPU`` to serve one peer by
hand: it prints its port, and serves ``/static/...`` until interrupted.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import uvicorn

from .apps import AsgiApp
from .scenarios import Scenario
from .serve import HOST, pin
from .server import ROOT, START_SECONDS, Load, _read_port, check, cores, load_python, load_wrk, stop_server, Server

FILES = {"1 KiB": ("1k.bin", 1024), "1 MiB": ("1m.bin", 1024 * 1024)}
PEERS = ("bareasgi", "starlette")


def bareasgi_app(directory: str) -> AsgiApp:
    from bareasgi import Application, static_files

    app = Application()
    app.http_router.add({"GET", "HEAD"}, "/static/{path:path}", static_files(directory))
    return app


def starlette_app(directory: str) -> AsgiApp:
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    return Starlette(routes=[Mount("/static", StaticFiles(directory=directory))])


FACTORIES: dict[str, Callable[[str], AsgiApp]] = {"bareasgi": bareasgi_app, "starlette": starlette_app}


def serve(peer: str, directory: str, cpu: int) -> None:
    """Serve one peer's static files under uvicorn, printing the port first."""
    pin(cpu)
    app = FACTORIES[peer](directory)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    config = uvicorn.Config(
        app, http="httptools", loop="uvloop", workers=1, access_log=False,
        log_level="warning", lifespan="off", backlog=1024,
    )  # fmt: skip
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(config).run(sockets=[sock])


def start(peer: str, directory: str, cpu: int) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.static", "serve", peer, directory, str(cpu)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        return Server(peer=peer, routes=0, middlewares=0, process=process, port=_read_port(process, START_SECONDS))
    except BaseException:
        stop_server(process)
        raise


def write_files(directory: Path) -> dict[str, Scenario]:
    """The files, and for each the scenario that fetches it and expects its bytes."""
    scenarios = {}
    for label, (name, size) in FILES.items():
        data = bytes(range(256)) * (size // 256)
        (directory / name).write_bytes(data)
        scenarios[label] = Scenario(f"static {label}", "GET", f"/static/{name}", expected_body=data)
    return scenarios


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.static",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per load run (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument(
        "--client", choices=("auto", "python"), default="auto",
        help="load generator: wrk when installed (auto), or the Python client",
    )  # fmt: skip
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    args = parser.parse_args()
    server_cpu, client_cpu = cores()
    wrk = shutil.which("wrk") if args.client == "auto" else None
    rates: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        scenarios = write_files(Path(directory))
        servers: dict[str, Server] = {}
        try:
            for peer in PEERS:
                servers[peer] = start(peer, directory, server_cpu)
            for peer, server in servers.items():
                for scenario in scenarios.values():
                    check(server, scenario)
            for round_ in range(args.rounds):
                order = PEERS[round_ % 2 :] + PEERS[: round_ % 2]
                for label, scenario in scenarios.items():
                    for peer in order:
                        port = servers[peer].port
                        load: Load = (
                            load_wrk(wrk, port, scenario, args.seconds, args.connections, client_cpu)
                            if wrk
                            else load_python(port, scenario, args.seconds, args.connections, client_cpu)
                        )
                        if load.unexpected:
                            raise RuntimeError(f"{peer}, {label}: {load.unexpected} unexpected responses")
                        rates.setdefault((label, peer), []).append(load.rate)
                        print(f"  ... round {round_ + 1}, {label}, {peer}: {load.rate:,.0f}/s", file=sys.stderr)
        finally:
            for server in servers.values():
                stop_server(server.process)
    client = "wrk" if wrk else "the Python client"
    print(f"Static files under uvicorn, requests per second ({client}, {args.connections} connections, "
          f"median of {args.rounds} rounds of {args.seconds:g} s):\n")  # fmt: skip
    print("| file | bareasgi | starlette | bareasgi ÷ starlette |")
    print("|---|---:|---:|---:|")
    for label in FILES:
        ours = statistics.median(rates[(label, "bareasgi")])
        theirs = statistics.median(rates[(label, "starlette")])
        print(f"| {label} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f}× |")


if __name__ == "__main__":
    main()
