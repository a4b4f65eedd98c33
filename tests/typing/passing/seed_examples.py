"""The getting-started examples, annotated with the exported aliases, unchanged otherwise."""

from __future__ import annotations

import json

from bareasgi import (
    Application,
    Content,
    HttpResponse,
    Info,
    RouteMatches,
    Scope,
    WebSocket,
    text_reader,
    text_writer,
)


async def http_request_callback(
    scope: Scope, info: Info, matches: RouteMatches, content: Content
) -> HttpResponse:
    return 200, [(b"content-type", b"text/plain")], text_writer(info["message"])


simple = Application(info={"message": "This is not a test"})
simple.http_router.add({"GET"}, "/test", http_request_callback)


async def get_info(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    text = json.dumps(info)
    return 200, [(b"content-type", b"application/json")], text_writer(text)


async def set_info(scope: Scope, info: Info, matches: RouteMatches, content: Content) -> HttpResponse:
    text = await text_reader(content)
    data = json.loads(text)
    info.update(data)
    return 204


rest = Application(info={"name": "Michael Caine"})
rest.http_router.add({"GET"}, "/info", get_info)
rest.http_router.add({"POST"}, "/info", set_info)


async def websocket_callback(
    scope: Scope, info: Info, matches: RouteMatches, web_socket: WebSocket
) -> None:
    await web_socket.accept()

    try:
        while True:
            text = await web_socket.receive()
            if text is None:
                break
            await web_socket.send("You said: " + str(text))
    except Exception as error:
        print(error)

    await web_socket.close()


sockets = Application()
sockets.ws_router.add("/test", websocket_callback)
