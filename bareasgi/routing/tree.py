"""The segment tree that path templates are stored in and paths resolved through.

Invariants:

- Each node stands for a path prefix. Its children are tried in a fixed order:
  the literal child for the next segment (one dict lookup), then the variable
  children in the order they were first added, then the ``path`` catch-all.
- A variable child never matches an empty segment; a segment its converter refuses
  means that branch does not match, and the walk backtracks to the next candidate.
- A node's ``routes`` map a key (an HTTP method) to what was routed there.
- Recursion goes one level per node, so its depth is bounded by the longest
  template (at most ``MAX_TEMPLATE_SEGMENTS``), not by the path: a longer path either
  misses or ends in a catch-all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, final

from .converters import Converter
from .template import Template, Variable


class Stored(Protocol):
    """What a tree stores: anything that names the values a path gave its template."""

    def matches(self, values: list[Any]) -> dict[str, Any]:
        """The values by variable name, from the values found in order."""
        ...


R = TypeVar("R", bound=Stored)


@final
@dataclass(slots=True, eq=False)
class Node(Generic[R]):
    """One path prefix: its children, and the routes that end here."""

    literals: dict[str, Node[R]] = field(default_factory=dict)
    variables: list[tuple[Converter, Node[R]]] = field(default_factory=list)
    rest: Node[R] | None = None
    routes: dict[str, R] = field(default_factory=dict)

    def child(self, segment: str | Variable) -> Node[R]:
        """The child for ``segment``, made if missing."""
        if isinstance(segment, str):
            return self.literals.setdefault(segment, Node())
        if segment.is_rest:
            if self.rest is None:
                self.rest = Node()
            return self.rest
        for converter, node in self.variables:
            if converter is segment.converter:
                return node
        node = Node[R]()
        self.variables.append((segment.converter, node))
        return node


@final
@dataclass(frozen=True, slots=True)
class ConversionFailure:
    """A segment that fitted a variable's place but not its type."""

    position: int  # in the template's segments: 0 for the one after the leading '/'
    segment: str
    converter: Converter
    error: ValueError


@final
class Tree(Generic[R]):
    """Routes stored by template, found by path."""

    __slots__ = ("root", "static")

    def __init__(self) -> None:
        self.root: Node[R] = Node()
        # The routes of templates without variables, by their text: a path that is one
        # of them is found by one dict lookup, before any walk.
        self.static: dict[str, dict[str, R]] = {}

    def leaf(self, template: Template) -> Node[R]:
        """The node where ``template`` ends, made if missing."""
        node = self.root
        for segment in template.segments:
            node = node.child(segment)
        if template.is_static:
            self.static[template.text] = node.routes
        return node

    def find(
        self, path: str, key: str, alternative: str, unindexed: bool = False
    ) -> tuple[R | None, dict[str, Any], dict[str, R] | None]:
        """The first route for ``key`` (else ``alternative``) on ``path``, and its matches.

        When there is none, also gives the routes of every node the path reached,
        whatever their keys (merged, the first reached winning a key), so a caller can
        tell "no such path" (``None``) from "not for this key" and list every key the
        path takes. A path that does not start with ``/`` reaches nothing.
        ``unindexed``: the caller has found ``path`` missing from ``static`` already,
        so it is not looked up there again.
        """
        if not unindexed:
            static = self.static.get(path)
            if static is not None:
                route = static.get(key) or static.get(alternative)
                if route is not None:
                    return route, {}, None
        segments = path.split("/")  # segments[0] is what comes before the leading '/'
        if segments[0]:
            return None, {}, None
        # Down through the nodes that have only literal children, as _search would go,
        # before any list is made: most paths no route has leave the tree here.
        node, index, end = self.root, 1, len(segments)
        while index < end and not node.variables and node.rest is None:
            child = node.literals.get(segments[index])
            if child is None:
                return None, {}, None
            node, index = child, index + 1
        values: list[Any] = []
        reached: list[dict[str, R]] = []
        route = _search(node, segments, index, key, alternative, values, reached)
        if route is not None:
            return route, route.matches(values), None
        if not reached:
            return None, {}, None
        merged: dict[str, R] = {}
        for routes in reversed(reached):
            merged.update(routes)
        return None, {}, merged

    def explain(self, path: str) -> tuple[dict[str, R], list[ConversionFailure]] | None:
        """The first routes whose template fits ``path`` once conversions are ignored.

        Called only after :meth:`find` missed: gives those routes and the segments
        that failed to convert, or ``None`` when no template has the path's shape.
        """
        segments = path.split("/")
        if segments[0]:
            return None
        failures: list[ConversionFailure] = []
        routes = _explain(self.root, segments, 1, failures)
        return (routes, failures) if routes is not None else None


def _search(
    node: Node[R],
    segments: list[str],
    index: int,
    key: str,
    alternative: str,
    values: list[Any],
    reached: list[dict[str, R]],
) -> R | None:
    # Down through nodes that have only literal children, the one child that fits is
    # the only way on, so the walk follows it here; it recurses only from nodes it may
    # have to come back to, to try the next candidate.
    while index < len(segments) and not node.variables and node.rest is None:
        child = node.literals.get(segments[index])
        if child is None:
            return None
        node, index = child, index + 1
    if index == len(segments):
        routes = node.routes
        if not routes:
            return None
        route = routes.get(key) or routes.get(alternative)
        if route is None:
            reached.append(routes)
        return route
    segment = segments[index]
    child = node.literals.get(segment)
    if child is not None:
        route = _search(child, segments, index + 1, key, alternative, values, reached)
        if route is not None:
            return route
    if segment:
        for converter, child in node.variables:
            convert = converter.convert
            if convert is None:
                values.append(segment)
            else:
                try:
                    values.append(convert(segment))
                except ValueError:
                    continue
            route = _search(child, segments, index + 1, key, alternative, values, reached)
            if route is not None:
                return route
            values.pop()
    if node.rest is not None:
        values.append("/".join(segments[index:]))
        route = _search(node.rest, segments, len(segments), key, alternative, values, reached)
        if route is not None:
            return route
        values.pop()
    return None


def _explain(
    node: Node[R], segments: list[str], index: int, failures: list[ConversionFailure]
) -> dict[str, R] | None:
    if index == len(segments):
        return node.routes if node.routes and failures else None
    segment = segments[index]
    child = node.literals.get(segment)
    if child is not None:
        routes = _explain(child, segments, index + 1, failures)
        if routes is not None:
            return routes
    if segment:
        for converter, child in node.variables:
            convert = converter.convert
            failure = None
            if convert is not None:
                try:
                    convert(segment)
                except ValueError as error:
                    failure = ConversionFailure(index - 1, segment, converter, error)
                    failures.append(failure)
            routes = _explain(child, segments, index + 1, failures)
            if routes is not None:
                return routes
            if failure is not None:
                failures.pop()
    return None
