"""examples/sse.py: events arrive one by one, resume after last-event-id, and stop when the client goes."""

from __future__ import annotations

import json

import pytest

from bareasgi.testing import TestClient
from examples import sse

# httpx's own streaming generators are dropped unfinished when a test leaves a stream
# early; trio reports each of them when it is garbage collected.
pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings(
        r"ignore:Exception ignored in. <async_generator object (Response|BoundAsyncStream)\.:"
        "pytest.PytestUnraisableExceptionWarning"
    ),
]


async def read_events(client: TestClient, count: int, headers: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The first ``count`` events of ``/events``, each as its fields; then the client leaves."""
    found: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    async with client.stream("GET", "/events", headers=headers) as response:
        assert response.headers["content-type"] == "text/event-stream"
        async for line in response.aiter_lines():
            if line:
                name, _, value = line.partition(": ")
                fields[name] = value
                continue
            found.append(fields)
            fields = {}
            if len(found) == count:
                break
    return found


async def test_events_are_numbered_and_stop_when_the_client_leaves() -> None:
    app = sse.make_app(interval=0.01)
    async with TestClient(app) as client:
        retry, *events = await read_events(client, 4)
        assert retry == {"retry": "2000"}
        assert [event["id"] for event in events] == ["1", "2", "3"]
        assert [json.loads(event["data"])["count"] for event in events] == [1, 2, 3]
        assert (await client.get("/listeners")).json() == {"listeners": 0}


async def test_a_reconnecting_browser_resumes_after_its_last_event() -> None:
    app = sse.make_app(interval=0.01)
    async with TestClient(app) as client:
        _, first = await read_events(client, 2, headers={"last-event-id": "41"})
    assert first["id"] == "42"


async def test_the_page_listens_to_the_events() -> None:
    async with TestClient(sse.make_app()) as client:
        response = await client.get("/")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert 'new EventSource("/events")' in response.text
