"""State a handler in a server thread shares with the test: one record per request, by key."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

RecordT = TypeVar("RecordT")


class Registry(Generic[RecordT]):
    """Records made by the test, found by the handler from the key in the request path."""

    def __init__(self, factory: Callable[[], RecordT]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._records: dict[int, RecordT] = {}
        self._keys = itertools.count()

    def new(self) -> tuple[int, RecordT]:
        """A fresh record and the key to put in the path that reaches it."""
        with self._lock:
            key = next(self._keys)
            record = self._records[key] = self._factory()
        return key, record

    def __getitem__(self, key: int) -> RecordT:
        with self._lock:
            return self._records[key]
