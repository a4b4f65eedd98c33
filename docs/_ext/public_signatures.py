"""Signatures for the API reference: public types only, and short enough to read.

``Application.on_http_request`` and its siblings hand back the function they were
given with the types it declared, which takes constrained type variables private to
``bareasgi.application`` (``_HttpScopeT``, ``_NoResultT``, ...). Shown as they are,
the signatures name types a reader cannot look up. This griffe extension shows each
such handler type as the public protocol it stands for, and fails the build when a
private type variable is left in a signature it does not know how to show.

A type alias written as a string (``SendEvent: TypeAlias = "A | B | ..."``, a forward
reference) is shown as the expression in the string, which the signature formatter
then breaks over lines as it does any other, instead of one line of 280 characters.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import griffe

# A handler's type, told apart by the type variable of its scope, as the protocol
# that documents it.
SHOWN_AS = {
    "_HttpScopeT": "HttpRequestCallback[InfoT]",
    "_WebSocketScopeT": "WebSocketRequestCallback[InfoT]",
    "_LifespanScopeT": "LifespanHandler[InfoT]",
}
HANDLER = re.compile(r"Callable\[\[(?P<scope>_\w+T), [^\[\]]*\], _\w+T\]")
PRIVATE = re.compile(r"\b_\w*T\b")


def public(annotation: str, where: str) -> str:
    """``annotation`` with each handler type shown as its protocol."""

    def protocol(found: re.Match[str]) -> str:
        try:
            return SHOWN_AS[found["scope"]]
        except KeyError:
            raise ValueError(f"{where}: no public type to show for {found[0]!r}; add it to SHOWN_AS") from None

    shown = HANDLER.sub(protocol, annotation)
    left = PRIVATE.search(shown)
    if left:
        raise ValueError(f"{where}: the private type variable {left[0]} is left in {shown!r}")
    return shown


class PublicSignatures(griffe.Extension):
    """Rewrites the annotations of every function that mentions a private type variable."""

    def on_function(self, *, func: griffe.Function, **kwargs: Any) -> None:
        parent = func.parent
        if not isinstance(parent, (griffe.Module, griffe.Class)) or func.name.startswith("_"):
            return

        def rewritten(annotation: str | griffe.Expr | None) -> str | griffe.Expr | None:
            if annotation is None or not PRIVATE.search(str(annotation)):
                return annotation
            text = public(str(annotation), func.path)
            return griffe.safe_get_annotation(ast.parse(text, mode="eval").body, parent) or text

        for parameter in func.parameters:
            parameter.annotation = rewritten(parameter.annotation)
        func.returns = rewritten(func.returns)

    def on_attribute(self, *, attr: griffe.Attribute, **kwargs: Any) -> None:
        parent = attr.parent
        if str(attr.annotation) != "TypeAlias" or not isinstance(parent, (griffe.Module, griffe.Class)):
            return
        value = str(attr.value or "")
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            attr.value = griffe.safe_get_annotation(ast.parse(ast.literal_eval(value), mode="eval").body, parent)
