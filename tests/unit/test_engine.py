"""The engine package on its own: start, complete, state-only save and load, due times from the clock."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.designer.service import shipped_files
from app.engine import CaseRun, TaskNotReady, clock, parse_bundle
from app.engine.serializer import SERIALIZER_VERSION, state_json

ROOT = Path(__file__).resolve().parents[2]
REGRESSION = ROOT / "tests" / "data" / "regression"
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def bundle():
    return parse_bundle(shipped_files(str(ROOT / "processes")))


def main_step(run):
    return next(t for t in run.snapshot().ready if not t.element_id.startswith("Task_escalate"))


def test_state_holds_no_spec_and_round_trips(bundle):
    with clock.frozen_at(T0):
        run = CaseRun.start(bundle, {"case_no": "T1", "township": None, "category": None})
    state = run.dump()
    dct = json.loads(state_json(state))
    assert "spec" not in dct and "subprocess_specs" not in dct
    assert dct["serializer_version"] == SERIALIZER_VERSION
    again = CaseRun.resume(bundle, state)
    assert [t.element_id for t in again.snapshot().ready] == ["Task_route"]
    assert again.dump() == state


def test_due_times_come_from_the_diagram_timers_and_the_clock(bundle):
    with clock.frozen_at(T0):
        run = CaseRun.start(bundle, {"case_no": "T2"})
        route = main_step(run)
        assert route.due_at == T0 + timedelta(minutes=3)  # sla_route
        assert run.snapshot().next_timer_at == T0 + timedelta(minutes=1)  # sla_route_remind
        run.complete(route.task_id, {"is_police_matter": False, "category": "other", "township": "haining-xucun"})
        handle = main_step(run)
        assert handle.team_code == "ms-haining-xucun"
        assert handle.due_at == T0 + timedelta(hours=24)  # sla_close_loop
        assert run.snapshot().next_timer_at == T0 + timedelta(minutes=30)  # sla_on_site


def test_completing_a_task_that_is_not_waiting_is_refused(bundle):
    run = CaseRun.start(bundle, {"case_no": "T3"})
    route = main_step(run)
    run.complete(route.task_id, {"is_police_matter": True})
    with pytest.raises(TaskNotReady):
        run.complete(route.task_id, {"is_police_matter": True})
    with pytest.raises(TaskNotReady):
        run.complete("not-a-uuid", {})
    snap = run.snapshot()
    assert snap.completed and snap.end_status == "returned_to_police"


def test_a_case_in_flight_from_the_previous_release_still_runs():
    old_bundle = parse_bundle(shipped_files(str(REGRESSION / "bundle-2026-11")))
    state = (REGRESSION / "appeal-at-judicial-confirmation.json").read_text()
    run = CaseRun.resume(old_bundle, state)
    judicial = main_step(run)
    assert judicial.element_id == "Task_judicial" and judicial.team_code == "court-xiuzhou"
    run.complete(judicial.task_id, {"decision": "confirmed"})
    run = CaseRun.resume(old_bundle, run.dump())
    run.complete(main_step(run).task_id, {"satisfaction": "satisfied"})
    snap = run.snapshot()
    assert snap.completed and snap.end_status == "closed"
    assert {"Task_route", "Task_handle", "CallActivity_mediation", "Task_judicial", "Task_callback"} <= set(
        snap.completed_elements)


def test_task_data_of_every_kind_survives_the_state_round_trip(bundle):
    """orjson writes and reads the state; what it would get wrong is left to the standard library: integers
    beyond 64 bits (orjson reads them as floats) and lone surrogates (it refuses them); datetimes stay
    SpiffWorkflow's typed values. NaN, not being JSON, is stored as null by orjson."""
    import zlib

    from app.engine.serializer import _serializer

    def round_trip(data):
        with clock.frozen_at(T0):
            run = CaseRun.start(bundle, data)
        return CaseRun.resume(bundle, run.dump()).workflow.task_tree.data

    data = {"case_no": "T9", "huge": 2**70, "near": 12345678901234567890, "when": T0, "wait": timedelta(hours=2),
            "card": "6222021234567890123", "codes": {1: "一"}, "small": 2**40}
    again = round_trip(data)
    assert {k: again[k] for k in data} == {**data, "codes": {"1": "一"}}
    assert type(again["huge"]) is int and type(again["when"]) is datetime
    assert round_trip({"case_no": "T11", "nan": float("nan")})["nan"] is None
    assert round_trip({"case_no": "T10", "text": "路面\ud800碎玻璃"})["text"] == "路面\ud800碎玻璃"
    # A state the standard library wrote (before orjson) reads the same, NaN included.
    with clock.frozen_at(T0):
        run = CaseRun.start(bundle, {**data, "nan": float("nan")})
        older = zlib.compress(_serializer.serialize_json(run.workflow).encode(), 1)
    read = CaseRun.resume(bundle, older).workflow.task_tree.data
    assert read["huge"] == 2**70 and read["when"] == T0 and read["nan"] != read["nan"]
