"""The user guide: it builds with ``mkdocs build --strict``, its code is checked, its links hold.

See :mod:`tests.docs.blocks` for how each kind of Python block is checked.
"""

from __future__ import annotations

import html
import importlib
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
import uvicorn
from mypy import api as mypy_api

from .blocks import Block, blocks, is_excerpt

ROOT = Path(__file__).parent.parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
PYTHON = [block for page in PAGES for block in blocks(page) if block.language == "python"]
EXCERPTS = [block for block in PYTHON if block.example]
SNIPPETS = [block for block in PYTHON if not block.example]
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*$", re.MULTILINE)


def module_name(block: Block) -> str:
    """The module a block is written as: its title, or a name from where it is."""
    if block.title:
        return block.title.removesuffix(".py")
    return f"snippet_{block.path.stem.replace('-', '_').lower()}_{block.line}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once with ``mkdocs build --strict`` (the docs extra's pins hold on 3.10 too)."""
    site_dir = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(site_dir)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    return site_dir


def test_the_site_builds_strictly(site: Path) -> None:
    """Broken links, unknown pages, missing anchors and API names that do not resolve all fail."""
    assert (site / "reference" / "index.html").is_file()


def signatures(page: Path) -> list[str]:
    """The text of each signature box on a built page."""
    boxes = re.findall(r'<div class="doc-signature highlight"><pre>(.*?)</pre>', page.read_text(), re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", box)) for box in boxes]


def test_the_reference_shows_formatted_signatures_with_public_types(site: Path) -> None:
    shown = signatures(site / "reference" / "index.html")
    decorator = next(box for box in shown if box.startswith("on_startup("))
    assert decorator.splitlines()[:2] == ["on_startup(", "    handler: Callable["]  # formatted, one per line
    alias = next(box for box in shown if box.startswith("SendEvent: TypeAlias = ("))
    assert "\n    | HttpResponseBodyEvent\n" in alias  # a string alias unquoted, then broken up
    private = [box for box in shown if re.search(r"\b_\w*T\b", box)]
    assert not private, private
    too_wide = [line for box in shown for line in box.splitlines() if len(line) > 80]
    assert not too_wide, too_wide


@pytest.mark.parametrize("block", EXCERPTS, ids=[block.where for block in EXCERPTS])
def test_an_example_excerpt_is_in_its_file(block: Block) -> None:
    assert block.example is not None
    source = ROOT / block.example
    assert source.is_file(), f"{block.where}: no file {block.example}"
    assert is_excerpt(block.text, source.read_text()), (
        f"{block.where}: the block is not a run of lines of {block.example}; copy it again from the file"
    )


def test_titled_files_are_named_once() -> None:
    titles = [block.title for block in SNIPPETS if block.title]
    assert all(title.endswith(".py") for title in titles), titles
    assert len(titles) == len(set(titles)), titles


@pytest.fixture(scope="module")
def snippets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every block that is not an excerpt, written as a module; the directory is importable."""
    directory = tmp_path_factory.mktemp("snippets")
    for block in SNIPPETS:
        (directory / f"{module_name(block)}.py").write_text(block.text)
    before = set(sys.modules)
    sys.path.insert(0, str(directory))
    try:
        yield directory
    finally:
        sys.path.remove(str(directory))
        for name in set(sys.modules) - before:
            if (getattr(sys.modules[name], "__file__", None) or "").startswith(str(directory)):
                del sys.modules[name]


@pytest.mark.timeout(180)  # mypy with a cold cache, on a busy machine
def test_mypy_strict_accepts_every_snippet(snippets: Path) -> None:
    """And the griffe extension the site's API reference is built with."""
    stdout, stderr, status = mypy_api.run(
        ["--config-file", str(ROOT / "mypy.ini"), "--no-error-summary", str(snippets), str(DOCS / "_ext")]
    )
    where = {f"{module_name(block)}.py": block.where for block in SNIPPETS}
    errors = [
        f"{where.get(Path(line.split(':', 1)[0]).name, '?')}: {line}" for line in stdout.splitlines()
    ]
    assert not errors, "\n".join(errors)
    assert (status, stderr) == (0, "")


# A snippet's tests run here, not under pytest, so their marks do not apply: this one
# is for tests that leave an httpx stream early (trio reports httpx's unfinished generators).
@pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <async_generator object (Response|BoundAsyncStream)\.:"
    "pytest.PytestUnraisableExceptionWarning"
)
@pytest.mark.parametrize("block", SNIPPETS, ids=[block.where for block in SNIPPETS])
def test_a_snippet_runs_and_its_tests_pass(
    block: Block, snippets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{block.where}: starts a server; put that under `if __name__ == '__main__':`")

    monkeypatch.setattr(uvicorn, "run", no_server)
    module = importlib.import_module(module_name(block))
    for name, function in vars(module).items():
        if name.startswith("test_") and inspect.iscoroutinefunction(function):
            assert not inspect.signature(function).parameters, f"{block.where}: {name} takes fixtures"
            for backend in ("asyncio", "trio"):
                anyio.run(function, backend=backend)


def slug(heading: str) -> str:
    """A heading's anchor, as the site (Python-Markdown) and GitHub both make it."""
    text = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(page: Path) -> set[str]:
    return {slug(found["text"]) for found in HEADING.finditer(page.read_text())}


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_relative_links_reach_a_file_and_a_heading(page: Path) -> None:
    """The site build checks the guide's links; this checks them as GitHub shows the files too."""
    text = re.sub(r"^(```|~~~).*?^\1", "", page.read_text(), flags=re.MULTILINE | re.DOTALL)
    for found in LINK.finditer(text):
        target = found["target"]
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name}: link to {target}: no such file"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{page.name}: link to {target}: no such heading"


def test_every_example_is_on_the_examples_page() -> None:
    page = (DOCS / "examples.md").read_text()
    for example in sorted((ROOT / "examples").glob("*.py")):
        if example.stem != "__init__":
            assert f"examples/{example.name}" in page, f"docs/examples.md does not list {example.name}"
