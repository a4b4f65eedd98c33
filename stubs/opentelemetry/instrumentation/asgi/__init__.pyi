# The part of opentelemetry-instrumentation-asgi the guide's tracing recipe uses: the
# package ships no types (no py.typed), so mypy --strict needs these.
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal

from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import Span, TracerProvider

_Scope = MutableMapping[str, Any]

class OpenTelemetryMiddleware:
    def __init__(
        self,
        app: Callable[[Any, Any, Any], Awaitable[None]],
        excluded_urls: str | None = None,
        default_span_details: Callable[[_Scope], tuple[str, dict[str, Any]]] | None = None,
        server_request_hook: Callable[[Span, _Scope], None] | None = None,
        client_request_hook: Callable[[Span, _Scope, dict[str, Any]], None] | None = None,
        client_response_hook: Callable[[Span, _Scope, dict[str, Any]], None] | None = None,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        tracer: Any = None,
        meter: Any = None,
        http_capture_headers_server_request: list[str] | None = None,
        http_capture_headers_server_response: list[str] | None = None,
        http_capture_headers_sanitize_fields: list[str] | None = None,
        exclude_spans: list[Literal["receive", "send"]] | None = None,
    ) -> None: ...
    # As loosely as servers and test clients type what they pass to an application.
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None: ...
