"""Benchmarks, each run as a module: ``python -m benchmarks.routing``."""
