"""Moving the clock across each limit: reminders, escalations to the supervisor lane, the court's
interrupting limit, and ticks that never fire anything twice."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.engine import clock
from app.extensions import db
from tests.flows import DISPATCH_GAOZHAO, act, case, new_case, open_item, tick
from tests.statements import SUITE_STATEMENTS

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Jiaxing




def items(clients, no: str) -> list[tuple[str, str, str]]:
    rows = clients("supervisor").get("/tasks", params={"case_no": no, "per_page": 200}).json()["items"]
    return sorted((i["element_id"], i["state"], i["team"]["code"]) for i in rows)


def fired_timers(clients, no: str) -> list[str]:
    events = clients("supervisor").get(f"/cases/{no}/events", params={"per_page": 200}).json()["items"]
    return [t["element_id"] for e in events if e["kind"] == "timer.fired" for t in e["data"]["timers"]]


@pytest.fixture
def at_t0():
    clock.set(T0)
    yield T0


def test_route_reminder_then_escalation_while_the_step_stays_open(app, clients, at_t0):
    no = new_case(clients)["case_no"]
    route = open_item(clients, "dispatcher", no)
    assert datetime.fromisoformat(route["due_at"]) == T0 + timedelta(minutes=3)

    assert "fired 0 timer(s)" in tick(app, T0 + timedelta(seconds=59))
    assert "fired 1 timer(s) on 1 case(s)" in tick(app, T0 + timedelta(minutes=2))
    assert fired_timers(clients, no) == ["Timer_route_remind"]
    assert items(clients, no) == [("Task_route", "open", "dispatch-city")]

    clock.set(T0 + timedelta(minutes=4))
    assert "fired 1 timer(s)" in tick(app, T0 + timedelta(minutes=4))
    assert fired_timers(clients, no) == ["Timer_route_remind", "Timer_route_escalate"]
    assert items(clients, no) == [("Task_escalate_route", "open", "supervision-city"),
                                  ("Task_route", "open", "dispatch-city")]
    route_now = open_item(clients, "dispatcher", no)
    assert route_now["overdue"] is True
    assert "fired 0 timer(s)" in tick(app, T0 + timedelta(minutes=4)), "the same instant again adds nothing"
    assert "fired 0 timer(s)" in tick(app, T0 + timedelta(days=30)), "a fired boundary timer does not re-arm"
    assert len(items(clients, no)) == 2


def test_handling_limits_on_site_and_close_the_loop(app, clients, at_t0):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    handle = open_item(clients, "gaozhao", no)
    assert datetime.fromisoformat(handle["due_at"]) == T0 + timedelta(hours=24)
    tick(app, T0 + timedelta(minutes=31))
    assert fired_timers(clients, no) == ["Timer_handle_remind"]
    tick(app, T0 + timedelta(hours=25))
    assert fired_timers(clients, no) == ["Timer_handle_remind", "Timer_handle_escalate"]
    assert ("Task_escalate_handle", "open", "supervision-city") in items(clients, no)
    assert ("Task_handle", "open", "ms-xiuzhou-gaozhao") in items(clients, no)
    # the team finishes late; the open escalation does not block the case from moving on
    act(clients, "gaozhao", no, {"result": "resolved"})
    assert case(clients, no)["status"] == "callback"


def test_mediation_limit_watches_the_called_process(app, clients, at_t0):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    mediate = open_item(clients, "gaozhao", no)
    assert mediate["element_id"] == "Task_mediate"
    assert datetime.fromisoformat(mediate["due_at"]) == T0 + timedelta(days=3)
    tick(app, T0 + timedelta(days=4))
    assert fired_timers(clients, no) == ["Timer_mediation_remind", "Timer_mediation_escalate"]
    assert ("Task_escalate_mediation", "open", "supervision-city") in items(clients, no)
    assert ("Task_mediate", "claimed", "ms-xiuzhou-gaozhao") in items(clients, no)


def test_court_review_period_is_interrupting(app, clients, at_t0):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True})
    judicial = open_item(clients, "court", no)
    assert datetime.fromisoformat(judicial["due_at"]) == T0 + timedelta(days=15)

    tick(app, T0 + timedelta(days=4))  # the 3-day acceptance limit: non-interrupting
    assert ("Task_escalate_court_accept", "open", "supervision-city") in items(clients, no)
    assert ("Task_judicial", "open", "court-xiuzhou") in items(clients, no)

    tick(app, T0 + timedelta(days=16))  # the review period: the court's step is cancelled
    now_items = items(clients, no)
    assert ("Task_court_overdue", "open", "supervision-city") in now_items
    assert all(e != "Task_judicial" for e, _, _ in now_items)
    cancelled = clients("court").get("/tasks", params={"case_no": no, "state": "cancelled"}).json()["items"]
    assert [i["element_id"] for i in cancelled] == ["Task_judicial"]
    overdue = open_item(clients, "supervisor", no, "Task_court_overdue")
    done = clients("supervisor").post(f"/tasks/{overdue['id']}/complete",
                                      json={"data": {"action": "take_over", "note": "已协调法院，转回访"}})
    assert done.status_code == 200, done.text
    assert case(clients, no)["status"] == "callback"


def test_callback_limits(app, clients, at_t0):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved"})
    tick(app, T0 + timedelta(hours=13))
    assert fired_timers(clients, no) == ["Timer_callback_remind"]
    tick(app, T0 + timedelta(days=2))
    assert ("Task_escalate_callback", "open", "supervision-city") in items(clients, no)


def test_a_closed_case_has_no_timers(app, clients, at_t0, sql):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, {"is_police_matter": True})
    assert sql("SELECT next_timer_at FROM cases")[0][0] is None
    assert "fired 0 timer(s)" in tick(app, T0 + timedelta(days=365))


def test_tick_refuses_a_time_without_offset(app):
    result = app.test_cli_runner().invoke(args=["timers", "tick", "--now", "2026-12-01T10:00:00"])
    assert result.exit_code != 0 and "offset" in result.output


def test_a_sweep_with_nothing_due_takes_no_write_lock(app, clients, at_t0):
    """SQLite has one writer: a sweep that finds nothing due only reads, so it neither waits for a request that
    is writing nor makes one wait; a sweep with something due takes the lock and fires it."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's sweep locks only the due rows (FOR UPDATE SKIP LOCKED)")
    no = new_case(clients)["case_no"]
    # A GET served on this thread first: the sweep must not inherit that request's read-only mode (it did, and
    # its writes began with a plain BEGIN).
    assert app.test_client().get("/readyz").status_code == 200
    with SUITE_STATEMENTS.recording() as idle:
        assert "fired 0 timer(s)" in tick(app, T0 + timedelta(seconds=59))
    assert [s.sql for s in idle if s.sql.startswith("SELECT")], "the sweep looked"
    assert not [s.sql for s in idle if s.sql.startswith("BEGIN IMMEDIATE")]
    with SUITE_STATEMENTS.recording() as due:
        assert "fired 1 timer(s) on 1 case(s)" in tick(app, T0 + timedelta(minutes=2))
    assert [s.sql for s in due if s.sql.startswith("BEGIN IMMEDIATE")]
    assert fired_timers(clients, no) == ["Timer_route_remind"]
