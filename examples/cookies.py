"""Cookies: a visit counter, and a sign-in kept in a signed cookie.

Run it with ``python -m examples.cookies`` and try (``-c``/``-b`` keep the cookies in a file)::

    curl -c jar -b jar http://127.0.0.1:9009/visits                # 1, then 2, 3...
    curl -c jar -b jar -d name=harry http://127.0.0.1:9009/session
    curl -c jar -b jar http://127.0.0.1:9009/whoami                # {"name": "harry"}
    curl -c jar -b jar -X DELETE http://127.0.0.1:9009/session
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

import uvicorn

from bareasgi import (
    Application,
    Content,
    Header,
    HttpError,
    HttpResponse,
    HttpScope,
    RouteMatches,
    json_response,
    text_reader,
)

SESSION = "session"


@dataclass
class Keys:
    """The application's info: the key that signs session cookies."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


def read_cookies(scope: HttpScope) -> dict[str, str]:
    """The request's cookies by name; a malformed ``cookie`` header counts as none."""
    jar = SimpleCookie()
    for name, value in scope["headers"]:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                return {}
    return {key: morsel.value for key, morsel in jar.items()}


def set_cookie(name: str, value: str, *, max_age: int | None = None) -> Header:
    """A ``set-cookie`` header: for the whole site, hidden from scripts, not sent cross-site."""
    jar = SimpleCookie()
    jar[name] = value
    morsel = jar[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if max_age is not None:
        morsel["max-age"] = max_age
    # Behind HTTPS, also set morsel["secure"] = True: the cookie then never travels in clear.
    return b"set-cookie", morsel.OutputString().encode("latin-1")


def signature(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def sign(secret: bytes, value: str) -> str:
    """``value`` with its signature: the client can read it, but not change it unnoticed."""
    return f"{value}.{signature(secret, value)}"


def verified(secret: bytes, signed: str) -> str | None:
    """The value of a signed cookie, or ``None`` if it was not signed with ``secret``."""
    value, _, mac = signed.rpartition(".")
    return value if hmac.compare_digest(signature(secret, value).encode(), mac.encode()) else None


async def visits(scope: HttpScope, info: Keys, matches: RouteMatches, content: Content) -> HttpResponse:
    previous = read_cookies(scope).get("visits", "0")
    count = int(previous) + 1 if previous.isdigit() else 1
    return json_response(200, [set_cookie("visits", str(count))], {"visits": count})


async def sign_in(scope: HttpScope, info: Keys, matches: RouteMatches, content: Content) -> HttpResponse:
    form = parse_qs(await text_reader(content, max_size=1000))
    name = form.get("name", [""])[0]
    if not (name.isascii() and name.isalnum()):
        raise HttpError(400, "name: letters and digits only")
    one_day = 24 * 60 * 60
    return json_response(200, [set_cookie(SESSION, sign(info.secret, name), max_age=one_day)], {"name": name})


async def whoami(scope: HttpScope, info: Keys, matches: RouteMatches, content: Content) -> HttpResponse:
    signed = read_cookies(scope).get(SESSION)
    name = verified(info.secret, signed) if signed else None
    if name is None:
        raise HttpError(401, "not signed in")
    return json_response(200, None, {"name": name})


async def sign_out(scope: HttpScope, info: Keys, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204, [set_cookie(SESSION, "", max_age=0)]  # max-age 0: the browser drops it


app = Application(info=Keys())
app.http_router.add({"GET"}, "/visits", visits)
app.http_router.add({"POST"}, "/session", sign_in)
app.http_router.add({"DELETE"}, "/session", sign_out)
app.http_router.add({"GET"}, "/whoami", whoami)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
