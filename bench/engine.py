"""The raw engine, in memory, on the shipped diagrams: the yardstick the service is measured against.
Plain SpiffWorkflow (its default script engine, no service code): run the lifecycle; then again with one
state-only save and load around every step, the least a durable engine must do.

    .venv/bin/python bench/engine.py [-n 200]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.designer.service import shipped_files  # noqa: E402
from app.engine import parse_bundle  # noqa: E402
from app.engine.serializer import _serializer, load_state  # noqa: E402

# The lifecycle the benchmark drives: open -> route -> handle -> mediate -> confirm -> callback -> closed.
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("Task_route", {"is_police_matter": False, "category": "labour_dispute", "township": "xiuzhou-gaozhao"}),
    ("Task_handle", {"result": "needs_mediation"}),
    ("Task_mediate", {"outcome": "agreement", "apply_judicial_confirmation": True}),
    ("Task_judicial", {"decision": "confirmed"}),
    ("Task_callback", {"satisfaction": "satisfied"}),
]
START = {"case_no": "BENCH", "channel": "110", "category": None, "township": None}


class WithGiven(TaskDataEnvironment):
    """SpiffWorkflow's default environment plus the one helper the shipped routing table calls:
    given("place", "") reads a variable a case may not have."""

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        given = {"given": lambda name, default=None: context.get(name, default)}
        return super().evaluate(expression, context, {**given, **(external_context or {})})


ENGINE = PythonScriptEngine(environment=WithGiven())


def start(bundle: Any) -> BpmnWorkflow:
    wf = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=ENGINE)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(START)
    wf.do_engine_steps()
    return wf


def step(wf: BpmnWorkflow, element_id: str, data: dict[str, Any]) -> None:
    task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == element_id)
    task.data.update(data)
    task.run()
    wf.do_engine_steps()


def lifecycle_in_memory(bundle: Any) -> None:
    wf = start(bundle)
    for element_id, data in STEPS:
        step(wf, element_id, data)
    assert wf.completed


def lifecycle_with_saves(bundle: Any, per_step: dict[str, list[float]]) -> None:
    started = time.perf_counter()
    state = _serializer.serialize_json(start(bundle))
    per_step.setdefault("open", []).append(time.perf_counter() - started)
    for element_id, data in STEPS:
        started = time.perf_counter()
        wf = load_state(state, bundle.spec, bundle.subprocess_specs, ENGINE)
        step(wf, element_id, data)
        state = _serializer.serialize_json(wf)
        per_step.setdefault(element_id, []).append(time.perf_counter() - started)


def measure_steps(n: int) -> float:
    """Mean of the per-step medians of load+run+save (ms), the user-task steps only."""
    bundle = parse_bundle(shipped_files(str(REPO / "processes")))
    per_step: dict[str, list[float]] = {}
    for _ in range(max(n, 5)):
        lifecycle_with_saves(bundle, per_step)
    return statistics.fmean(statistics.median(v) for k, v in per_step.items() if k != "open") * 1000


def rate_with_saves(n: int) -> float:
    """Lifecycles per second with a save+load per step, on their own (for a measurement right beside another)."""
    bundle = parse_bundle(shipped_files(str(REPO / "processes")))
    lifecycle_with_saves(bundle, {})  # warm up
    started = time.perf_counter()
    for _ in range(max(n, 5)):
        lifecycle_with_saves(bundle, {})
    return max(n, 5) / (time.perf_counter() - started)


def measure(n: int) -> dict[str, Any]:
    bundle = parse_bundle(shipped_files(str(REPO / "processes")))
    for _ in range(5):  # warm up
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
    print(measure(parser.parse_args().n))
