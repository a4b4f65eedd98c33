"""Route handles: a route found by its handler, whose URL is checked against its matches type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, final

from typing_extensions import TypeVar

from .template import Template

RouteMatchesT = TypeVar("RouteMatchesT", bound=Mapping[str, object])
"""The type of a route's matches, as its handler declares them."""


@final
class RouteHandle(Generic[RouteMatchesT]):
    """A route, got from its handler with :meth:`bareasgi.Application.route_of`.

    It is typed with the handler's ``matches``, so that a type checker checks the
    values given to :meth:`url` as it checks the handler's use of them: a wrong key,
    a missing one or a value of the wrong type is a type error, not a ``ValueError``
    at the first request.

    >>> app.route_of(get_book).url({'slug': 'dune'})  # doctest: +SKIP
    '/books/dune'
    """

    __slots__ = ("_template",)

    def __init__(self, template: Template) -> None:
        self._template = template

    @property
    def template(self) -> str:
        """The route's path template, as it was added."""
        return self._template.text

    def url(self, matches: RouteMatchesT, /) -> str:
        """The percent-encoded path of the route for ``matches``, which resolves back to them.

        Raises ``ValueError`` naming the variable for a value that is missing, extra,
        or cannot be written into the path (for code the type checker did not see).
        """
        return self._template.build(dict(matches))

    def __repr__(self) -> str:
        return f"RouteHandle({self._template.text!r})"
