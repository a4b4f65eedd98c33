"""Signatures for the API reference: public names only, and short enough to read.

A signature that names a private type variable (``_SomethingT``) names a type the
reader cannot look up; this griffe extension fails the build on one, naming the
function, so that it is renamed or documented rather than shown.

A type alias written as a string (``SendEvent: TypeAlias = "A | B | ..."``, a forward
reference) is shown as the expression in the string, which the signature formatter
(ruff) then breaks over lines as it does any other, instead of one line of 280
characters.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import griffe

PRIVATE = re.compile(r"\b_\w*T\b")


class PublicSignatures(griffe.Extension):
    """Checks the annotations of every public function; unquotes string type aliases."""

    def on_function(self, *, func: griffe.Function, **kwargs: Any) -> None:
        if func.name.startswith("_") and func.name != "__init__":
            return
        annotations = [parameter.annotation for parameter in func.parameters] + [func.returns]
        for annotation in annotations:
            found = PRIVATE.search(str(annotation or ""))
            if found:
                raise ValueError(f"{func.path}: the private type variable {found[0]} is in its signature")

    def on_attribute(self, *, attr: griffe.Attribute, **kwargs: Any) -> None:
        parent = attr.parent
        if str(attr.annotation) != "TypeAlias" or not isinstance(parent, (griffe.Module, griffe.Class)):
            return
        value = str(attr.value or "")
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            attr.value = griffe.safe_get_annotation(ast.parse(ast.literal_eval(value), mode="eval").body, parent)
