"""The demo server: the getting-started examples on one application.

Run it with ``python -m examples.demo`` and try::

    curl http://127.0.0.1:9009/test
    curl http://127.0.0.1:9009/info
    curl -X POST -d '{"name": "Harry Palmer"}' http://127.0.0.1:9009/info
    curl http://127.0.0.1:9009/user/42
    python -m websockets ws://127.0.0.1:9009/test
"""

from __future__ import annotations

import json

import uvicorn

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    Info,
    RouteMatches,
    Scope,
    WebSocket,
    json_response,
    text_reader,
    text_writer,
)


async def http_request_callback(
    scope: Scope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer(info["message"])


async def get_info(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    text = json.dumps(info)
    return 200, [(b"content-type", b"application/json")], text_writer(text)


async def set_info(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    text = await text_reader(content)
    data = json.loads(text)
    info.update(data)
    return 204


async def get_user(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    user_id: int = matches["id"]
    return json_response(200, None, {"id": user_id, "next": user_id + 1})


async def websocket_callback(
    scope: Scope, info: Info, matches: RouteMatches, web_socket: WebSocket
) -> None:
    await web_socket.accept()
    while True:
        text = await web_socket.receive()
        if text is None:
            break
        await web_socket.send("You said: " + str(text))
    await web_socket.close()


def make_app() -> Application:
    """The demo application, unstarted."""
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
