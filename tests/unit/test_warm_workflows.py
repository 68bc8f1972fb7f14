"""The warm workflows' size is a setting: the process keeps as many live workflows as it is told, the oldest go."""
from __future__ import annotations

from typing import Any

from app import create_app
from app.casework.warm import WarmWorkflows, warm
from config import TestConfig


def test_resizing_drops_the_least_recently_kept_and_keeps_the_rest():
    kept = WarmWorkflows(capacity=3)
    runs: dict[bytes, Any] = {state: object() for state in (b"first", b"second", b"third")}
    for state, run in runs.items():
        kept.keep(state, run)
    kept.resize(2)
    assert kept.take(b"first") is None
    assert kept.take(b"second") is runs[b"second"] and kept.take(b"third") is runs[b"third"]
    for state in (b"a", b"b", b"c"):
        kept.keep(state, object())
    assert kept.take(b"a") is None, "two places, three kept: the oldest went"


def test_the_application_sizes_the_process_s_warm_workflows_from_its_setting():
    class Roomy(TestConfig):
        WARM_WORKFLOWS = 5

    try:
        create_app(Roomy)
        for n in range(7):
            warm.keep(f"state {n}".encode(), object())  # type: ignore[arg-type]
        assert [warm.take(f"state {n}".encode()) is not None for n in range(7)] == [False, False] + [True] * 5
    finally:
        warm.clear()
        create_app(TestConfig)
