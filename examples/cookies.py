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
from typing import Annotated

import uvicorn
from pydantic import BaseModel, StringConstraints

from bareasgi import (
    Application,
    Content,
    HttpError,
    HttpResponse,
    HttpScope,
    RouteMatches,
    cookies,
    delete_cookie,
    form_reader,
    json_response,
    set_cookie,
)

SESSION = "session"


@dataclass
class Keys:
    """The application's info: the key that signs session cookies."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


class SignIn(BaseModel):
    """The sign-in form: a name of plain letters and digits, else 422."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,40}$")]


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
    previous = cookies(scope).get("visits", "0")
    count = int(previous) + 1 if previous.isdigit() else 1
    # Behind HTTPS, also pass secure=True: the cookie then never travels in clear.
    return json_response(200, [set_cookie("visits", str(count), httponly=True)], {"visits": count})


async def sign_in(scope: HttpScope, info: Keys, matches: RouteMatches, content: Content) -> HttpResponse:
    form = await form_reader(content, SignIn, max_size=1000)
    one_day = 24 * 60 * 60
    session = set_cookie(SESSION, sign(info.secret, form.name), max_age=one_day, httponly=True)
    return json_response(200, [session], {"name": form.name})


async def whoami(scope: HttpScope, info: Keys, matches: RouteMatches, content: Content) -> HttpResponse:
    signed = cookies(scope).get(SESSION)
    name = verified(info.secret, signed) if signed else None
    if name is None:
        raise HttpError(401, "not signed in")
    return json_response(200, None, {"name": name})


async def sign_out(scope: HttpScope, info: Keys, matches: RouteMatches, content: Content) -> HttpResponse:
    return 204, [delete_cookie(SESSION)]


app = Application(info=Keys())
app.http_router.add({"GET"}, "/visits", visits)
app.http_router.add({"POST"}, "/session", sign_in)
app.http_router.add({"DELETE"}, "/session", sign_out)
app.http_router.add({"GET"}, "/whoami", whoami)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
