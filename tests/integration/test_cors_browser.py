"""CORS in a real browser: headless Chromium runs a page of one origin calling the application on another.

Three uvicorn servers on 127.0.0.1, each on its own port, so each is its own origin:
the page's, the application with ``cors_middleware``, and the same application
without it. The page sets a cookie, then ``fetch()``es from both applications with
``credentials: 'include'`` and a custom header (so the browser sends a preflight
first), and posts what happened back to its own server. The browser is Debian's
``chromium``, which ``.ci/run`` installs; without it the test is skipped.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import anyio
import pytest

from bareasgi import (
    Application,
    Content,
    HttpChainCallback,
    HttpMiddlewareCallback,
    HttpResponse,
    HttpScope,
    Info,
    RouteMatches,
    bytes_reader,
    cors_middleware,
    json_response,
    text_response,
)

from .servers import run_uvicorn, wait_until

pytestmark = pytest.mark.anyio

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_TIMEOUT = 30.0  # a safety net for a browser that never reports, not a measure

# What the probe of this kind of machine found Chromium needs to run headless as root
# without reaching any host but the ones the page names (127.0.0.1).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
]

PAGE = """<!doctype html>
<title>caller</title>
<script>
async function call(url) {
  try {
    const response = await fetch(url, {
      method: "POST",
      credentials: "include",
      headers: {"x-token": "let-me-in", "content-type": "application/json"},
      body: JSON.stringify({"hello": "api"}),
    });
    return {ok: true, status: response.status, body: await response.json(),
            total: response.headers.get("x-total")};
  } catch (error) {
    return {ok: false, error: error.name};
  }
}
(async () => {
  const report = {with: await call("__WITH__/api"), without: await call("__WITHOUT__/api")};
  await fetch("/report", {method: "POST", body: JSON.stringify(report)});
})();
</script>
"""


def cookie_header(scope: HttpScope) -> str:
    return b"; ".join(value for name, value in scope["headers"] if name == b"cookie").decode("latin-1")


def api(*middlewares: HttpMiddlewareCallback, seen: list[str]) -> Application:
    """The application the page calls; ``seen`` records the methods that reached it."""

    async def recording(
        scope: HttpScope, info: Info, matches: RouteMatches, content: Content, handler: HttpChainCallback
    ) -> HttpResponse:
        seen.append(scope["method"])
        return await handler(scope, info, matches, content)

    app = Application(middlewares=[recording, *middlewares])

    @app.on_http_request({"POST"}, "/api")
    async def answer(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        token = dict(scope["headers"]).get(b"x-token", b"").decode("latin-1")
        sent = json.loads(await bytes_reader(content))
        headers = [(b"x-total", b"3")]
        return json_response(200, headers, {"cookie": cookie_header(scope), "token": token, "sent": sent})

    return app


def page(html: str, reports: list[object]) -> Application:
    """The page's own server: the page, with a cookie, and where it posts its report."""
    app = Application()

    @app.on_http_request({"GET"}, "/")
    async def index(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"set-cookie", b"session=s3cret; Path=/; SameSite=Lax"),
        ]
        return text_response(200, headers, html)

    @app.on_http_request({"POST"}, "/report")
    async def report(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
        reports.append(json.loads(await bytes_reader(content)))
        return 204

    return app


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian package chromium; .ci/run installs it)",
)
async def test_a_credentialed_fetch_from_another_origin_works_with_the_middleware_only(
    tmp_path: Path,
) -> None:
    assert CHROMIUM is not None
    with_seen: list[str] = []
    without_seen: list[str] = []
    reports: list[object] = []
    with_cors = api(seen=with_seen)
    with run_uvicorn(with_cors) as with_server, run_uvicorn(api(seen=without_seen)) as without_server:
        html = PAGE.replace("__WITH__", with_server.url).replace("__WITHOUT__", without_server.url)
        with run_uvicorn(page(html, reports)) as origin:
            with_cors.middlewares.append(
                cors_middleware(
                    allow_origins=[origin.url],
                    allow_methods=["POST"],
                    allow_headers=["x-token"],
                    allow_credentials=True,
                    expose_headers=["x-total"],
                )
            )
            with (tmp_path / "chromium.log").open("wb") as log:
                browser = await anyio.open_process(
                    [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", origin.url + "/"],
                    stdin=None,
                    stdout=log,
                    stderr=log,
                )
                try:
                    reported = await wait_until(lambda: bool(reports), timeout=BROWSER_TIMEOUT)
                finally:
                    browser.terminate()
                    with anyio.CancelScope(shield=True):
                        await browser.wait()
    assert reported, "the page reported nothing; see " + str(tmp_path / "chromium.log")
    [report] = reports
    assert report == {
        "with": {
            "ok": True,
            "status": 200,
            "body": {"cookie": "session=s3cret", "token": "let-me-in", "sent": {"hello": "api"}},
            "total": "3",
        },
        "without": {"ok": False, "error": "TypeError"},
    }
    # The preflight was answered by the middleware, so the application saw it go by
    # (the recording middleware is outside) and then the request itself; without the
    # middleware the router's 405 for OPTIONS stopped the browser from sending the POST.
    assert with_seen == ["OPTIONS", "POST"]
    assert without_seen == ["OPTIONS"]
