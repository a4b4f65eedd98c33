"""The demo server: the getting-started examples and a typed route on one application.

Run it with ``make demo`` (or ``python -m examples.demo``) and try::

    curl http://127.0.0.1:9009/test
    curl http://127.0.0.1:9009/info
    curl -X POST -d '{"name": "Harry Palmer"}' http://127.0.0.1:9009/info
    curl http://127.0.0.1:9009/user/42
    python -m websockets ws://127.0.0.1:9009/test
"""

from __future__ import annotations

import uvicorn

from bareasgi import Application, Content, HttpResponse, HttpScope, Info, RouteMatches, json_response

from .rest import get_info, set_info
from .simple import http_request_callback
from .websocket_echo import websocket_callback


async def get_user(scope: HttpScope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    user_id: int = matches["id"]
    return json_response(200, None, {"id": user_id, "next": user_id + 1})


def make_app() -> Application:
    """The demo application, unstarted; each call gives a new one with its own info."""
    app = Application(info={"message": "This is not a test", "name": "Michael Caine"})
    app.http_router.add({"GET"}, "/test", http_request_callback)
    app.http_router.add({"GET"}, "/info", get_info)
    app.http_router.add({"POST"}, "/info", set_info)
    app.http_router.add({"GET"}, "/user/<id:int>", get_user)
    app.ws_router.add("/test", websocket_callback)
    return app


app = make_app()

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
