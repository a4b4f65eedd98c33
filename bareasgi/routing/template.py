"""Path templates: text to segments, in either spelling (``{id:int}`` or ``<id:int>``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final
from urllib.parse import quote

from ..errors import TemplateError
from .converters import Converter, ConverterRegistry

_CLOSERS = {"{": "}", "<": ">"}
_BRACKETS = frozenset("{}<>")

MAX_TEMPLATE_SEGMENTS = 64
"""The most segments a template may have; a deeper one is refused when it is added.

Resolution recurses at most once per segment of a template, so this bounds its depth
well inside Python's recursion limit whatever the path.
"""


@final
@dataclass(frozen=True, slots=True)
class Variable:
    """A segment that captures a value: its name and how to convert it."""

    name: str
    converter: Converter

    @property
    def is_rest(self) -> bool:
        """Whether this is the ``path`` catch-all, which takes the rest of the path."""
        return self.converter.type_name == "path"


Segment = str | Variable
"""A literal segment, or a variable."""


@final
@dataclass(frozen=True, slots=True)
class Template:
    """A parsed path template.

    ``segments`` are the parts between slashes after the leading one: ``'/'`` is
    ``('',)`` and ``'/foo/'`` is ``('foo', '')``, so a trailing slash is part of the
    route, as a literal empty segment.
    """

    text: str
    segments: tuple[Segment, ...]

    @property
    def variables(self) -> tuple[Variable, ...]:
        """The variables, in order."""
        return tuple(segment for segment in self.segments if isinstance(segment, Variable))

    @property
    def is_static(self) -> bool:
        """Whether the template has no variables, so matches one path only."""
        return all(isinstance(segment, str) for segment in self.segments)

    def build(self, values: dict[str, object]) -> str:
        """The percent-encoded path for ``values``: one per variable, no more, no less."""
        names = {variable.name for variable in self.variables}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"{self.text!r}: no variable named {', '.join(map(repr, unknown))}")
        parts: list[str] = []
        for segment in self.segments:
            if isinstance(segment, str):
                parts.append(quote(segment))
                continue
            if segment.name not in values:
                raise ValueError(f"{self.text!r}: missing a value for {segment.name!r}")
            parts.append(self._build_segment(segment, values[segment.name]))
        path = "/" + "/".join(parts)
        if path.startswith("//"):  # only a leading 'path' variable can give one
            first = self.segments[0]
            name = first.name if isinstance(first, Variable) else first
            raise ValueError(
                f"{self.text!r}: value for {name!r} starts with '/', which would make "
                f"{path!r} a scheme-relative URL, naming another host"
            )
        return path

    def _build_segment(self, variable: Variable, value: object) -> str:
        try:
            text = variable.converter.to_segment(value)
        except ValueError as error:
            raise ValueError(
                f"{self.text!r}: bad value for {variable.name!r} "
                f"({variable.converter.type_name}): {error}"
            ) from error
        if not variable.is_rest and (not text or "/" in text):
            raise ValueError(
                f"{self.text!r}: value for {variable.name!r} is {text!r}, "
                "which is not one non-empty path segment"
            )
        return quote(text, safe="/" if variable.is_rest else "")


def parse(text: str, registry: ConverterRegistry, *, drop_trailing_slash: bool = False) -> Template:
    """Parse a template, raising :class:`TemplateError` naming it and the fault.

    With ``drop_trailing_slash``, the template is stored without its trailing slash
    (``'/foo/'`` as ``'/foo'``), while a fault is still reported in the words written.
    """
    given: object = text  # checked as any object: callers are not always typed
    if not isinstance(given, str) or not given.startswith("/"):
        raise TemplateError(f"path template {text!r} must be a string starting with '/'")
    parts = text[1:].split("/")
    dropped = drop_trailing_slash and len(parts) > 1 and parts[-1] == ""
    if dropped:
        parts.pop()
    if len(parts) > MAX_TEMPLATE_SEGMENTS:
        raise TemplateError(
            f"{text!r}: {len(parts)} segments, more than the "
            f"{MAX_TEMPLATE_SEGMENTS} a template may have"
        )
    segments: list[Segment] = []
    names: set[str] = set()
    for index, part in enumerate(parts):
        # Only the last segment may be empty: it is the trailing slash (unless dropped).
        # An empty one before it is a '//', which at the start would make a redirect to
        # the path a scheme-relative URL, off to another host.
        if part == "" and (index < len(parts) - 1 or dropped):
            raise TemplateError(f"{text!r}: empty segment (a '//')")
        segment = _parse_segment(text, part, registry)
        if isinstance(segment, Variable):
            if segment.name in names:
                raise TemplateError(f"{text!r}: variable {segment.name!r} is used twice")
            if segment.is_rest and index != len(parts) - 1:
                raise TemplateError(
                    f"{text!r}: {segment.name!r} is of type 'path', which must be the last segment"
                )
            names.add(segment.name)
        segments.append(segment)
    return Template(text[:-1] if dropped else text, tuple(segments))


def _parse_segment(text: str, part: str, registry: ConverterRegistry) -> Segment:
    if not _BRACKETS.intersection(part):
        return part
    opener = part[0]
    closer = _CLOSERS.get(opener)
    if closer is None:
        if part[-1] in "}>" and not _BRACKETS.intersection(part[:-1]):
            raise TemplateError(f"{text!r}: segment {part!r}: unbalanced brackets")
        raise TemplateError(
            f"{text!r}: segment {part!r}: a variable must fill its whole segment, "
            "as '{name}' or '<name>'"
        )
    if part[-1] != closer or len(part) == 1:
        other = _CLOSERS["<" if opener == "{" else "{"]
        fault = "mixed brackets" if part[-1] == other else "unbalanced brackets"
        raise TemplateError(f"{text!r}: segment {part!r}: {fault}")
    inner = part[1:-1]
    if _BRACKETS.intersection(inner):
        raise TemplateError(f"{text!r}: segment {part!r}: unbalanced brackets")
    name, has_type, spec = inner.partition(":")
    type_name, has_format, format = spec.partition(":")
    if has_type and not type_name:
        raise TemplateError(f"{text!r}: segment {part!r}: empty type after ':'")
    if not name:
        raise TemplateError(f"{text!r}: segment {part!r}: empty variable name")
    if not name.isidentifier():
        raise TemplateError(
            f"{text!r}: segment {part!r}: variable name {name!r} is not an identifier"
        )
    type_name = type_name or "str"
    if type_name not in registry:
        raise TemplateError(
            f"{text!r}: segment {part!r}: unknown type {type_name!r} "
            f"(known: {', '.join(registry.names())})"
        )
    if has_format and not format:
        raise TemplateError(f"{text!r}: segment {part!r}: empty format")
    try:
        converter = registry.get(type_name, format if has_format else None)
    except ValueError as error:
        raise TemplateError(f"{text!r}: segment {part!r}: {error}") from error
    return Variable(name, converter)
