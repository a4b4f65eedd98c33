"""Every module in ``examples/`` is runnable and has tests of its own here."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from bareasgi import Application

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = sorted(path.stem for path in (ROOT / "examples").glob("*.py") if path.stem != "__init__")
TESTS = "\n".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py"))


def test_the_examples_are_found() -> None:
    assert {"simple", "rest", "websocket_echo", "demo", "chat", "http2"} <= set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_serves_an_app_and_runs_as_a_module(name: str) -> None:
    module = importlib.import_module(f"examples.{name}")
    assert isinstance(module.app, Application)
    assert module.__doc__ and "Run it with" in module.__doc__, "say how to run it"
    tree = ast.parse((ROOT / "examples" / f"{name}.py").read_text())
    guards = [node for node in tree.body if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)]
    assert guards, f"examples/{name}.py has no `if __name__ == '__main__':`"


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_has_tests(name: str) -> None:
    imported = re.search(rf"from examples(\.{name})? import .*\b{name}\b|from examples\.{name} import", TESTS)
    assert imported, f"no test in tests/examples imports examples.{name}"
