"""The reader, writer and router contracts are satisfied by the framework's own."""

from __future__ import annotations

from bareasgi import (
    Application,
    BodyReader,
    BodyWriter,
    HttpRouter,
    HttpTreeRouter,
    Info,
    TextReader,
    TextWriter,
    WebSocketRouter,
    WebSocketTreeRouter,
    bytes_reader,
    bytes_writer,
    text_reader,
    text_writer,
)

read_bytes: BodyReader = bytes_reader
read_text: TextReader = text_reader
write_bytes: BodyWriter = bytes_writer
write_text: TextWriter = text_writer

http_router: HttpRouter[Info] = HttpTreeRouter(trailing_slash="redirect")
ws_router: WebSocketRouter[Info] = WebSocketTreeRouter()
app = Application(http_router=http_router, web_socket_router=ws_router)
