"""The TypedDicts the guarded handlers declare, imported by them for type checkers only."""

from __future__ import annotations

from typing import TypedDict


class UserMatches(TypedDict):
    id: int


class PostMatches(TypedDict):
    slug: str
