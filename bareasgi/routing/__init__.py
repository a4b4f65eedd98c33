"""Routing: path templates with converted variables, resolved through a segment tree."""

from .converters import Converter, ConverterRegistry
from .handle import RouteHandle
from .http import ConversionErrorStatus, HttpTreeRouter
from .router import TrailingSlash
from .template import Template, Variable, parse
from .websocket import WebSocketTreeRouter

__all__ = [
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
