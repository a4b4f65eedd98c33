"""The benchmark scenarios: one request (or WebSocket message) shape each, and its check."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .apps import CHUNK, KIB_CHUNK, MIDDLEWARE_HEADERS, PLAINTEXT, STREAM_CHUNKS, route_path

ECHO_BODY = bytes(range(256)) * 4  # 1 KiB
UPLOAD_BODY = bytes(range(256)) * 1024  # 256 KiB
UPLOAD_PARTS = 16
QUERY = b"q=ipcress&page=2&tag=spy&tag=1962&tag=deighton&sort=title&order=asc"
JSON_BODY = json.dumps({"name": "Harry Palmer", "age": 40, "tags": ["spy", "1962", "deighton"]}).encode()
FORM_BODY = b"name=Harry+Palmer&age=40&tag=spy&tag=1962&tag=deighton&city=London&note=%C3%A9t%C3%A9"
FORM = b"application/x-www-form-urlencoded"
ROUTE_COUNTS = (10, 100, 1_000, 10_000)
WS_TEXT = "hello, echo"


@dataclass(frozen=True)
class Response:
    """What one exchange sent back: status, headers, the body and its message count."""

    status: int
    headers: dict[bytes, bytes]
    body: bytes
    body_messages: int  # the non-empty ``http.response.body`` messages


@dataclass(frozen=True)
class Scenario:
    """One request shape, the application it is sent to, and the answer it must get.

    ``method`` ``WS`` is a WebSocket: the time reported is per echoed message.
    ``routes`` and ``middlewares`` pick the application: the one with that many
    numbered routes and that many global middlewares (each adding a header). ``parts``
    is the number of ``http.request`` messages the in-process driver splits ``body``
    into (a server splits it as it reads it).
    """

    name: str
    method: str
    path: str
    status: int = 200
    body: bytes = b""
    routes: int = 0
    middlewares: int = 0
    parts: int = 1
    expected_body: bytes | None = None
    expected_json: object = None
    expected_messages: int | None = None  # non-empty body messages, when it matters
    expected_headers: tuple[tuple[bytes, bytes], ...] = ()
    server: bool = True  # also run by the server driver
    query: bytes = b""  # the query string
    content_type: bytes = b""  # the request's content-type, when it has a body

    @property
    def is_websocket(self) -> bool:
        return self.method == "WS"

    @property
    def app_key(self) -> tuple[int, int]:
        """Which of a peer's applications serves this scenario: (routes, middlewares)."""
        return self.routes, self.middlewares

    def check(self, response: Response) -> str | None:
        """What is wrong with ``response``, or ``None`` when it is the expected one."""
        if response.status != self.status:
            return f"status {response.status}, expected {self.status}"
        if self.expected_body is not None and response.body != self.expected_body:
            return f"body {response.body[:40]!r}..., expected {self.expected_body[:40]!r}..."
        if self.expected_json is not None:
            try:
                found = json.loads(response.body)
            except ValueError:
                return f"body {response.body[:40]!r} is not JSON"
            if found != self.expected_json:
                return f"JSON {found!r}, expected {self.expected_json!r}"
        if self.expected_messages is not None and response.body_messages != self.expected_messages:
            return f"{response.body_messages} body messages, expected {self.expected_messages}"
        for name, value in self.expected_headers:
            if response.headers.get(name) != value:
                return f"header {name!r} is {response.headers.get(name)!r}, expected {value!r}"
        return None


def _routes(count: int) -> Scenario:
    return Scenario(
        f"route {count:,}",
        "GET",
        route_path(count - 1),
        routes=count,
        expected_json={"id": 42},
        server=count in (10, 10_000),
    )


REQUEST_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "query params", "GET", "/search", query=QUERY, server=False,
        expected_json={"q": "ipcress", "tags": ["spy", "1962", "deighton"]},
    ),
    Scenario(
        "json body", "POST", "/json", body=JSON_BODY, content_type=b"application/json", server=False,
        expected_json={"name": "Harry Palmer", "tags": ["spy", "1962", "deighton"]},
    ),
    Scenario(
        "form body", "POST", "/form", body=FORM_BODY, content_type=FORM, server=False,
        expected_json={"name": "Harry Palmer", "tags": ["spy", "1962", "deighton"]},
    ),
)  # fmt: skip
"""Reading the request: bareasgi's helpers against Starlette's ``request.query_params``,
``request.json()`` and ``request.form()``, in-process only."""

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("plaintext", "GET", "/plaintext", expected_body=PLAINTEXT),
    Scenario("typed route", "GET", "/user/42", expected_json={"id": 42}),
    Scenario("echo 1 KiB", "POST", "/echo", body=ECHO_BODY, expected_body=ECHO_BODY),
    Scenario("404", "GET", "/no/such/path", status=404, expected_body=b"Not Found"),
    *(_routes(count) for count in ROUTE_COUNTS),
    Scenario("ws echo", "WS", "/ws", expected_body=WS_TEXT.encode()),
    Scenario(
        "stream 100",
        "GET",
        "/stream",
        expected_body=CHUNK * STREAM_CHUNKS,
        expected_messages=STREAM_CHUNKS,
    ),
    Scenario(
        "stream 100 x 1 KiB",
        "GET",
        "/stream-kib",
        expected_body=KIB_CHUNK * STREAM_CHUNKS,
        expected_messages=STREAM_CHUNKS,
    ),
    Scenario(
        "stream 1 x 1 KiB",
        "GET",
        "/stream-one",
        expected_body=KIB_CHUNK,
        expected_messages=1,
        server=False,
    ),
    Scenario(
        "middleware x3",
        "GET",
        "/plaintext",
        middlewares=len(MIDDLEWARE_HEADERS),
        expected_body=PLAINTEXT,
        expected_headers=MIDDLEWARE_HEADERS,
    ),
    Scenario(
        "upload 256 KiB",
        "POST",
        "/upload",
        body=UPLOAD_BODY,
        parts=UPLOAD_PARTS,
        expected_body=str(len(UPLOAD_BODY)).encode(),
    ),
    *REQUEST_SCENARIOS,
)
"""Every scenario, in the order of the tables."""

VERSUS_STARLETTE = tuple(scenario.name for scenario in REQUEST_SCENARIOS)
"""The in-process scenarios in which bareasgi is held to at most 1x Starlette's time."""

TARGETED = ("plaintext", "typed route", "echo 1 KiB", "404", "ws echo")
"""The in-process scenarios held to at most 2x raw."""

TARGETED_TIGHT = ("stream 100 x 1 KiB", "middleware x3", "upload 256 KiB")
"""The in-process scenarios held to at most 1.5x raw."""

SERVER_TARGETED = ("plaintext", "typed route", "echo 1 KiB", "stream 100 x 1 KiB")
"""The server scenarios held to at least 0.9x raw's requests per second."""

SERVER_TARGETED_TIGHT = ("middleware x3", "upload 256 KiB")
"""The server scenarios held to at least 0.95x raw's requests per second."""
