"""Typed matches: a handler's TypedDict for its route's variables, checked against the template.

A handler may declare ``matches: UserMatches`` with ``class UserMatches(TypedDict): id:
int``, so that a type checker knows what ``matches['id']`` is. Nothing static links
that TypedDict to the template the handler is routed on, so the router checks it when
the route is added: every variable of the template must be a key of the TypedDict of a
type its values fit, and every required key must be a variable.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import importlib.util
import inspect
import os
import sys
import types
import typing
import warnings
from collections.abc import Callable
from typing import Annotated, Any, Union

import typing_extensions
from typing_extensions import is_typeddict

from ..asgi import HttpScope, WebSocketScope
from ..errors import TemplateError, UncheckedMatchesWarning
from ..types import Content, WebSocket
from .template import Template

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _caller_stacklevel() -> int:
    """The ``stacklevel`` of the first caller outside bareasgi: the user's add() or decorator."""
    here = inspect.currentframe()
    frame = here.f_back if here is not None else None  # the function that warns: level 1
    level = 1
    while frame is not None and frame.f_back is not None:
        if not os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE + os.sep):
            break
        level, frame = level + 1, frame.f_back
    return level


class Unresolved(Exception):
    """An annotation whose names cannot be found; the message says which and why."""


def declared_matches(handler: object) -> type | None:
    """The TypedDict a handler declares for its third parameter, ``matches``; else ``None``.

    Only that one annotation is read, so other annotations that cannot be resolved do
    not matter. A name imported under ``if TYPE_CHECKING:`` is found by that import.
    An annotation that still cannot be resolved (a TypedDict defined inside a
    function, named in a string annotation) cannot be checked: that is said with an
    :class:`~bareasgi.errors.UncheckedMatchesWarning` naming the handler, and the
    route is added unchecked.
    """
    try:
        declared = _strip(parameter_annotation(handler, 2))
    except Unresolved as error:
        warnings.warn(
            f"handler {_describe(handler)}: the type of its matches cannot be checked against "
            f"the template: {error}. Define the TypedDict at module level (imported at run "
            "time or under 'if TYPE_CHECKING:'), or annotate matches as RouteMatches",
            UncheckedMatchesWarning,
            stacklevel=_caller_stacklevel(),
        )
        return None
    return declared if isinstance(declared, type) and is_typeddict(declared) else None


_MISSING: Any = inspect.Parameter.empty


def parameter_annotation(handler: object, position: int) -> object:
    """The resolved annotation of a handler's positional parameter at ``position``.

    ``inspect.Parameter.empty`` when there is no such parameter or it is not
    annotated; raises :class:`Unresolved` when the annotation names what cannot be
    found.
    """
    function = _function_of(handler)
    if function is None:
        return _MISSING
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return _MISSING
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) <= position:
        return _MISSING
    annotation: object = positional[position].annotation
    if not isinstance(annotation, str):
        return annotation
    return _evaluate(annotation, function)


def _function_of(handler: object) -> Callable[..., object] | None:
    """The function whose signature a handler has: itself, or its ``__call__``."""
    target = inspect.unwrap(handler) if callable(handler) else handler
    if inspect.isfunction(target) or inspect.ismethod(target):
        return target
    call: object = getattr(target, "__call__", None)  # the bound method, for its signature
    return call if inspect.ismethod(call) else None


def _describe(handler: object) -> str:
    target = inspect.unwrap(handler) if callable(handler) else handler
    name = getattr(target, "__qualname__", None) or type(target).__qualname__
    return f"{name!r} (in {getattr(target, '__module__', '?')})"


