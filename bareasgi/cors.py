"""CORS: the middleware that lets pages of other origins call the application.

What it answers follows the Fetch standard's CORS protocol:

- A preflight (``OPTIONS`` with ``origin`` and ``access-control-request-method``) is
  answered here, without calling the handler: ``200`` and the CORS headers when the
  origin, the method and every requested header are allowed, ``400`` otherwise.
- Any other request from an allowed origin gets ``access-control-allow-origin`` (and
  the credentials and exposed-headers headers configured) on its response, whatever
  the response: the route's answer, an ``HttpError``, a 404 or 405 of the router, and
  the 500 of an exception, which passes on up with the headers added to it (see
  :func:`bareasgi.add_error_headers`) so that error tracking outside still sees it.
- A request from an origin not allowed, or with no ``origin``, passes through with
  no CORS header: the browser then keeps the response from the page.
- ``vary: origin`` goes on every response whose CORS headers depend on the origin,
  that is unless every origin is allowed without credentials (``*``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TypeVar

from .http import add_error_headers
from .streaming import BytesBody
from .types import AnyInfoMiddleware, Content, Header, HttpChainCallback, HttpResponse, RouteMatches
from .asgi import HttpScope

# The middleware hands ``info`` on untouched: it serves an application of any type of it.
_InfoT = TypeVar("_InfoT")

# Compiled at first use (re keeps them), not when the package is imported.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_ORIGIN = r"[a-z][a-z0-9+.\-]*://[^\s/?#@\\]+"

# Request headers a page may send without asking (the Fetch standard's CORS-safelisted
# names), allowed whatever ``allow_headers`` says; ``content-type`` among them, so that
# a JSON body needs no configuration.
_SAFELISTED = frozenset({"accept", "accept-language", "content-language", "content-type"})

# The response headers the middleware owns: a handler's own are replaced, not doubled.
_OWNED = frozenset(
    {
        b"access-control-allow-origin",
        b"access-control-allow-credentials",
        b"access-control-expose-headers",
    }
)

_PREFLIGHT_CACHE = 256  # preflight answers remembered, by origin, method and headers asked

_VARY_ORIGIN: Header = (b"vary", b"origin")
_NO_BODY: Header = (b"content-length", b"0")


def cors_middleware(
    *,
    allow_origins: Iterable[str] = (),
    allow_origin_regex: str | None = None,
    allow_methods: Iterable[str] = ("GET",),
    allow_headers: Iterable[str] = (),
    allow_credentials: bool = False,
    expose_headers: Iterable[str] = (),
    max_age: int = 600,
) -> AnyInfoMiddleware:
    """A middleware answering CORS preflights and adding CORS headers to every response.

    ``allow_origins``: origins as browsers send them (``'https://app.example'``,
    ``'http://127.0.0.1:8000'``; no path, not even ``/``), or ``'*'`` for any.
    ``allow_origin_regex``: origins matching it in full are allowed too. ``'*'`` in
    ``allow_methods`` or ``allow_headers`` allows whatever the preflight asks for.
    ``allow_credentials``: let pages send cookies and read the answer; not with
    ``allow_origins=['*']``. ``expose_headers``: response headers a page may read
    beyond the safelisted ones. ``max_age``: seconds a browser may keep a preflight's
    answer.

    Every mistake raises here, naming the argument: a ``str`` where a list is expected,
    an origin with a path, a bad regex, a header or method that is no HTTP token.
    """
    origins = _origins(allow_origins)
    allow_all = "*" in origins
    pattern = _regex(allow_origin_regex)
    methods = _tokens("allow_methods", allow_methods, upper=True)
    headers = _tokens("allow_headers", allow_headers)
    exposed = _tokens("expose_headers", expose_headers)
    if type(allow_credentials) is not bool:
        raise TypeError(f"allow_credentials must be True or False, not {allow_credentials!r}")
    if type(max_age) is not int or max_age < 0:
        raise ValueError(f"max_age must be a whole number of seconds, 0 or more, not {max_age!r}")
    if allow_credentials and allow_all:
        raise ValueError(
            "allow_origins=['*'] with allow_credentials=True: browsers refuse credentials "
            "with any origin allowed; list the origins (or give allow_origin_regex)"
        )
    if allow_credentials and "*" in exposed:
        raise ValueError(
            "expose_headers=['*'] with allow_credentials=True: browsers read '*' as a header "
            "name when credentials are sent; list the headers to expose"
        )

    allowed = frozenset(origin.encode("latin-1") for origin in origins)
    varies = not allow_all
    vary: tuple[Header, ...] = (_VARY_ORIGIN,) if varies else ()
    constant: list[Header] = []
    if allow_credentials:
        constant.append((b"access-control-allow-credentials", b"true"))
    if exposed:
        constant.append((b"access-control-expose-headers", ", ".join(exposed).encode("latin-1")))
    constant.extend(vary)
    any_method = "*" in methods
    any_header = "*" in headers
    allowed_methods = frozenset(methods)
    allowed_headers = _SAFELISTED | frozenset(headers)
    methods_value = ", ".join(methods).encode("latin-1")
    # The safelisted names are named too: a browser asking for ``content-type`` (a JSON
    # body) looks for it in the answer.
    headers_value = ", ".join(dict.fromkeys([*headers, *sorted(_SAFELISTED)])).encode("latin-1")
    preflight_constant = [*constant, (b"access-control-max-age", str(max_age).encode("ascii"))]

    def allow_origin(origin: bytes) -> bytes | None:
        """The ``access-control-allow-origin`` value for ``origin``; ``None``: not allowed."""
        if allow_all:
            return b"*" if not allow_credentials else origin
        if origin in allowed:
            return origin
        if pattern is not None:
            text = origin.decode("latin-1")
            if re.fullmatch(_ORIGIN, text) and pattern.fullmatch(text):
                return origin
        return None

    @functools.lru_cache(maxsize=_PREFLIGHT_CACHE)
    def preflight(
        origin: bytes, method: bytes, requested: bytes | None
    ) -> tuple[int, tuple[Header, ...], bytes | None]:
        """The answer to a preflight: status, headers and the body of a refusal."""
        allow = allow_origin(origin)
        if allow is None:
            return _refused(b"Disallowed CORS origin", vary)
        wanted = method.decode("latin-1")
        if not re.fullmatch(_TOKEN, wanted) or (not any_method and wanted not in allowed_methods):
            return _refused(b"Disallowed CORS method", vary)
        names = [name.strip().lower() for name in (requested or b"").decode("latin-1").split(",")]
        names = [name for name in names if name]
        if not all(re.fullmatch(_TOKEN, name) for name in names) or (
            not any_header and not all(name in allowed_headers for name in names)
        ):
            return _refused(b"Disallowed CORS headers", vary)
        echoed = ", ".join(names).encode("latin-1") if any_header else headers_value
        answer = (
            (b"access-control-allow-origin", allow),
            (b"access-control-allow-methods", method if any_method else methods_value),
            *preflight_constant,
            *([(b"access-control-allow-headers", echoed)] if echoed else []),
            _NO_BODY,
        )
        return 200, answer, None

    async def cors(
        scope: HttpScope,
        info: _InfoT,
        matches: RouteMatches,
        content: Content,
        handler: HttpChainCallback[_InfoT],
        /,
    ) -> HttpResponse:
        origin = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
                break
        if origin is not None:
            if scope["method"] == "OPTIONS":
                request_method = requested = None
                for name, value in scope["headers"]:
                    if name == b"access-control-request-method":
                        request_method = value
                    elif name == b"access-control-request-headers":
                        requested = value if requested is None else requested + b"," + value
                if request_method is not None:
                    # Answers are remembered (a browser sends the same few again and
                    # again); each goes out with headers of its own, for middleware
                    # outside to change.
                    status, answer, reason = preflight(origin, request_method, requested)
                    return status, list(answer), None if reason is None else BytesBody(reason)
            allow = allow_origin(origin)
            if allow is not None:
                added = [(b"access-control-allow-origin", allow), *constant]
                try:
                    status, headers, body, pushes = await handler(scope, info, matches, content)
                except Exception as error:
                    add_error_headers(error, added)
                    raise
                kept = [header for header in headers if header[0] not in _OWNED]
                return status, [*kept, *added], body, pushes
        if not varies:
            return await handler(scope, info, matches, content)
        status, headers, body, pushes = await handler(scope, info, matches, content)
        return status, [*headers, _VARY_ORIGIN], body, pushes

    return cors


def _refused(reason: bytes, vary: tuple[Header, ...]) -> tuple[int, tuple[Header, ...], bytes]:
    headers = (
        *vary,
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(reason)).encode("ascii")),
    )
    return 400, headers, reason


def _origins(value: Iterable[str]) -> list[str]:
    found = _strings("allow_origins", value)
    origins: list[str] = []
    for origin in found:
        lowered = origin.lower()
        if lowered != "*" and lowered != "null" and not re.fullmatch(_ORIGIN, lowered):
            hint = " (no path, not even '/')" if "://" in origin else ""
            raise ValueError(
                f"allow_origins: {origin!r} is not an origin: expected scheme://host[:port]"
                f"{hint}, such as 'https://app.example', or '*'"
            )
        origins.append(lowered)
    return origins


def _regex(value: str | None) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"allow_origin_regex must be a str, not {type(value).__name__}")
    try:
        return re.compile(value)
    except re.error as error:
        raise ValueError(f"allow_origin_regex {value!r} does not compile: {error}") from None


def _tokens(argument: str, value: Iterable[str], *, upper: bool = False) -> list[str]:
    tokens: list[str] = []
    for token in _strings(argument, value):
        if not re.fullmatch(_TOKEN, token):
            raise ValueError(f"{argument}: {token!r} is not an HTTP token (no spaces or commas)")
        tokens.append(token.upper() if upper else token.lower())
    return list(dict.fromkeys(tokens))


def _strings(argument: str, value: Iterable[str]) -> list[str]:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{argument} must be a list of strings, not the single {value!r}")
    found = list(value)
    for item in found:
        if not isinstance(item, str):
            raise TypeError(f"{argument}: {item!r} is not a str")
    return found
