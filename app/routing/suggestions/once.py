"""Loads done once per process, whichever thread asks first. ``lru_cache`` does not stop concurrent first calls:
each thread of a fresh gunicorn worker built its own model and tokenizer (seconds of CPU each on two cores)."""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LoadedOnce(Generic[T]):
    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._loaded: list[T] = []
        functools.update_wrapper(self, load)

    def __call__(self) -> T:
        loaded = self._loaded
        if loaded:  # once loaded, no lock: the tokenizer is asked for on every text
            return loaded[0]
        with self._lock:
            if not self._loaded:
                self._loaded = [self._load()]
            return self._loaded[0]

    def cache_clear(self) -> None:
        """Forget the value (tests load it afresh)."""
        self._loaded = []
