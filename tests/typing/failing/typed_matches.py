"""A handler misusing the matches it declared as a TypedDict."""

from __future__ import annotations

from typing import TypedDict

from bareasgi import Content, HttpResponse, HttpScope, Info, json_response


class UserMatches(TypedDict):
    id: int


async def get_user(scope: HttpScope, info: Info, matches: UserMatches, content: Content) -> HttpResponse:
    name: str = matches["id"]  # E: Incompatible types in assignment
    return json_response(200, None, {"id": matches["user_id"]})  # E: TypedDict "UserMatches" has no key "user_id"
