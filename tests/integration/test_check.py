"""`flask check`: a case driven through the API is consistent; damage done behind the service's back (a wrong
status, a lost or a stray work item, a stale timer index, an unreadable state) is found with the case number,
exits 1, and `--repair` writes back what the workflow state implies, one audit event per case."""
from __future__ import annotations

from sqlalchemy import text

from tests.flows import DISPATCH_GAOZHAO, act, new_case


def run_check(app, *args: str):
    return app.test_cli_runner().invoke(args=["check", *args])


def damage(app, statement: str, **params) -> None:
    from app.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_a_driven_case_is_consistent(app, clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    result = run_check(app)
    assert result.exit_code == 0, result.output
    assert "checked 1 case(s): 0 finding(s)" in result.output


def test_damage_is_found_by_case_and_repaired_from_the_workflow(app, clients, sql):
    first = new_case(clients)["case_no"]
    act(clients, "dispatcher", first, DISPATCH_GAOZHAO)
    second = new_case(clients)["case_no"]
    damage(app, "UPDATE cases SET status = 'callback', next_timer_at = NULL WHERE case_no = :no", no=first)
    damage(app, "UPDATE work_items SET state = 'cancelled' WHERE case_no = :no", no=second)
    damage(app, "INSERT INTO work_items (case_id, case_no, task_id, element_id, name, lane, process_id, state, "
                "created_at, due_at, round, form_data) SELECT case_id, case_no, 'not-a-task', element_id, name, lane, "
                "process_id, 'open', created_at, due_at, round, form_data FROM work_items WHERE case_no = :no "
                "AND state = 'cancelled'", no=second)
    found = run_check(app)
    assert found.exit_code == 1, found.output
    lines = found.output.splitlines()
    assert any(first in line and "status" in line and "callback" in line for line in lines), found.output
    assert any(first in line and "next_timer" in line for line in lines), found.output
    assert any(second in line and "missing_item" in line for line in lines), found.output
    assert any(second in line and "orphan_item" in line for line in lines), found.output

    repaired = run_check(app, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "0 remaining" in repaired.output
    assert run_check(app).exit_code == 0
    assert sql("SELECT status FROM cases WHERE case_no = :no", no=first)[0][0] == "in_progress"
    open_items = sql("SELECT task_id FROM work_items WHERE case_no = :no AND state = 'open'", no=second)
    assert len(open_items) == 1 and open_items[0][0] != "not-a-task"
    events = sql("SELECT c.case_no, e.actor FROM case_events e JOIN cases c ON c.id = e.case_id "
                 "WHERE e.kind = 'case.repaired' ORDER BY c.case_no")
    assert sorted(e[0] for e in events) == sorted([first, second])
    assert {e[1] for e in events} == {"check --repair"}


def test_what_needs_a_person_is_reported_and_left_alone(app, clients, sql):
    no = new_case(clients)["case_no"]
    damage(app, "UPDATE cases SET workflow_state = :junk WHERE case_no = :no", junk=b"not zlib", no=no)
    before = sql("SELECT lock_version FROM cases WHERE case_no = :no", no=no)[0][0]
    result = run_check(app, "--repair")
    assert result.exit_code == 1
    assert any(no in line and "unreadable" in line and "needs a person" in line for line in result.output.splitlines())
    assert "1 remaining" in result.output
    assert sql("SELECT lock_version FROM cases WHERE case_no = :no", no=no)[0][0] == before
    one = run_check(app, "--case", no)
    assert one.exit_code == 1 and "checked 1 case(s)" in one.output
