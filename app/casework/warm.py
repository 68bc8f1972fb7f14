"""Workflows kept warm between requests: the live workflow a save left behind, keyed by the bytes it saved.

Resuming a workflow from its stored state (decompress, parse, rebuild every task) is the largest part of a
request after running the engine itself. A case is usually worked on again soon, often by the same process:
the unit of work keeps the workflow it saved under a digest of the exact state bytes it wrote, and the next
unit that reads those same bytes from the database takes that workflow instead of rebuilding it. Keyed by
content, an entry can only ever match the state it is a copy of: a transaction that rolled back, another
process that saved the case since, a case moved to another version — each leaves other bytes in the row,
and the entry is simply never found again (it ages out). An entry is taken, never shared: two requests on
one case never hold the same object.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from app.engine import CaseRun

# The default of config.WARM_WORKFLOWS; a live workflow of the shipped diagrams holds about 45 KB.
CAPACITY = 256


def digest(state: bytes) -> bytes:
    return hashlib.blake2b(state, digest_size=16).digest()


class WarmWorkflows:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._entries: OrderedDict[bytes, CaseRun] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def take(self, state: bytes) -> CaseRun | None:
        with self._lock:
            return self._entries.pop(digest(state), None)

    def keep(self, state: bytes, run: CaseRun) -> None:
        with self._lock:
            self._entries[digest(state)] = run
            self._drop_oldest()

    def resize(self, capacity: int) -> None:
        with self._lock:
            self._capacity = capacity
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        """Down to the capacity, least recently kept first; the caller holds the lock."""
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


warm = WarmWorkflows()
