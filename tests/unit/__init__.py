"""In-process tests: the application driven by a scripted ASGI server."""
