"""Benchmarks, each run as a module: ``python -m benchmarks`` (the suite against raw ASGI
and the peers), ``python -m benchmarks.routing``, ``python -m benchmarks.load``."""
