"""The types hold for downstream code: mypy --strict and basedpyright accept what is
right, and mypy refuses each mistake on the line marked ``# E: <part of the message>``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from mypy import api as mypy_api

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
PASSING = HERE / "passing"
FAILING = HERE / "failing"
MARK = re.compile(r"#\s*E:\s*(.+?)\s*$")
ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")


def run_mypy(*paths: Path) -> dict[tuple[str, int], list[str]]:
    """mypy --strict (the project's mypy.ini) on ``paths``: error messages by file and line."""
    stdout, stderr, _ = mypy_api.run(
        [
            "--config-file", str(ROOT / "mypy.ini"),
            "--no-error-summary", "--show-absolute-path", "--hide-error-context",
            *map(str, paths),
        ]
    )  # fmt: skip
    assert not stderr, stderr
    errors: dict[tuple[str, int], list[str]] = defaultdict(list)
    for line in stdout.splitlines():
        found = ERROR.match(line)
        if found:
            errors[(Path(found["path"]).name, int(found["line"]))].append(found["message"])
    return errors


def expected_errors(path: Path) -> dict[int, str]:
    """The marked lines of a failing module and the text each error must contain."""
    marks = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        found = MARK.search(line)
        if found:
            marks[number] = found[1]
    return marks


def test_mypy_strict_accepts_the_passing_modules() -> None:
    errors = run_mypy(*sorted(PASSING.glob("*.py")))
    assert dict(errors) == {}


FAILING_MODULES = sorted(path for path in FAILING.glob("*.py") if path.name != "__init__.py")


@pytest.fixture(scope="module")
def failing_errors() -> dict[tuple[str, int], list[str]]:
    return run_mypy(*FAILING_MODULES)


@pytest.mark.parametrize("module", FAILING_MODULES, ids=[path.stem for path in FAILING_MODULES])
def test_mypy_strict_refuses_each_marked_mistake(
    module: Path, failing_errors: dict[tuple[str, int], list[str]]
) -> None:
    expected = expected_errors(module)
    assert expected, f"{module.name} marks no line"
    found = {line: messages for (name, line), messages in failing_errors.items() if name == module.name}
    for line, text in expected.items():
        assert any(text in message for message in found.get(line, [])), (
            f"{module.name}:{line}: expected an error containing {text!r}, got {found.get(line)}"
        )
    unexpected = {line: messages for line, messages in found.items() if line not in expected}
    assert unexpected == {}


def test_basedpyright_strict_accepts_the_passing_modules() -> None:
    executable = shutil.which("basedpyright", path=str(Path(sys.executable).parent))
    assert executable is not None, "basedpyright is part of the test extra"
    completed = subprocess.run(
        [executable, "--outputjson", "-p", str(HERE / "pyrightconfig.json"), "--pythonpath", sys.executable],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(completed.stdout)
    problems = [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    assert problems == []
    assert report["summary"]["filesAnalyzed"] >= len(list(PASSING.glob("*.py")))
