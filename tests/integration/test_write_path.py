"""One owner of the write path: only the unit of work writes the case tables, reads write nothing, and a
supervisor's extension re-arms the step's escalation."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.engine import clock
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item, tick
from tests.statements import SUITE_STATEMENTS, case_table_writers
from tests.web import sign_in

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def escalations_of(clients, case_no):
    body = clients("supervisor").get("/escalations", params={"per_page": 200}).json()
    return [i for i in body["items"] if i["case_no"] == case_no]


def test_every_kind_of_change_is_written_by_the_unit_of_work(app, clients):
    with SUITE_STATEMENTS.recording() as statements:
        clock.set(T0)
        no = new_case(clients)["case_no"]
        act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
        item = open_item(clients, "gaozhao", no)
        assert clients("gaozhao").post(f"/tasks/{item['id']}/claim").status_code == 200
        assert clients("gaozhao").post(f"/tasks/{item['id']}/release").status_code == 200
        sup = clients("supervisor")
        assert sup.post(f"/tasks/{item['id']}/assign", json={"username": "gaozhao2"}).status_code == 200
        later = (T0 + timedelta(hours=30)).isoformat()
        assert sup.post(f"/tasks/{item['id']}/extend", json={"due_at": later}).status_code == 200
        moved = sup.post(f"/tasks/{item['id']}/reassign", json={"team": "ms-xiuzhou-wangjiangjing"})
        assert moved.status_code == 200, moved.text
        clock.set(T0 + timedelta(hours=31))
        tick(app, T0 + timedelta(hours=31))
        escalation = escalations_of(clients, no)[0]
        assert sup.post(f"/escalations/{escalation['id']}/remind", json={"note": "催办"}).status_code == 200
        act(clients, "wangjiangjing", no, {"result": "resolved"})
    writers = case_table_writers(statements)
    assert writers, "the recorder saw the writes"
    assert all(module.startswith("app.casework.") for module in writers), writers
    assert set().union(*writers.values()) == {"cases", "work_items", "case_events"}


def test_extend_after_the_escalation_fired_escalates_once_more_at_the_new_limit(app, clients):
    clock.set(T0)
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    step = open_item(clients, "gaozhao", no)
    now = T0 + timedelta(hours=25)
    clock.set(now)
    tick(app, now)
    [first] = [e for e in escalations_of(clients, no) if e["step"]["id"] == step["id"]]
    new_limit = T0 + timedelta(hours=48)
    resp = clients("supervisor").post(f"/escalations/{first['id']}/extend", json={"due_at": new_limit.isoformat()})
    assert resp.status_code == 200, resp.text
    assert escalations_of(clients, no) == []
    assert "fired 0 timer(s)" in tick(app, T0 + timedelta(hours=47)), "nothing before the new limit"
    after = T0 + timedelta(hours=49)
    clock.set(after)
    tick(app, after)
    second = escalations_of(clients, no)
    assert [e["step"]["id"] for e in second] == [step["id"]] and second[0]["id"] != first["id"]
    assert "fired 0 timer(s)" in tick(app, after)
    assert "fired 0 timer(s)" in tick(app, T0 + timedelta(days=30))
    assert len(escalations_of(clients, no)) == 1

    # The same through the work item's own route, while the second escalation is still open.
    third_limit = T0 + timedelta(hours=72)
    resp = clients("supervisor").post(f"/tasks/{step['id']}/extend", json={"due_at": third_limit.isoformat()})
    assert resp.status_code == 200, resp.text
    tick(app, T0 + timedelta(hours=73))
    assert len(escalations_of(clients, no)) == 2
    assert "fired 0 timer(s)" in tick(app, T0 + timedelta(hours=73))
    act(clients, "gaozhao", no, {"result": "resolved"})
    assert escalations_of(clients, no) == [] or all(e["step"]["state"] != "open" for e in escalations_of(clients, no))


def _sample_values(app, clients):
    clock.set(None)
    body = new_case(clients)
    no = body["case_no"]
    item = body["open_tasks"][0]["id"]
    key = clients("designer").get("/processes").json()["items"][0]["key"]
    return {"case_no": no, "item_id": item, "key": key, "other": key, "name": "appeal.bpmn",
            "package": "bpmn-js", "filename": "bpmn-navigated-viewer.production.min.js",
            "escalation_id": item, "kind": "monthly", "attachment_id": 1, "which": "thumb", "fmt": "json",
            "code": "freight_fee", "request_id": no,
            "token_id": "none"}


def test_no_get_request_writes(app, server, clients, tokens):
    values = _sample_values(app, clients)
    admin_api = clients("admin")
    browser = sign_in(server, "admin")
    admin_api.get("/teams")  # the token's use of this hour is on the audit trail before the recording starts
    adapter = app.url_map.bind("127.0.0.1")
    called = []
    with SUITE_STATEMENTS.recording() as statements:
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            args = {name: values.get(name, "appeal.bpmn") for name in rule.arguments}
            if rule.endpoint == "static":
                args = {"filename": "case-diagram.js"}
            if rule.endpoint == "cases.paper_page":
                args["kind"] = "agreement"
            path = adapter.build(rule.endpoint, args)
            if path.startswith("/api/"):
                resp = admin_api.session.get(server + path, timeout=30)
            else:
                resp = browser.get(server + path, timeout=30, allow_redirects=False)
            assert resp.status_code < 500, (path, resp.status_code, resp.text[:300])
            called.append((path, resp.status_code))
    assert len(called) >= 20 and sum(1 for _p, status in called if status == 200) >= 15, called
    writes = [(s.module, s.sql.split("\n")[0][:120]) for s in statements if s.tables]
    assert writes == [], writes


def test_the_workflow_kept_warm_is_the_one_the_database_holds(app, clients, sql):
    from app.casework.warm import warm
    from app.engine import CaseRun
    from app.versions.service import bundle_for

    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    state, version = sql("SELECT workflow_state, process_version FROM cases WHERE case_no = :no", no=no)[0]
    state = bytes(state)
    with app.app_context():
        kept = warm.take(state)
        assert kept is not None, "the save left its workflow warm"
        assert kept.dump() == state, "and it is exactly what the database holds"
        assert kept.ready_task_ids() == CaseRun.resume(bundle_for(version), state).ready_task_ids()
        assert warm.take(state) is None, "taken, not shared"
        warm.keep(state, kept)
    # A refused completion leaves the stored state and the warm workflow as they were.
    item = open_item(clients, "gaozhao", no)
    assert clients("gaozhao").post(f"/tasks/{item['id']}/complete", json={"data": {"result": "x"}}).status_code == 422
    act(clients, "gaozhao", no, {"result": "resolved"})
    assert sql("SELECT status FROM cases WHERE case_no = :no", no=no)[0][0] == "callback"
