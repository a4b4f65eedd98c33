"""Cookies out: ``set-cookie`` headers, checked; and the bareASGI 3.x cookie codecs.

:func:`set_cookie` and :func:`delete_cookie` make one ``set-cookie`` header each and
refuse, with ``ValueError`` naming it, any name, value or attribute that would break
the header (RFC 6265 section 4.1.1). Reading the request's cookies is
:func:`bareasgi.cookies`.

The 3.x codecs (:func:`encode_set_cookie`, :func:`decode_set_cookie`,
:func:`encode_cookies`, :func:`decode_cookies`) work on bytes and give what bareASGI
3.7.1 gave for the same input, with two differences: a name starting ``__Secure-`` is
accepted with ``secure=True`` (3.x refused it whatever ``secure`` was), and bytes that
no server sends in a header (controls: CR, LF, NUL...) raise ``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Final, Literal

from typing_extensions import TypeAlias

from .types import Header

SameSite: TypeAlias = Literal["lax", "strict", "none"]
"""The ``samesite`` attributes of :func:`set_cookie`."""

SetCookieValue: TypeAlias = "bytes | str | bool | datetime | timedelta"
"""A value of :func:`decode_set_cookie`'s dict."""

_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_COOKIE_OCTETS: Final = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")
_ATTRIBUTE: Final = re.compile(r"[\x20-\x3a\x3c-\x7e]*")  # any printable ASCII but ';'
_CONTROLS: Final = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SAME_SITE: Final = {"lax": "Lax", "strict": "Strict", "none": "None"}
_EPOCH: Final = "Thu, 01 Jan 1970 00:00:00 GMT"


def set_cookie(
    name: str,
    value: str,
    *,
    max_age: int | timedelta | None = None,
    expires: datetime | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: SameSite | None = "lax",
) -> Header:
    """One ``set-cookie`` header: ``(b"set-cookie", b"name=value; Path=/; SameSite=Lax")``.

    ``name`` must be a token and ``value`` cookie-octets (printable ASCII but space,
    ``"``, ``,``, ``;`` and ``\\``: encode anything else, for example with
    :func:`urllib.parse.quote`); ``path`` and ``domain`` printable ASCII without ``;``.
    Anything else raises ``ValueError`` naming it. ``max_age`` is in seconds;
    ``expires`` a naive ``datetime`` is taken as UTC. ``samesite='none'`` needs
    ``secure=True`` (browsers drop the cookie otherwise); a name starting
    ``__Secure-`` or ``__Host-`` needs ``secure=True`` too, and ``__Host-`` also
    ``path='/'`` and no ``domain``.
    """
    if _TOKEN.fullmatch(name) is None:
        raise ValueError(f"set_cookie: the cookie name {name!r} is not an RFC 6265 token")
    if _COOKIE_OCTETS.fullmatch(value) is None:
        raise ValueError(
            f"set_cookie: the value of cookie {name!r} has a character a cookie cannot hold "
            f"(space, '\"', ',', ';', '\\\\', a control or non-ASCII): {value[:40]!r}"
        )
    parts = [f"{name}={value}"]
    if max_age is not None:
        seconds = int(max_age.total_seconds()) if isinstance(max_age, timedelta) else max_age
        if type(seconds) is not int:
            raise ValueError(f"set_cookie: max_age of cookie {name!r} must be an int or a timedelta")
        parts.append(f"Max-Age={seconds}")
    if expires is not None:
        parts.append(f"Expires={http_date(expires)}")
    if path is not None:
        parts.append(f"Path={_attribute(name, 'path', path)}")
    if domain is not None:
        parts.append(f"Domain={_attribute(name, 'domain', domain)}")
    if secure:
        parts.append("Secure")
    if httponly:
        parts.append("HttpOnly")
    if samesite is not None:
        spelled = _SAME_SITE.get(samesite)
        if spelled is None:
            raise ValueError(f"set_cookie: samesite of cookie {name!r} is 'lax', 'strict', 'none' or None, not {samesite!r}")
        if spelled == "None" and not secure:
            raise ValueError(f"set_cookie: cookie {name!r} with samesite='none' needs secure=True")
        parts.append(f"SameSite={spelled}")
    _check_prefix(name, secure, path, domain)
    return b"set-cookie", "; ".join(parts).encode("ascii")


def delete_cookie(name: str, *, path: str | None = "/", domain: str | None = None) -> Header:
    """A ``set-cookie`` header that makes the browser drop cookie ``name`` at once.

    ``path`` and ``domain`` must be those the cookie was set with.
    """
    if _TOKEN.fullmatch(name) is None:
        raise ValueError(f"delete_cookie: the cookie name {name!r} is not an RFC 6265 token")
    parts = [f"{name}=", "Max-Age=0", f"Expires={_EPOCH}"]
    if path is not None:
        parts.append(f"Path={_attribute(name, 'path', path)}")
    if domain is not None:
        parts.append(f"Domain={_attribute(name, 'domain', domain)}")
    return b"set-cookie", "; ".join(parts).encode("ascii")


def http_date(when: datetime) -> str:
    """``when`` as an HTTP date (RFC 7231 IMF-fixdate); a naive ``datetime`` is taken as UTC."""
    moment = when.utctimetuple()
    return (
        f"{_DAYS[moment.tm_wday]}, {moment.tm_mday:02d} {_MONTHS[moment.tm_mon - 1]} "
        f"{moment.tm_year:04d} {moment.tm_hour:02d}:{moment.tm_min:02d}:{moment.tm_sec:02d} GMT"
    )


