"""Routing: path templates with converted variables, resolved through a segment tree."""

from .converters import (
    MAX_DECIMAL_DIGITS,
    MAX_EXPONENT_DIGITS,
    MAX_FLOAT_LENGTH,
    MAX_INT_DIGITS,
    Converter,
    ConverterRegistry,
)
from .handle import RouteHandle
from .http import ConversionErrorStatus, HttpTreeRouter
from .router import TrailingSlash
from .template import MAX_TEMPLATE_SEGMENTS, Template, Variable, parse
from .websocket import WebSocketTreeRouter

__all__ = [
    "MAX_DECIMAL_DIGITS",
    "MAX_EXPONENT_DIGITS",
    "MAX_FLOAT_LENGTH",
    "MAX_INT_DIGITS",
    "MAX_TEMPLATE_SEGMENTS",
    "ConversionErrorStatus",
    "Converter",
    "ConverterRegistry",
    "HttpTreeRouter",
    "RouteHandle",
    "Template",
    "TrailingSlash",
    "Variable",
    "WebSocketTreeRouter",
    "parse",
]
