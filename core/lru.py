"""A small thread-safe least-recently-used cache for values that are costly to build (charts, figures)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

Value = TypeVar("Value")


class LruCache:
    """At most `size` values; get_or_build() builds a missing one outside the lock (two builds may race: same value)."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], Value]) -> Value:
        """The value under key, else build() stored under it (evicting the least recently used)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
