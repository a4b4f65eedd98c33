"""Routing benchmark: how lookup and build times grow with the number of routes.

Run ``python -m benchmarks.routing``. For each route shape and each N it builds an
``HttpTreeRouter`` of N typed routes and times resolving the route added *last*
(the worst case for a router that scans its routes in order). Repeats are
interleaved across the N values, so a slow moment of the machine hits them all
alike; the table shows the best and the median of the repeats.

Target: a lookup among 10,000 routes within 1.5x of one among 10; 10,000 routes
built in under 1 s.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from bareasgi import Content, HttpResponse, HttpScope, HttpTreeRouter, Info, RouteMatches

SIZES = (10, 100, 1_000, 10_000)
TARGET_RATIO = 1.5
TARGET_BUILD_SECONDS = 1.0


async def handler(
    scope: HttpScope, info: Info, matches: RouteMatches, content: Content, /
) -> HttpResponse:
    return 204


@dataclass(frozen=True)
class Shape:
    """A family of routes: the i-th template and the path reaching it, with ``#`` for i."""

    name: str
    template: str
    path: str
    matches: dict[str, object]

    def template_of(self, i: int) -> str:
        return self.template.replace("#", str(i))

    def path_of(self, i: int) -> str:
        return self.path.replace("#", str(i))


SHAPES = (
    Shape("literal-first", "/route#/user/<id:int>", "/route#/user/42", {"id": 42}),
    Shape("variable-first", "/api/<id:int>/item#", "/api/42/item#", {"id": 42}),
    Shape(
        "two-variables",
        "/org/<org>/<id:int>/item#",
        "/org/acme/42/item#",
        {"org": "acme", "id": 42},
    ),
)


@dataclass
class Result:
    """The measurements for one shape and one N."""

    builds: list[float]
    lookups: list[float]  # seconds per lookup, one per repeat


def build(shape: Shape, size: int) -> tuple[HttpTreeRouter, float]:
    """A router of ``size`` routes of ``shape``, and the seconds it took to build."""
    gc.collect()
    start = time.perf_counter()
    router = HttpTreeRouter()
    for i in range(size):
        router.add({"GET"}, shape.template_of(i), handler)
    return router, time.perf_counter() - start


def measure(shape: Shape, sizes: Sequence[int], repeats: int, number: int) -> dict[int, Result]:
    """Build and lookup times for each size, repeats interleaved across the sizes."""
    results = {size: Result([], []) for size in sizes}
    routers: dict[int, HttpTreeRouter] = {}
    for _ in range(3):
        for size in sizes:
            routers[size], seconds = build(shape, size)
            results[size].builds.append(seconds)
    lookups: dict[int, Callable[[], object]] = {}
    for size, router in routers.items():
        path = shape.path_of(size - 1)
        found = router.resolve("GET", path)
        if found != (handler, shape.matches):
            raise AssertionError(f"{shape.name}, N={size}: {path} resolved to {found}")
        lookups[size] = partial(router.resolve, "GET", path)
    for _ in range(repeats):
        for size in sizes:
            seconds = timeit.timeit(lookups[size], number=number)
            results[size].lookups.append(seconds / number)
    return results


def report(shape: Shape, results: dict[int, Result]) -> list[str]:
    """Print the table for one shape; give a line for each target missed."""
    smallest, largest = min(results), max(results)
    print(f"\n{shape.name}: {shape.template_of(0)} ... resolving {shape.path_of(largest - 1)}")
    print(
        f"{'N':>7}  {'build (s)':>9}  {'µs/lookup best':>14}  {'median':>7}  "
        f"{f'ratio to N={smallest}':>14}"
    )
    base = min(results[smallest].lookups)
    misses = []
    for size, result in sorted(results.items()):
        best, median = min(result.lookups), statistics.median(result.lookups)
        build_seconds = min(result.builds)
        ratio = best / base
        print(
            f"{size:>7,}  {build_seconds:>9.4f}  {best * 1e6:>14.3f}  {median * 1e6:>7.3f}  "
            f"{ratio:>14.2f}"
        )
        if ratio > TARGET_RATIO:
            misses.append(f"{shape.name}: N={size:,} lookup is {ratio:.2f}x N={smallest}")
        if size == largest and build_seconds > TARGET_BUILD_SECONDS:
            misses.append(f"{shape.name}: building {size:,} routes took {build_seconds:.2f} s")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=7, help="timings per N (default 7)")
    parser.add_argument(
        "--number", type=int, default=20_000, help="lookups per timing (default 20000)"
    )
    args = parser.parse_args()
    misses = []
    for shape in SHAPES:
        misses += report(shape, measure(shape, SIZES, args.repeats, args.number))
    print()
    if misses:
        print("Targets missed:\n  " + "\n  ".join(misses))
    else:
        print(
            f"Targets met: lookups within {TARGET_RATIO}x of N={SIZES[0]}, "
            f"{SIZES[-1]:,} routes built in under {TARGET_BUILD_SECONDS:.0f} s."
        )


if __name__ == "__main__":
    main()
