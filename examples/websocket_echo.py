"""WebSocket echo: every text message comes back prefixed with "You said: ".

Run it with ``python -m examples.websocket_echo`` and try::

    python -m websockets ws://127.0.0.1:9009/test
"""

from __future__ import annotations

import uvicorn

from bareasgi import Application, Info, RouteMatches, WebSocket, WebSocketScope


async def websocket_callback(
    scope: WebSocketScope, info: Info, matches: RouteMatches, web_socket: WebSocket
) -> None:
    await web_socket.accept()
    while True:
        message = await web_socket.receive()
        if message is None:  # the client has gone
            break
        if isinstance(message, str):
            await web_socket.send("You said: " + message)
        else:
            await web_socket.send(b"You said: " + message)  # binary in, binary out
    await web_socket.close()


app = Application()
app.ws_router.add("/test", websocket_callback)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9009)
