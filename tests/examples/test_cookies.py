"""examples/cookies.py: cookies set, sent back, signed against tampering, and cleared."""

from __future__ import annotations

import pytest

from bareasgi.testing import TestClient
from examples import cookies

pytestmark = pytest.mark.anyio


async def test_the_visit_counter_goes_up_with_the_cookie_sent_back() -> None:
    async with TestClient(cookies.app) as client:  # the client keeps the cookies it is given
        first = await client.get("/visits")
        assert first.headers["set-cookie"] == "visits=1; Path=/; HttpOnly; SameSite=Lax"
        assert [(await client.get("/visits")).json()["visits"] for _ in range(2)] == [2, 3]


async def test_signing_in_and_out() -> None:
    async with TestClient(cookies.app) as client:
        assert (await client.get("/whoami")).status_code == 401
        signed_in = await client.post("/session", data={"name": "harry"})
        assert signed_in.json() == {"name": "harry"}
        assert "Max-Age=86400" in signed_in.headers["set-cookie"]
        assert (await client.get("/whoami")).json() == {"name": "harry"}
        signed_out = await client.delete("/session")
        assert signed_out.status_code == 204
        assert "Max-Age=0" in signed_out.headers["set-cookie"]
        assert (await client.get("/whoami")).status_code == 401


@pytest.mark.parametrize(
    "cookie",
    ["session=harry", "session=harry.0000", "session=", 'session="bad', "session=\u00e9.x"],
    ids=["unsigned", "wrong-signature", "empty", "malformed", "not-ascii"],
)
async def test_a_session_cookie_not_signed_by_the_app_is_refused(cookie: str) -> None:
    async with TestClient(cookies.app) as client:
        response = await client.get("/whoami", headers={b"cookie": cookie.encode("latin-1")})
    assert response.status_code == 401


async def test_a_changed_name_breaks_the_signature() -> None:
    async with TestClient(cookies.app) as client:
        signed = cookies.sign(cookies.app.info.secret, "harry")
        forged = "session=" + signed.replace("harry", "admin", 1)
        assert (await client.get("/whoami", headers={"cookie": forged})).status_code == 401
        assert (await client.get("/whoami", headers={"cookie": "session=" + signed})).status_code == 200


@pytest.mark.parametrize("name", ["", "harry palmer", "h\u00e4rry"])
async def test_names_must_be_plain_letters_and_digits(name: str) -> None:
    async with TestClient(cookies.app) as client:
        response = await client.post("/session", data={"name": name})
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["name"]]
