"""Docstrings for the API reference: reStructuredText roles turned into cross-references.

The package's docstrings name other objects the Sphinx way (``:class:`~bareasgi.HttpError```)
and end a line with ``::`` before a literal block. mkdocstrings reads Markdown, so this
griffe extension rewrites each role as a cross-reference for mkdocs-autorefs, and
``::`` as ``:``. A reference is optional: one to an object the reference does not
document (an internal class, the standard library) shows as code, without a link.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

# :role:`target`, or :role:`~target` to show the last name only.
ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(?P<tilde>~?)(?P<target>[^`<>]+)`")
LITERAL_BLOCK = re.compile(r"(?<=\S)::$", re.MULTILINE)


def resolved(obj: griffe.Object, target: str) -> str:
    """``target`` as a full path: names are looked up from ``obj`` outwards."""
    if "." in target.split(".", 1)[0] or target.startswith("bareasgi"):
        return target
    head, _, rest = target.partition(".")
    try:
        found = obj.resolve(head)
    except griffe.NameResolutionError:
        return target
    return f"{found}.{rest}" if rest else found


class ReSTRoles(griffe.Extension):
    """Rewrites every docstring once the package is loaded."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is None:
            return

        def link(found: re.Match[str]) -> str:
            target = found["target"]
            shown = target.rsplit(".", 1)[-1] if found["tilde"] else target
            identifier = html.escape(resolved(obj, target))
            return f'<autoref identifier="{identifier}" optional><code>{html.escape(shown)}</code></autoref>'

        text = ROLE.sub(link, obj.docstring.value)
        obj.docstring.value = LITERAL_BLOCK.sub(":", text)