def _attribute(name: str, attribute: str, value: str) -> str:
    if _ATTRIBUTE.fullmatch(value) is None:
        raise ValueError(
            f"set_cookie: the {attribute} of cookie {name!r} must be printable ASCII without ';': {value!r}"
        )
    return value


def _check_prefix(name: str, secure: bool, path: str | None, domain: str | None) -> None:
    # RFC 6265bis section 4.1.3: browsers drop such cookies, so the mistake is raised here.
    if name.startswith(("__Secure-", "__Host-")) and not secure:
        raise ValueError(f"set_cookie: cookie {name!r} needs secure=True for its prefix")
    if name.startswith("__Host-") and (path != "/" or domain is not None):
        raise ValueError(f"set_cookie: cookie {name!r} needs path='/' and no domain for its prefix")


# --- bareASGI 3.x codecs -------------------------------------------------------------------


def encode_set_cookie(
    name: bytes,
    value: bytes,
    *,
    expires: datetime | None = None,
    max_age: int | timedelta | None = None,
    path: bytes | None = None,
    domain: bytes | None = None,
    secure: bool = False,
    http_only: bool = False,
    same_site: bytes | None = None,
) -> bytes:
    """A ``set-cookie`` header value, as bareASGI 3.x made it (see the module docstring).

    The attributes come in the order ``Expires``, ``Max-Age``, ``Domain``, ``Path``,
    ``Secure``, ``HttpOnly``, ``SameSite``; the bytes are used as given, unchecked but
    for controls. New code: :func:`set_cookie`, which checks them all.
    """
    if name.startswith((b"__Secure-", b"__Host-")) and not secure:
        raise ValueError(f"encode_set_cookie: cookie {name!r} needs secure=True for its prefix")
    for label, given in (("name", name), ("value", value), ("path", path), ("domain", domain), ("same_site", same_site)):
        if given is not None and _CONTROLS.search(given) is not None:
            raise ValueError(f"encode_set_cookie: the {label} of cookie {name[:40]!r} holds a control character")
    header = name + b"=" + value
    if expires is not None:
        header += b"; Expires=" + http_date(expires).encode()
    if max_age is not None:
        seconds = max_age.total_seconds() if isinstance(max_age, timedelta) else max_age
        header += b"; Max-Age=%d" % int(seconds)
    if domain is not None:
        header += b"; Domain=" + domain
    if path is not None:
        header += b"; Path=" + path
    if secure:
        header += b"; Secure"
    if http_only:
        header += b"; HttpOnly"
    if same_site is not None:
        header += b"; SameSite=" + same_site
    return header


def decode_set_cookie(set_cookie: bytes) -> dict[str, SetCookieValue]:
    """A ``set-cookie`` header value as a dict, as bareASGI 3.x read it.

    ``name`` and ``value`` are bytes; ``expires`` a UTC ``datetime``, ``max_age`` a
    ``timedelta``, ``secure`` and ``http_only`` ``True`` when present, ``same_site`` a
    ``str``; any other attribute is kept as bytes under its lower-case name. A date or
    max-age that does not parse raises ``ValueError``.
    """
    first, *attributes = set_cookie.split(b";")
    name, _, value = first.partition(b"=")
    found: dict[str, SetCookieValue] = {"name": name, "value": value}
    for attribute in attributes:
        key, _, given = attribute.partition(b"=")
        label = key.strip().lower().decode("ascii")
        if label == "secure":
            found["secure"] = True
        elif label == "httponly":
            found["http_only"] = True
        elif label == "expires":
            found["expires"] = _parse_date(given.decode("ascii"))
        elif label == "max-age":
            found["max_age"] = timedelta(seconds=int(given))
        elif label == "samesite":
            found["same_site"] = given.decode("ascii")
        else:
            found[label] = given
    return found


def encode_cookies(cookies: Mapping[bytes, list[bytes]]) -> bytes:
    """A ``cookie`` header value: every value of every name, ``name=value`` joined by ``; ``."""
    return b"; ".join(name + b"=" + value for name, values in cookies.items() for value in values)


def decode_cookies(cookies: bytes) -> dict[bytes, list[bytes]]:
    """A ``cookie`` header value by name, every value kept, as bareASGI 3.x read it.

    Pairs are split at ``; `` and used as they are (3.x did no unquoting and kept a
    pair without ``=`` with an empty value). New code: :func:`bareasgi.cookies`, which
    reads the header as RFC 6265 says.
    """
    found: dict[bytes, list[bytes]] = {}
    for pair in cookies.rstrip(b"; ").split(b"; "):
        name, _, value = pair.partition(b"=")
        found.setdefault(name, []).append(value)
    return found


# The two date forms 3.x read in ``expires``: RFC 7231's IMF-fixdate, and RFC 850's
# with a two-digit year taken as 20xx.
_FIXDATE: Final = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT\n?")
_RFC_850: Final = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT\n?")


def _parse_date(text: str) -> datetime:
    for pattern, century in ((_FIXDATE, 0), (_RFC_850, 2000)):
        found = pattern.fullmatch(text)
        if found is not None and found[2] in _MONTHS:
            day, month, year, hour, minute, second = found.groups()
            return datetime(
                century + int(year), _MONTHS.index(month) + 1, int(day),
                int(hour), int(minute), int(second), tzinfo=timezone.utc,
            )  # fmt: skip
    raise ValueError(f"decode_set_cookie: {text[:40]!r} is not an HTTP date")
