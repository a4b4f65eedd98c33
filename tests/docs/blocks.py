"""Fenced code blocks in Markdown: where each is, its language and its title.

A Python block is checked according to its title (the ``title="..."`` of its info
string, which the built site shows above the block):

- ``title="examples/NAME.py"``: an excerpt of that example, its lines found in the
  file in the same order, one after another;
- any other title, such as ``title="myapp.py"``: a file the reader writes, which
  other blocks may import;
- no title: a standalone snippet.

Blocks of the last two kinds are type-checked with ``mypy --strict``, imported, and
each ``test_*`` coroutine function in them is run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

OPENING = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
TITLE = re.compile(r'\btitle="(?P<title>[^"]+)"')


@dataclass(frozen=True)
class Block:
    """One fenced block: its page, the line of its opening fence, and its text."""

    path: Path
    line: int
    language: str
    title: str | None
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"

    @property
    def example(self) -> str | None:
        """The example file this block is an excerpt of, if it is one."""
        return self.title if self.title and self.title.startswith("examples/") else None


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, indented ones (in lists) included."""
    found: list[Block] = []
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = OPENING.match(lines[index])
        index += 1
        if opening is None:
            continue
        indent, fence, info = len(opening["indent"]), opening["fence"], opening["info"]
        start = index
        while index < len(lines) and lines[index].strip() != fence:
            index += 1
        body = [line[indent:] if not line[:indent].strip() else line.lstrip() for line in lines[start:index]]
        index += 1
        words = info.split()
        title = TITLE.search(info)
        found.append(
            Block(
                path,
                start,
                words[0] if words else "",
                title["title"] if title else None,
                "\n".join(body) + "\n",
            )
        )
    return found


def is_excerpt(excerpt: str, source: str) -> bool:
    """Whether the lines of ``excerpt`` are lines of ``source``, consecutive and in order."""
    wanted = excerpt.splitlines()
    have = source.splitlines()
    return any(have[start : start + len(wanted)] == wanted for start in range(len(have) - len(wanted) + 1))
