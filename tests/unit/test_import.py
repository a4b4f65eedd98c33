"""Importing bareasgi is quick: Pydantic is imported only where a converter needs it, and
the optional parts only when one of their names is first used."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import bareasgi

PROBE = """
import sys
from bareasgi import Application, text_writer

async def hello(scope, info, matches, content):
    return 200, [], text_writer("hello")

app = Application()
app.http_router.add({"GET"}, "/user/<id:int>/<rest:path>", hello, name="user")
app.http_router.add({"GET"}, "/price/{amount:decimal}/{ratio:float}/{name}", hello)
print("pydantic" in sys.modules, "pydantic_core" in sys.modules)
print(app.http_router.url_for("user", id=42, rest="a/b"))
print("pydantic" in sys.modules)
app.http_router.add({"GET"}, "/day/{when:date}", hello)
print("pydantic" in sys.modules)
"""


def test_an_application_of_strings_and_numbers_starts_without_pydantic() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    before, path, after_url_for, after_date = done.stdout.splitlines()
    assert before == "False False"
    assert path == "/user/42/a/b"
    assert after_url_for == "True"  # url_for checks values with Pydantic, imported then
    assert after_date == "True"


# The optional parts, imported when one of their names is first asked for: each public
# name of theirs, and the module that defines it.
LAZY_NAMES = {
    "form_reader": "bareasgi.bodies",
    "json_reader": "bareasgi.bodies",
    "compression_middleware": "bareasgi.compression",
    "cors_middleware": "bareasgi.cors",
    "Part": "bareasgi.multipart",
    "multipart_reader": "bareasgi.multipart",
    "cookies": "bareasgi.request",
    "header": "bareasgi.request",
    "header_values": "bareasgi.request",
    "query": "bareasgi.request",
    "query_params": "bareasgi.request",
    "bytes_response": "bareasgi.responses",
    "json_response": "bareasgi.responses",
    "text_response": "bareasgi.responses",
    "static_files": "bareasgi.static",
}

MINIMAL_APP = """
import sys
from bareasgi import Application, text_writer

async def hello(scope, info, matches, content):
    return 200, [(b"content-type", b"text/plain")], text_writer("hello")

app = Application()
app.http_router.add({"GET"}, "/", hello)
app.http_router.add({"GET"}, "/user/<id:int>", hello)
print(" ".join(sorted(name for name in sys.modules if name.startswith(("bareasgi.", "asyncio")))))
"""


def test_a_minimal_application_starts_without_the_optional_parts() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MINIMAL_APP], capture_output=True, text=True, check=True
    )
    imported = set(done.stdout.split())
    assert "bareasgi.application" in imported  # the probe saw bareasgi's modules
    assert imported.isdisjoint(LAZY_NAMES.values())
    assert "bareasgi.validation" not in imported  # what the request helpers bring
    # asyncio is imported by the server that runs the application, not by bareasgi:
    # its watchers of streamed responses come with the first one.
    assert "asyncio" not in imported and "bareasgi.watch_asyncio" not in imported


def test_every_lazy_name_is_the_object_its_module_defines() -> None:
    for name, module in LAZY_NAMES.items():
        assert getattr(bareasgi, name) is getattr(importlib.import_module(module), name), name
    assert set(LAZY_NAMES) <= set(bareasgi.__all__)


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in bareasgi.__all__:
        assert getattr(bareasgi, name) is not None, name
    assert set(bareasgi.__all__) <= set(dir(bareasgi))
    with pytest.raises(AttributeError, match="'bareasgi' has no attribute 'not_a_name'"):
        getattr(bareasgi, "not_a_name")  # through getattr: type checkers refuse the name


FRESH_LAZY_IMPORTS = """
import sys
import bareasgi
import bareasgi.request
from bareasgi import cookies, cors_middleware
assert "bareasgi.cors" in sys.modules and "bareasgi.static" not in sys.modules
import bareasgi.cookies
import bareasgi.cors
from bareasgi import *
assert cookies is bareasgi.cookies is bareasgi.request.cookies
assert cors_middleware is bareasgi.cors.cors_middleware
print("ok")
"""


def test_lazy_names_resolve_in_a_fresh_interpreter() -> None:
    # bareasgi.cookies names the request helper, not the submodule of cookie codecs,
    # however the submodule was imported.
    done = subprocess.run(
        [sys.executable, "-c", FRESH_LAZY_IMPORTS], capture_output=True, text=True, check=True
    )
    assert done.stdout == "ok\n"
