"""The types hold for downstream code: mypy --strict and basedpyright strict accept what
is right, and refuse each mistake on the line that makes it.

A failing module marks each mistake with a comment at the end of its line:

- ``# E: <part of mypy's message>``: mypy reports an error there containing that text,
  and basedpyright reports an error there too;
- ``# E[mypy]: <text>`` or ``# E[pyright]: <text>``: only that checker is held to it
  (for the few mistakes only one of them can see), the text matched against its message.

Neither checker may report an error on a line that is not marked. The package itself
is held to basedpyright's ``--verifytypes``: every public symbol fully typed and
documented.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from mypy import api as mypy_api

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
PASSING = HERE / "passing"
FAILING = HERE / "failing"
MARK = re.compile(r"#\s*E(?:\[(?P<checker>mypy|pyright)\])?:\s*(?P<text>.+?)\s*$")
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


def expected_errors(path: Path, checker: str) -> dict[int, str]:
    """The lines of a failing module marked for ``checker``, and the text its error must contain.

    For pyright, a plain ``# E:`` mark (whose text is mypy's) asks for any error.
    """
    marks = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        found = MARK.search(line)
        if found is None or found["checker"] not in (None, checker):
            continue
        marks[number] = found["text"] if found["checker"] == checker or checker == "mypy" else ""
    return marks


def basedpyright(*arguments: str) -> dict[str, Any]:
    """basedpyright's JSON report, run with this interpreter's packages and the checkout's."""
    executable = shutil.which("basedpyright", path=str(Path(sys.executable).parent))
    assert executable is not None, "basedpyright is part of the test extra"
    environment = {
        **os.environ,
        # bareasgi is installed in editable mode, through an import hook that pyright
        # does not follow: it finds the checkout on PYTHONPATH instead.
        "PYTHONPATH": str(ROOT),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    completed = subprocess.run(
        [executable, "--outputjson", "--pythonpath", sys.executable, *arguments],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=environment,
        cwd=ROOT,
    )
    assert completed.stdout.strip(), completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def pyright_errors(report: dict[str, Any]) -> dict[tuple[str, int], list[str]]:
    """The errors of a basedpyright report, by file name and line."""
    errors: dict[tuple[str, int], list[str]] = defaultdict(list)
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            line = diagnostic["range"]["start"]["line"] + 1
            errors[(Path(diagnostic["file"]).name, line)].append(diagnostic["message"])
    return errors


def check_marks(
    module: Path, checker: str, errors: dict[tuple[str, int], list[str]]
) -> None:
    """Every marked line of ``module`` has its error from ``checker``, and no other line has one."""
    expected = expected_errors(module, checker)
    found = {line: messages for (name, line), messages in errors.items() if name == module.name}
    missed = {
        line: text
        for line, text in expected.items()
        if not any(text in message for message in found.get(line, []))
    }
    assert missed == {}, "\n".join(
        f"{module.name}:{line}: {checker} should report an error containing {text!r}, "
        f"got {found.get(line)}"
        for line, text in missed.items()
    )
    unexpected = {line: messages for line, messages in found.items() if line not in expected}
    assert unexpected == {}, f"{checker} reports errors on unmarked lines of {module.name}"


def test_mypy_strict_accepts_the_passing_modules() -> None:
    errors = run_mypy(*sorted(PASSING.glob("*.py")))
    assert dict(errors) == {}


FAILING_MODULES = sorted(path for path in FAILING.glob("*.py") if path.name != "__init__.py")


@pytest.fixture(scope="module")
def failing_errors() -> dict[tuple[str, int], list[str]]:
    return run_mypy(*FAILING_MODULES)


@pytest.fixture(scope="module")
def failing_pyright_errors() -> dict[tuple[str, int], list[str]]:
    report = basedpyright("-p", str(HERE / "pyrightconfig.json"), *map(str, FAILING_MODULES))
    return pyright_errors(report)


@pytest.mark.parametrize("module", FAILING_MODULES, ids=[path.stem for path in FAILING_MODULES])
def test_mypy_strict_refuses_each_marked_mistake(
    module: Path, failing_errors: dict[tuple[str, int], list[str]]
) -> None:
    assert expected_errors(module, "mypy"), f"{module.name} marks no line"
    check_marks(module, "mypy", failing_errors)


@pytest.mark.parametrize("module", FAILING_MODULES, ids=[path.stem for path in FAILING_MODULES])
def test_basedpyright_strict_refuses_each_marked_mistake(
    module: Path, failing_pyright_errors: dict[tuple[str, int], list[str]]
) -> None:
    check_marks(module, "pyright", failing_pyright_errors)


def test_basedpyright_strict_accepts_the_passing_modules() -> None:
    report = basedpyright("-p", str(HERE / "pyrightconfig.json"))
    problems = [
        f"{name}:{line}: {message}"
        for (name, line), messages in pyright_errors(report).items()
        for message in messages
    ]
    assert problems == []
    assert report["summary"]["filesAnalyzed"] >= len(list(PASSING.glob("*.py")))


def test_every_public_symbol_is_known_and_documented_to_pyright() -> None:
    # What an IDE or a strict pyright run of a user's code sees of bareasgi: a symbol
    # of unknown or ambiguous type (an unannotated attribute, a string alias pyright
    # cannot read), or without a docstring, is listed here with the reason.
    report = basedpyright("--verifytypes", "bareasgi", "--ignoreexternal")
    completeness = report["typeCompleteness"]
    problems = [
        f"{symbol['name']}: {diagnostic['message']}"
        for symbol in completeness["symbols"]
        for diagnostic in symbol["diagnostics"]
    ]
    assert problems == []
    assert completeness["completenessScore"] == 1
    assert completeness["exportedSymbolCounts"]["withKnownType"] > 100  # bareasgi was found
