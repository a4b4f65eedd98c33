"""Handlers annotated with names that exist at run time only for type checkers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime

    from bareasgi import Content, HttpResponse, HttpScope, Info

    from . import matches as m
    from .matches import UserMatches


async def get_user(scope: HttpScope, info: Info, matches: UserMatches, content: Content) -> HttpResponse:
    return 200 if matches["id"] else 404


async def get_post(scope: HttpScope, info: Info, matches: m.PostMatches, content: Content) -> HttpResponse:
    return 200 if matches["slug"] else 404


async def get_day(scope: HttpScope, info: Info, matches: dict[str, datetime.date], content: Content) -> int:
    return 204
