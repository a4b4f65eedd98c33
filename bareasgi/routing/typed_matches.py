"""Typed matches: a handler's TypedDict for its route's variables, checked against the template.

A handler may declare ``matches: UserMatches`` with ``class UserMatches(TypedDict): id:
int``, so that a type checker knows what ``matches['id']`` is. Nothing static links
that TypedDict to the template the handler is routed on, so the router checks it when
the route is added: every variable of the template must be a key of the TypedDict of a
type its values fit, and every required key must be a variable.
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Annotated, Any, Union

import typing_extensions
from typing_extensions import is_typeddict

from ..errors import TemplateError
from .template import Template


def declared_matches(handler: object) -> type | None:
    """The TypedDict a handler declares for its third parameter, ``matches``; else ``None``.

    Annotations that cannot be resolved (a TypedDict defined inside a function, named
    in a string annotation) cannot be checked, and count as no declaration.
    """
    function = inspect.unwrap(handler)  # type: ignore[arg-type]  # any callable: unwrap reads attributes only
    if not (inspect.isfunction(function) or inspect.ismethod(function)):
        function = getattr(function, "__call__", None)
        if function is None:
            return None
    try:
        parameters = list(inspect.signature(function).parameters.values())
        hints = typing.get_type_hints(function, include_extras=True)
    except (NameError, TypeError, ValueError):
        return None
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) < 3:
        return None
    declared = _strip(hints.get(positional[2].name))
    return declared if isinstance(declared, type) and is_typeddict(declared) else None


def check_matches(template: Template, declared: type) -> None:
    """Raise :class:`TemplateError` naming each way ``template`` and ``declared`` disagree."""
    wanted, required = _keys(declared)
    given = {variable.name: variable.converter.value_type for variable in template.variables}
    faults = []
    for name, value_type in given.items():
        if name not in wanted:
            faults.append(f"gives {name}: {_name(value_type)}, {declared.__name__} has no {name!r}")
        elif not _fits(value_type, wanted[name]):
            faults.append(
                f"gives {name}: {_name(value_type)}, {declared.__name__} wants {_name(wanted[name])}"
            )
    for name in sorted(required - given.keys()):
        faults.append(f"has no {name!r}, which {declared.__name__} requires")
    if faults:
        raise TemplateError(f"{template.text!r} " + "; ".join(faults))


def _keys(declared: type) -> tuple[dict[str, object], set[str]]:
    """A TypedDict's value type by key, and its required keys.

    Read from the annotations rather than ``__required_keys__``, which Python before
    3.12 gets wrong when annotations are strings (``from __future__ import annotations``).
    """
    wanted: dict[str, object] = {}
    required: set[str] = set()
    total = getattr(declared, "__total__", True)
    for key, hint in typing.get_type_hints(declared, include_extras=True).items():
        origin = typing.get_origin(hint)
        if origin in _NOT_REQUIRED or origin in _REQUIRED:
            hint = typing.get_args(hint)[0]
        if origin in _REQUIRED or (total and origin not in _NOT_REQUIRED):
            required.add(key)
        wanted[key] = hint
    return wanted, required


_REQUIRED = {typing_extensions.Required, getattr(typing, "Required", None)} - {None}
_NOT_REQUIRED = {typing_extensions.NotRequired, getattr(typing, "NotRequired", None)} - {None}


def _strip(annotation: object) -> object:
    """The type under any ``Annotated[...]``."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _fits(given: object, wanted: object) -> bool:
    """Whether every value of ``given`` is a value of ``wanted``, as far as can be told."""
    given_type, wanted_type = _strip(given), _strip(wanted)
    if wanted_type in (Any, object) or given_type == wanted_type:
        return True
    if typing.get_origin(wanted_type) in (Union, types.UnionType):
        return any(_fits(given_type, member) for member in typing.get_args(wanted_type))
    if isinstance(given_type, type) and isinstance(wanted_type, type):
        return issubclass(given_type, wanted_type)
    return False


def _name(annotation: object) -> str:
    stripped = _strip(annotation)
    if isinstance(stripped, type):
        return stripped.__name__
    return repr(stripped).replace("typing.", "")
