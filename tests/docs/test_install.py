"""docs/getting-started.md's install recipe, followed in a fresh environment outside the clone.

The scratch environment borrows this one's dependencies (pydantic, anyio, ...) through
a ``.pth`` file, so only bareasgi itself is installed, as the recipe says: a few
seconds rather than a download of everything.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
RECIPE = re.compile(r"^pip install (?P<args>-e 'path/to/bareasgi\[.*)$", re.MULTILINE)
APP = '''\
from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches

app = Application()


@app.on_http_request({"GET"}, "/")
async def home(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204
'''


def recipe_options() -> list[str]:
    """The recipe's pip options, bareasgi given as this clone and without its extras."""
    found = RECIPE.search((ROOT / "docs" / "getting-started.md").read_text())
    assert found, "docs/getting-started.md: no `pip install -e 'path/to/bareasgi[...]'` line"
    options: list[str] = []
    words = iter(shlex.split(found["args"]))
    for word in words:
        if word == "-e":
            options += ["-e", str(ROOT)]
            assert next(words).startswith("path/to/bareasgi[")
        elif word.startswith("--"):
            options += [word, next(words)]  # the recipe's options all take a value
        # other words are packages (pytest, mypy): this environment has them already
    return options


@pytest.mark.timeout(120)
def test_mypy_strict_finds_bareasgi_installed_as_the_guide_says(tmp_path: Path) -> None:
    scratch = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(scratch)], check=True, timeout=60)
    python = scratch / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=30,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", *recipe_options()],
        cwd=tmp_path, capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr

    project = tmp_path / "project"
    project.mkdir()
    (project / "myapp.py").write_text(APP)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable", str(python), "myapp.py"],
        cwd=project, capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
