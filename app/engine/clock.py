"""The one "now" of the service: SpiffWorkflow's timers, the sweep, reports and tests all read it.

SpiffWorkflow's timer module calls ``datetime.now(timezone.utc)`` directly and offers no hook, so the
module's ``datetime`` name is replaced by a subclass whose ``now`` asks this clock.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer


class Clock:
    def __init__(self) -> None:
        self._fixed: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        fixed = self._fixed
        return fixed if fixed is not None else datetime.now(UTC)

    def set(self, when: datetime | None) -> None:
        """Fix the clock at ``when`` (aware), or let it run again with None."""
        if when is not None and when.tzinfo is None:
            raise ValueError("the clock needs an aware datetime (with an offset)")
        with self._lock:
            self._fixed = when.astimezone(UTC) if when is not None else None

    @contextmanager
    def frozen_at(self, when: datetime) -> Iterator[None]:
        previous = self._fixed
        self.set(when)
        try:
            yield
        finally:
            self.set(previous)


clock = Clock()


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        current = clock.now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


_spiff_timer.datetime = _ClockDatetime