def _evaluate(text: str, function: Callable[..., object]) -> object:
    """``text`` evaluated where ``function`` was defined, or by its TYPE_CHECKING imports."""
    code_function = getattr(function, "__func__", function)
    namespace: dict[str, object] = dict(vars(builtins))
    namespace.update(getattr(code_function, "__globals__", {}))
    try:
        namespace.update(inspect.getclosurevars(code_function).nonlocals)
    except (TypeError, ValueError):
        pass
    expression = _parse(text)
    wanted = {node.id for node in ast.walk(expression) if isinstance(node, ast.Name)}
    missing = sorted(wanted - namespace.keys())
    if missing:
        guarded = _type_checking_imports(getattr(code_function, "__module__", ""))
        for name in missing:
            if name in guarded:
                namespace[name] = _import(*guarded[name], name=name)
    still = [name for name in missing if name not in namespace]
    if still:
        raise Unresolved(
            f"{', '.join(map(repr, still))} in the annotation {text!r} is not defined at "
            "module level, nor imported under 'if TYPE_CHECKING:'"
        )
    try:
        # The handler's own annotation, evaluated among its own module's names.
        return eval(compile(expression, "<annotation>", "eval"), namespace)
    except Exception as error:
        raise Unresolved(f"the annotation {text!r} cannot be evaluated: {error!r}") from None


def _parse(text: str) -> ast.Expression:
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError:
        raise Unresolved(f"the annotation {text!r} is not an expression") from None


def _import(module: str, attribute: str | None, *, name: str) -> object:
    """``import module`` (``attribute`` None) or ``from module import attribute``."""
    try:
        imported = importlib.import_module(module)
        return imported if attribute is None else getattr(imported, attribute)
    except Exception as error:
        raise Unresolved(
            f"{name!r} is imported under 'if TYPE_CHECKING:' from {module!r}, which "
            f"cannot be imported now: {error!r}"
        ) from None


@functools.lru_cache(maxsize=None)
def _type_checking_imports(module_name: str) -> dict[str, tuple[str, str | None]]:
    """The names a module imports under ``if TYPE_CHECKING:``: module and attribute by name.

    ``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``.
    """
    module = sys.modules.get(module_name)
    try:
        source = inspect.getsource(module) if module is not None else ""
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return {}
    package = getattr(module, "__package__", None) or ""
    found: dict[str, tuple[str, str | None]] = {}
    for statement in tree.body:
        if not (isinstance(statement, ast.If) and _is_type_checking(statement.test)):
            continue
        for node in statement.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        found[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.partition(".")[0]
                        found[top] = (top, None)
            elif isinstance(node, ast.ImportFrom):
                try:
                    base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                except (ImportError, ValueError):
                    continue
                for alias in node.names:
                    found[alias.asname or alias.name] = (base, alias.name)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (any module's)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def check_matches(template: Template, declared: type) -> None:
    """Raise :class:`TemplateError` naming each way ``template`` and ``declared`` disagree."""
    wanted, required = _keys(declared)
    given = {variable.name: variable.converter.value_type for variable in template.variables}
    faults: list[str] = []
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
    if wanted_type is Any or wanted_type is object or given_type == wanted_type:
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


def require_handler_kind(role: str, handler: object, kind: typing.Literal["http", "websocket"]) -> None:
    """Raise ``TypeError`` when a handler's annotations show it is for the other router.

    HTTP and WebSocket handlers both take four parameters, so only their annotations
    tell them apart: a scope or fourth parameter annotated with the other kind's type.
    Annotations that cannot be resolved are not held against the handler.
    """
    scope, last = _quiet_annotation(handler, 0), _quiet_annotation(handler, 3)
    if kind == "http" and (scope is WebSocketScope or last is WebSocket):
        raise TypeError(
            f"{role} {_describe(handler)} is a WebSocket handler (it takes a "
            f"{'WebSocketScope' if scope is WebSocketScope else 'WebSocket'}): route it "
            "with app.ws_router.add() or @app.on_ws_request()"
        )
    if kind == "websocket" and (scope is HttpScope or last == Content):
        raise TypeError(
            f"{role} {_describe(handler)} is an HTTP handler (it takes "
            f"{'an HttpScope' if scope is HttpScope else 'a request body, Content'}): route it "
            "with app.http_router.add() or @app.on_http_request()"
        )


def _quiet_annotation(handler: object, position: int) -> object:
    try:
        return _strip(parameter_annotation(handler, position))
    except Unresolved:
        return _MISSING
