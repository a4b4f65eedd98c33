"""Importing bareasgi is quick: Pydantic is imported only where a converter needs it."""

from __future__ import annotations

import subprocess
import sys

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
