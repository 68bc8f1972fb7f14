"""Backup → wipe → restore → check clean, on the suite's database (SQLite, or PostgreSQL in CI's second run):
every case, work item and event is back, row for row, and the service answers on the restored data."""
from __future__ import annotations

from sqlalchemy import text

from tests.flows import DISPATCH_GAOZHAO, act, case, new_case

ROWS = {"cases": "SELECT case_no, status, lock_version, next_timer_at FROM cases ORDER BY id",
        "work_items": "SELECT id, case_no, task_id, state, assignee FROM work_items ORDER BY id",
        "case_events": "SELECT id, case_id, kind, summary FROM case_events ORDER BY id"}


def snapshot(sql) -> dict[str, list[tuple]]:
    return {table: [tuple(r) for r in sql(query)] for table, query in ROWS.items()}


def test_backup_wipe_restore_check(app, clients, sql, tmp_path):
    numbers = [new_case(clients)["case_no"] for _ in range(3)]
    act(clients, "dispatcher", numbers[0], DISPATCH_GAOZHAO)
    before = snapshot(sql)
    assert len(before["cases"]) == 3 and before["work_items"] and before["case_events"]
    runner = app.test_cli_runner()
    target = tmp_path / "nightly.backup"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert target.stat().st_size > 0

    from app.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        for table in ("outbox", "case_events", "work_items", "cases"):
            conn.execute(text(f"DELETE FROM {table}"))
    assert snapshot(sql)["cases"] == []

    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert snapshot(sql) == before
    checked = runner.invoke(args=["check"])
    assert checked.exit_code == 0 and "checked 3 case(s): 0 finding(s)" in checked.output, checked.output
    # The service goes on from the restored state: the routed case's next step can be done.
    assert case(clients, numbers[0])["status"] == "in_progress"
    act(clients, "gaozhao", numbers[0], {"result": "resolved", "measures": "当场协调，平台当场结清运费"})


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(app, clients, sql, tmp_path):
    new_case(clients)
    before = snapshot(sql)
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database", encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert refused.exit_code != 0 and "not a" in refused.output
    missing = runner.invoke(args=["restore", str(tmp_path / "absent.backup"), "--yes"])
    assert missing.exit_code != 0 and "no such file" in missing.output
    assert snapshot(sql) == before
