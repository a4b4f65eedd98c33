"""Cookies out (set_cookie, delete_cookie) and the 3.x codecs, compared with bareASGI 3.7.1's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import bareutils.cookies as legacy
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bareasgi import (
    cookies,
    decode_cookies,
    decode_set_cookie,
    delete_cookie,
    encode_cookies,
    encode_set_cookie,
    set_cookie,
)

from .peer import http_scope


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (set_cookie("theme", "dark"), b"theme=dark; Path=/; SameSite=Lax"),
        (
            set_cookie("session", "abc.123", max_age=3600, httponly=True, secure=True, samesite="strict"),
            b"session=abc.123; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Strict",
        ),
        (
            set_cookie("a", "1", max_age=timedelta(days=1), expires=datetime(2030, 1, 2, 3, 4, 5), path=None, samesite=None),
            b"a=1; Max-Age=86400; Expires=Wed, 02 Jan 2030 03:04:05 GMT",
        ),
        (set_cookie("a", "", domain="example.com", path="/app"), b"a=; Path=/app; Domain=example.com; SameSite=Lax"),
        (set_cookie("__Host-id", "1", secure=True, samesite="none"), b"__Host-id=1; Path=/; Secure; SameSite=None"),
        (delete_cookie("session"), b"session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"),
        (delete_cookie("s", path=None, domain="example.com"), b"s=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=example.com"),
    ],
    ids=["defaults", "all-flags", "dates", "domain-path", "host-prefix", "delete", "delete-domain"],
)  # fmt: skip
def test_set_cookie_headers(header: tuple[bytes, bytes], expected: bytes) -> None:
    assert header == (b"set-cookie", expected)


def test_an_aware_expiry_is_written_in_gmt() -> None:
    plus_two = timezone(timedelta(hours=2))
    _, value = set_cookie("a", "1", expires=datetime(2030, 1, 2, 5, 4, 5, tzinfo=plus_two))
    assert b"Expires=Wed, 02 Jan 2030 03:04:05 GMT" in value


@pytest.mark.parametrize(
    ("name", "value", "culprit"),
    [
        ("a;b", "1", "'a;b'"),
        ("a b", "1", "'a b'"),
        ("", "1", "''"),
        ("a=b", "1", "'a=b'"),
        ("ok", "x;injected=1", "'x;injected=1'"),
        ("ok", "x\r\nSet-Cookie: evil=1", "'x\\\\r\\\\nSet-Cookie: evil=1'"),
        ("ok", "a b", "'a b'"),
        ("ok", 'a"b', "'a\"b'"),
        ("ok", "a,b", "'a,b'"),
        ("ok", "a\\b", "'a\\\\\\\\b'"),
        ("ok", "é", "'é'"),
        ("ok", "\x00", "'\\\\x00'"),
    ],
    ids=["semicolon-name", "space-name", "empty-name", "equals-name", "semicolon", "crlf", "space", "quote", "comma", "backslash", "non-ascii", "nul"],
)  # fmt: skip
def test_set_cookie_refuses_what_would_break_the_header(name: str, value: str, culprit: str) -> None:
    with pytest.raises(ValueError, match=culprit):
        set_cookie(name, value)


@pytest.mark.parametrize(
    ("kwargs", "culprit"),
    [
        ({"path": "/a;b"}, "path"),
        ({"domain": "example.com\r\n"}, "domain"),
        ({"samesite": "none"}, "secure=True"),
        ({"samesite": "loose"}, "samesite"),
    ],
    ids=["path", "domain", "samesite-none-insecure", "samesite-unknown"],
)
def test_set_cookie_refuses_bad_attributes(kwargs: dict[str, str], culprit: str) -> None:
    with pytest.raises(ValueError, match=culprit):
        set_cookie("a", "1", **kwargs)  # type: ignore[arg-type]  # the wrong values are the point


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("__Secure-id", {}), ("__Host-id", {}), ("__Host-id", {"secure": True, "path": "/app"})],
    ids=["secure-prefix", "host-prefix", "host-prefix-path"],
)
def test_set_cookie_refuses_a_prefix_without_what_it_needs(name: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=name):
        set_cookie(name, "1", **kwargs)  # type: ignore[arg-type]  # keyword arguments from a table


def test_delete_cookie_refuses_a_bad_name() -> None:
    with pytest.raises(ValueError, match="'a;b'"):
        delete_cookie("a;b")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(
    st.from_regex(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", fullmatch=True),
    st.from_regex(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*", fullmatch=True),
)
def test_a_cookie_set_reads_back(name: str, value: str) -> None:
    assume(not name.startswith(("__Secure-", "__Host-")))
    _, header = set_cookie(name, value)
    sent = header.split(b";", 1)[0]  # what a browser sends back
    assert cookies(http_scope(headers=[(b"cookie", sent)])) == {name: value}


# --- The 3.x codecs, against bareASGI 3.7.1's own (bareutils 3.7.0) ---------------------

header_bytes = st.binary().filter(lambda data: not any(b < 0x20 and b != 0x09 or b == 0x7F for b in data))
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(
    name=header_bytes,
    value=header_bytes,
    expires=st.none() | moments | moments.map(lambda moment: moment.replace(tzinfo=timezone.utc)),
    max_age=st.none() | st.integers(-(10**9), 10**9) | st.timedeltas(min_value=timedelta(days=-999), max_value=timedelta(days=999)),
    path=st.none() | header_bytes,
    domain=st.none() | header_bytes,
    secure=st.booleans(),
    http_only=st.booleans(),
    same_site=st.none() | st.sampled_from([b"Lax", b"Strict", b"None"]),
)  # fmt: skip
def test_encode_set_cookie_gives_the_bytes_3x_gave(
    name: bytes,
    value: bytes,
    expires: datetime | None,
    max_age: int | timedelta | None,
    path: bytes | None,
    domain: bytes | None,
    secure: bool,
    http_only: bool,
    same_site: bytes | None,
) -> None:
    assume(not name.startswith(b"__Secure-"))  # 3.x refused these even with secure=True
    arguments = {
        "expires": expires, "max_age": max_age, "path": path, "domain": domain,
        "secure": secure, "http_only": http_only, "same_site": same_site,
    }  # fmt: skip
    try:
        expected = legacy.encode_set_cookie(name, value, **arguments)  # type: ignore[arg-type]  # bareutils is untyped
    except RuntimeError:
        with pytest.raises(ValueError, match="prefix"):
            encode_set_cookie(name, value, **arguments)  # type: ignore[arg-type]  # from the dict above
        return
    assert encode_set_cookie(name, value, **arguments) == expected  # type: ignore[arg-type]  # from the dict above


def test_encode_set_cookie_takes_a_secure_prefix_with_secure_as_3x_meant_to() -> None:
    assert encode_set_cookie(b"__Secure-id", b"1", secure=True) == b"__Secure-id=1; Secure"
    with pytest.raises(ValueError, match="prefix"):
        encode_set_cookie(b"__Secure-id", b"1")


@pytest.mark.parametrize("field", ["name", "value", "path", "domain", "same_site"])
def test_encode_set_cookie_refuses_control_characters(field: str) -> None:
    arguments: dict[str, bytes] = {"name": b"a", "value": b"1", field: b"x\r\nSet-Cookie: evil=1"}
    with pytest.raises(ValueError, match=field):
        encode_set_cookie(**arguments)  # type: ignore[arg-type]  # name and value are positional in use


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(
    name=header_bytes.filter(lambda data: b";" not in data and b"=" not in data),
    value=header_bytes.filter(lambda data: b";" not in data),
    expires=st.none() | moments,
    max_age=st.none() | st.integers(-(10**9), 10**9),
    path=st.none() | header_bytes.filter(lambda data: b";" not in data),
    secure=st.booleans(),
    http_only=st.booleans(),
    same_site=st.none() | st.sampled_from([b"Lax", b"Strict"]),
)
def test_decode_set_cookie_reads_as_3x_read(
    name: bytes,
    value: bytes,
    expires: datetime | None,
    max_age: int | None,
    path: bytes | None,
    secure: bool,
    http_only: bool,
    same_site: bytes | None,
) -> None:
    assume(not name.startswith((b"__Secure-", b"__Host-")))
    header = legacy.encode_set_cookie(
        name, value, expires=expires, max_age=max_age, path=path, secure=secure, http_only=http_only, same_site=same_site
    )
    assert decode_set_cookie(header) == legacy.decode_set_cookie(header)


@pytest.mark.parametrize(
    "header",
    [
        b"a=1; Expires=Mon, 23-Mar-20 07:36:36 GMT",
        b"a=1;expires=Wed, 02 Jan 2030 03:04:05 GMT;SECURE;HttpOnly",
        b"a=1; Priority=High; Partitioned",
        b" a = 1 ; Max-Age= 60",
    ],
    ids=["rfc-850-date", "no-spaces", "unknown-attributes", "loose-spacing"],
)
def test_decode_set_cookie_reads_these_as_3x_did(header: bytes) -> None:
    assert decode_set_cookie(header) == legacy.decode_set_cookie(header)


@pytest.mark.parametrize(
    "header",
    [b"a=1; Expires=tomorrow", b"a=1; Expires=Wed, 32 Jan 2030 03:04:05 GMT", b"a=1; Max-Age=soon"],
    ids=["not-a-date", "no-such-day", "not-a-number"],
)
def test_decode_set_cookie_raises_value_error_where_3x_did(header: bytes) -> None:
    with pytest.raises(ValueError):
        legacy.decode_set_cookie(header)
    with pytest.raises(ValueError):
        decode_set_cookie(header)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.dictionaries(header_bytes, st.lists(header_bytes, max_size=3), max_size=5))
def test_encode_cookies_gives_the_bytes_3x_gave(jar: dict[bytes, list[bytes]]) -> None:
    assert encode_cookies(jar) == legacy.encode_cookies(jar)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # behaviour, not speed
@given(st.binary())
def test_decode_cookies_reads_any_header_as_3x_read_it(header: bytes) -> None:
    assert decode_cookies(header) == legacy.decode_cookies(header)


def test_decode_cookies_keeps_every_value() -> None:
    assert decode_cookies(b"a=1; b=2; a=3; ") == {b"a": [b"1", b"3"], b"b": [b"2"]}
    assert encode_cookies({b"a": [b"1", b"3"], b"b": [b"2"]}) == b"a=1; a=3; b=2"
