"""Timer workers as real processes: killed mid-sweep they lose and double nothing; two on PostgreSQL
share the work without firing anything twice; a failing timer parks its case and the rest go on."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import create_engine, text

from app.designer.service import deploy, shipped_files
from app.engine import clock
from app.extensions import db
from app.versions.models import ProcessVersion
from tests.bulk import clone_case
from tests.flows import new_case

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
LATE = (T0 + timedelta(minutes=5)).isoformat()


def worker(app, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "timers", "tick", *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def per_case(sql, kind_sql: str) -> dict[str, int]:
    return {r[0]: r[1] for r in sql(kind_sql)}


FIRED_PER_CASE = ("SELECT c.case_no, count(e.id) FROM cases c LEFT JOIN case_events e "
                  "ON e.case_id = c.id AND e.kind = 'timer.fired' GROUP BY c.case_no")
ESCALATIONS_PER_CASE = ("SELECT c.case_no, count(w.id) FROM cases c LEFT JOIN work_items w "
                        "ON w.case_id = c.id AND w.element_id = 'Task_escalate_route' GROUP BY c.case_no")


def test_a_worker_killed_mid_sweep_loses_and_doubles_nothing(app, clients, sql):
    clock.set(T0)
    first = new_case(clients)["case_no"]
    clone_case(app, first, 299)
    # A plain engine (deferred transactions) only reads: in WAL mode it never waits for the worker's lock.
    watcher = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    proc = worker(app, "--now", LATE, "--batch-size", "5")
    deadline = time.monotonic() + 60
    fired = 0
    with watcher.connect() as conn:
        while time.monotonic() < deadline:
            fired = conn.execute(text("SELECT count(*) FROM case_events WHERE kind = 'timer.fired'")).scalar_one()
            conn.rollback()
            if fired >= 10 or proc.poll() is not None:
                break
            time.sleep(0.005)
    watcher.dispose()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stdout.read() if proc.stdout else ""
    print(f"killed after {fired} of 300 cases fired")
    assert 0 < fired < 300, f"the kill must land mid-sweep (fired {fired})"

    restarted = worker(app, "--now", LATE)
    output, _ = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, output
    assert set(per_case(sql, FIRED_PER_CASE).values()) == {1}
    assert set(per_case(sql, ESCALATIONS_PER_CASE).values()) == {1}
    assert sql("SELECT count(*) FROM cases WHERE next_timer_at IS NOT NULL AND next_timer_at < :t",
               t=T0 + timedelta(minutes=5))[0][0] == 0


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="several workers need FOR UPDATE SKIP LOCKED (PostgreSQL); SQLite runs one")
def test_two_workers_on_postgresql_fire_each_due_case_once(app, clients, sql):
    clock.set(T0)
    first = new_case(clients)["case_no"]
    clone_case(app, first, 999)
    workers = [worker(app, "--now", LATE, "--batch-size", "10") for _ in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    cases_by_worker = [int(o.split(" on ")[1].split(" case")[0]) for o in outputs]
    assert sum(cases_by_worker) == 1000, outputs
    assert all(n > 0 for n in cases_by_worker), f"both workers took a share: {outputs}"
    assert set(per_case(sql, FIRED_PER_CASE).values()) == {1}
    assert set(per_case(sql, ESCALATIONS_PER_CASE).values()) == {1}


@pytest.fixture
def broken_version(app):
    """A deployed variant whose route escalation path runs a script that fails."""
    files = shipped_files(app.config["PROCESSES_DIR"])
    root = etree.fromstring(files["appeal.bpmn"])
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    process = root.find("bpmn:process", ns)
    flow = process.find("bpmn:sequenceFlow[@id='Flow_route_escalate']", ns)
    flow.set("targetRef", "Task_broken")
    target = process.find("bpmn:userTask[@id='Task_escalate_route']", ns)
    target.find("bpmn:incoming", ns).text = "Flow_broken_out"
    q = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    script = etree.SubElement(process, f"{q}scriptTask", id="Task_broken", name="升级级别")
    etree.SubElement(script, f"{q}incoming").text = "Flow_route_escalate"
    etree.SubElement(script, f"{q}outgoing").text = "Flow_broken_out"
    etree.SubElement(script, f"{q}script").text = "escalation_level = undefined_level + 1"
    etree.SubElement(process, f"{q}sequenceFlow", id="Flow_broken_out", sourceRef="Task_broken",
                     targetRef="Task_escalate_route")
    files["appeal.bpmn"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with app.app_context():
        version, created, problems = deploy(files, author="test", note="route escalation with a failing script")
        assert problems == [] and version is not None
        db.session.commit()
        key = version.key
    assert created
    yield key
    with app.app_context():
        for table in ("case_experts", "attachments", "outbox", "case_events", "work_items", "cases"):
            db.session.execute(db.text(f"DELETE FROM {table}"))
        db.session.execute(db.delete(ProcessVersion).where(ProcessVersion.key == key))
        db.session.commit()


def test_a_failing_timer_parks_its_case_and_others_keep_firing(app, clients, sql, request):
    clock.set(T0)
    healthy = new_case(clients)["case_no"]
    request.getfixturevalue("broken_version")
    broken = new_case(clients)["case_no"]
    result = app.test_cli_runner().invoke(args=["timers", "tick", "--now", LATE])
    assert "fired 2 timer(s) on 1 case(s); 1 failed" in result.output, result.output
    ok = clients("supervisor").get(f"/cases/{healthy}").json()
    assert ok["error"] is None
    assert any(t["element_id"] == "Task_escalate_route" for t in ok["open_tasks"])
    parked = clients("supervisor").get(f"/cases/{broken}").json()
    assert parked["error"]["element_id"] == "Task_broken"
    assert "undefined_level" in parked["error"]["message"]
    assert [t["element_id"] for t in parked["open_tasks"]] == ["Task_route"], "nothing of the failed firing stays"
    events = clients("supervisor").get(f"/cases/{broken}/events").json()["items"]
    assert events[-1]["kind"] == "timer.failed"
    again = app.test_cli_runner().invoke(args=["timers", "tick", "--now", LATE])
    assert "fired 0 timer(s) on 0 case(s); 0 failed" in again.output, "a parked case is not retried every tick"
