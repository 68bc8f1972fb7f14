"""The raw engine, in memory, on the shipped diagrams: the yardstick the service is measured against.

    .venv/bin/python bench/engine.py [-n 200]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.designer.service import shipped_files  # noqa: E402
from app.engine import CaseRun, parse_bundle  # noqa: E402

# The lifecycle the benchmark drives: open -> route -> handle -> mediate -> confirm -> callback -> closed.
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("Task_route", {"is_police_matter": False, "category": "labour_dispute", "township": "xiuzhou-gaozhao"}),
    ("Task_handle", {"result": "needs_mediation"}),
    ("Task_mediate", {"outcome": "agreement", "apply_judicial_confirmation": True}),
    ("Task_judicial", {"decision": "confirmed"}),
    ("Task_callback", {"satisfaction": "satisfied"}),
]
START = {"case_no": "BENCH", "channel": "110", "category": None, "township": None}


def _step(run: CaseRun, element_id: str) -> str:
    return next(t.task_id for t in run.snapshot().ready if t.element_id == element_id)


def lifecycle_in_memory(bundle: Any) -> None:
    run = CaseRun.start(bundle, START)
    for element_id, data in STEPS:
        run.complete(_step(run, element_id), data)
    assert run.snapshot().completed


def lifecycle_with_saves(bundle: Any, per_step: dict[str, list[float]]) -> None:
    """What a durable engine must do at least: load the state, run the step, save the state."""
    started = time.perf_counter()
    state = CaseRun.start(bundle, START).dump()
    per_step.setdefault("open", []).append(time.perf_counter() - started)
    for element_id, data in STEPS:
        started = time.perf_counter()
        run = CaseRun.resume(bundle, state)
        run.complete(_step(run, element_id), data)
        state = run.dump()
        per_step.setdefault(element_id, []).append(time.perf_counter() - started)


def measure(n: int) -> dict[str, Any]:
    bundle = parse_bundle(shipped_files(str(REPO / "processes")))
    for _ in range(5):  # warm caches (compiled scripts, validators)
        lifecycle_in_memory(bundle)
    started = time.perf_counter()
    for _ in range(n):
        lifecycle_in_memory(bundle)
    in_memory = n / (time.perf_counter() - started)
    per_step: dict[str, list[float]] = {}
    started = time.perf_counter()
    for _ in range(n):
        lifecycle_with_saves(bundle, per_step)
    with_saves = n / (time.perf_counter() - started)
    return {
        "lifecycles_per_s_in_memory": in_memory,
        "lifecycles_per_s_with_save_load": with_saves,
        "step_ms_load_run_save": {k: statistics.median(v) * 1000 for k, v in per_step.items()},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    result = measure(parser.parse_args().n)
    print(result)
