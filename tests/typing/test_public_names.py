"""Every public name is exported and documented, so an IDE shows it on hover."""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import pytest

import bareasgi

PROMISED = [
    "Application", "mw", "HttpError",
    "text_reader", "text_writer", "bytes_reader", "bytes_writer",
    "text_response", "json_response", "bytes_response",
    "Scope", "Info", "RouteMatches", "Content", "Header", "Headers",
    "HttpResponse", "PushResponse", "PushResponses", "Message", "Receive", "Send",
    "HttpRequestCallback", "HttpMiddlewareCallback", "WebSocketRequestCallback",
    "LifespanHandler", "WebSocket", "HttpRouter", "WebSocketRouter",
]  # fmt: skip


def documented_aliases() -> dict[str, str]:
    """Module-level assignments followed by a docstring, in the package's modules."""
    found: dict[str, str] = {}
    package = Path(bareasgi.__file__).parent
    for path in package.rglob("*.py"):
        body = ast.parse(path.read_text()).body
        for statement, following in zip(body, body[1:]):
            target = None
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                target = statement.target.id
            elif isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
                target = statement.targets[0].id
            if (
                target
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                found[target] = following.value.value
    return found


def test_every_promised_name_is_exported() -> None:
    assert [name for name in PROMISED if name not in bareasgi.__all__] == []
    assert sorted(bareasgi.__all__) == sorted(set(bareasgi.__all__))
    assert all(hasattr(bareasgi, name) for name in bareasgi.__all__)


@pytest.mark.parametrize("name", sorted(bareasgi.__all__))
def test_every_public_name_has_a_docstring(name: str) -> None:
    # An alias is documented by the string after its assignment. Its value may be a
    # generic alias that Python 3.10 reports as a class, so aliases are looked up first.
    value = getattr(bareasgi, name)
    doc = documented_aliases().get(name)
    if doc is None and str(getattr(value, "__module__", "")).startswith("bareasgi"):
        doc = inspect.getdoc(value)
    assert doc and doc.strip(), f"{name} has no docstring"


def test_the_package_is_typed() -> None:
    assert (Path(bareasgi.__file__).parent / "py.typed").exists()
    assert sys.modules["bareasgi.types"].__doc__
