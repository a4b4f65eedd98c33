"""Routes by path template: what the HTTP and WebSocket routers share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, final

from ..errors import TemplateError
from .converters import ConverterRegistry
from .template import Template, parse
from .tree import Tree
from .typed_matches import check_matches, declared_matches

H = TypeVar("H")

TrailingSlash = Literal["strict", "lenient", "redirect"]
"""How a router treats a trailing slash.

``strict``: ``/foo`` and ``/foo/`` are different routes. ``lenient``: either path
reaches the route, whichever form it was added with. ``redirect``: a request for the
other form is redirected (308) to the form that was added.
"""

_TRAILING_SLASH_CHOICES = ("strict", "lenient", "redirect")
_UNKNOWN = object()


@final
@dataclass(frozen=True, slots=True)
class Route(Generic[H]):
    """A handler routed on a template: what resolution finds."""

    template: Template
    handler: H
    name: str | None
    names: tuple[str, ...]  # the template's variable names, in order
    text: str  # the template's text, as the scope's ``route_template`` gives it

    def matches(self, values: list[Any]) -> dict[str, Any]:
        """The route's variables by name, from the values found in order."""
        names = self.names
        if len(names) == 1:  # the usual case, without building a zip
            return {names[0]: values[0]}
        return dict(zip(names, values))


class TreeRouter(Generic[H]):
    """Templates stored in a :class:`~bareasgi.routing.tree.Tree`, with names for ``url_for``."""

    def __init__(
        self,
        converters: ConverterRegistry | None = None,
        *,
        trailing_slash: TrailingSlash = "strict",
    ) -> None:
        if trailing_slash not in _TRAILING_SLASH_CHOICES:
            raise ValueError(
                f"trailing_slash must be one of {', '.join(_TRAILING_SLASH_CHOICES)}, "
                f"not {trailing_slash!r}"
            )
        self.converters: ConverterRegistry = (
            converters if converters is not None else ConverterRegistry()
        )
        self.trailing_slash: TrailingSlash = trailing_slash
        self._tree: Tree[Route[H]] = Tree()
        self._named: dict[str, Route[H]] = {}
        # The TypedDict each handler declares for its matches (None: none), read once.
        self._declared: dict[H, type | None | object] = {}
        # The handlers whose signature has been checked: one routed on many templates
        # is inspected once.
        self._checked: set[object] = set()
        # The templates each handler is routed on (by their text), for route_of().
        self._templates: dict[object, dict[str, Template]] = {}
        # How a path is found (as by Tree.find), chosen once by the policy.
        self._find = self._find_lenient if trailing_slash == "lenient" else self._tree.find

    def _check_once(self, handler: object, check: Callable[[], None]) -> None:
        """Run ``check`` (which raises for a bad ``handler``) unless it passed for it before."""
        try:
            if handler in self._checked:
                return
        except TypeError:  # a handler that cannot be hashed: checked every time
            check()
            return
        check()
        self._checked.add(handler)

    def _add(self, keys: list[str], path: str, handler: H, name: str | None) -> None:
        lenient = self.trailing_slash == "lenient"  # stored without the trailing slash
        template = parse(path, self.converters, drop_trailing_slash=lenient)
        declared = self._declared.get(handler, _UNKNOWN)
        if declared is _UNKNOWN:
            declared = self._declared[handler] = declared_matches(handler)
        if isinstance(declared, type):
            check_matches(template, declared)
        if name is not None and name in self._named:
            raise TemplateError(
                f"{path!r}: route name {name!r} is already used by {self._named[name].template.text!r}"
            )
        routes = self._tree.leaf(template).routes
        for key in keys:
            if key in routes:
                raise TemplateError(
                    f"{path!r}: {key} is already routed on {routes[key].template.text!r}"
                )
        names = tuple(variable.name for variable in template.variables)
        route = Route(template, handler, name, names, template.text)
        for key in keys:
            routes[key] = route
        if name is not None:
            self._named[name] = route
        self._templates.setdefault(handler, {})[template.text] = template

    def template_of(self, handler: object) -> Template | None:
        """The template ``handler`` is routed on; ``None`` if it is not routed here.

        Raises ``ValueError`` for a handler routed on more than one template, which
        one handler cannot tell apart: ``url_for`` with a route name can.
        """
        templates = list(self._templates.get(handler, {}).values())
        if len(templates) > 1:
            raise ValueError(
                f"{getattr(handler, '__qualname__', handler)!r} is routed on "
                f"{', '.join(repr(t.text) for t in templates)}: name the routes (add(..., "
                "name=...)) and use url_for() to choose one"
            )
        return templates[0] if templates else None

    def _find_lenient(
        self, path: str, key: str, alternative: str, unindexed: bool = False
    ) -> tuple[Route[H] | None, dict[str, Any], dict[str, Route[H]] | None]:
        """``Tree.find`` on the path without its trailing slash, then with it.

        ``unindexed`` is ignored: it is about the path as given, not without its slash.
        """
        path = without_trailing_slash(path)
        found = self._tree.find(path, key, alternative)
        if found[0] is not None or path == "/":
            return found
        # Templates are stored without a trailing slash, so the slashed form can only
        # reach a `path` catch-all, with an empty rest: '/files' and '/files/' both
        # reach '/files/{rest:path}', as '/files/' does when trailing slashes are strict.
        again = self._tree.find(path + "/", key, alternative)
        return again if again[0] is not None or found[2] is None else found

    def url_for(self, name: str, /, **values: Any) -> str:
        """The percent-encoded path of the route called ``name``, with ``values`` filled in.

        Each value is written so that resolving the path gives the same value back;
        a missing, extra or unconvertible value raises ``ValueError`` naming it.
        """
        route = self._named.get(name)
        if route is None:
            raise KeyError(f"no route is named {name!r} (named: {', '.join(sorted(self._named))})")
        return route.template.build(values)


def without_trailing_slash(path: str) -> str:
    """``/foo`` for ``/foo/`` and for ``/foo``; the root stays as it is."""
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


def toggle_trailing_slash(path: str) -> str:
    """``/foo`` for ``/foo/`` and the reverse; the root stays as it is."""
    if path == "/":
        return path
    return path[:-1] if path.endswith("/") else path + "/"
