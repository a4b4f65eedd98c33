"""What makes a ``location`` safe: a browser following it stays on the site.

Browsers parse a ``location`` by the WHATWG URL rules: they strip leading and trailing
C0 controls and spaces, remove every tab and newline, and for http(s) read a backslash
as a slash; a reference that then starts with two slashes names another host. A
location that holds only the characters a URI path or query may hold as they are, and
starts with one slash followed by anything but a slash, is a path on this host under
any of those rules.
"""

from __future__ import annotations

import string
from urllib.parse import unquote, urljoin, urlsplit

SITE = "https://site.example/some/page"
URI_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")


def browser_reading(location: str) -> str:
    """``location`` as a browser's URL parser sees it before resolving it."""
    stripped = location.strip("".join(map(chr, range(0x21))))
    for character in "\t\n\r":
        stripped = stripped.replace(character, "")
    return stripped.replace("\\", "/")


def assert_same_site(location: bytes, path: str | None = None) -> None:
    """Fail unless a browser following ``location`` stays on the site (at ``path``)."""
    text = location.decode("ascii")
    assert set(text) <= URI_CHARACTERS, text
    assert text.startswith("/") and not text.startswith(("//", "/\\")), text
    assert not browser_reading(text).startswith("//"), text
    assert urlsplit(urljoin(SITE, text)).netloc == "site.example", text
    if path is not None:
        assert unquote(text.partition("?")[0]) == path, text
