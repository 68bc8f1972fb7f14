"""The case's story through the API (issue 11): supervisor actions that act, reminders on the step, decisions
never defaulted, the record and the round of a step that comes again, a claim that carries."""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.flows import DISPATCH_GAOZHAO, act, case, new_case, open_item, tick


def _escalated_handle(app, clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    handle = open_item(clients, "gaozhao", no)
    tick(app, datetime.fromisoformat(handle["due_at"]) + timedelta(minutes=1))
    escalation = next(e for e in clients("supervisor").get("/escalations").json()["items"] if e["case_no"] == no)
    return no, handle, escalation


def test_extend_without_a_date_is_refused_everywhere(app, clients):
    no, handle, escalation = _escalated_handle(app, clients)
    assert clients("supervisor").post(f"/tasks/{handle['id']}/extend", json={}).status_code == 422
    refused = clients("supervisor").post(f"/escalations/{escalation['id']}/extend", json={"note": "再给一天"})
    assert refused.status_code == 422 and "due_at" in refused.json()["error"]["fields"]
    # The escalation's own form: 延期 without a date is refused, not a success that changes nothing.
    form = clients("supervisor").post(f"/tasks/{escalation['id']}/complete", json={"data": {"action": "extend"}})
    assert form.status_code == 422 and "due_at" in form.json()["error"]["fields"]
    assert open_item(clients, "gaozhao", no)["due_at"] == handle["due_at"]
    # With a date, the form really extends the step it escalates.
    later = (datetime.fromisoformat(handle["due_at"]) + timedelta(days=2)).isoformat()
    done = clients("supervisor").post(f"/tasks/{escalation['id']}/complete",
                                      json={"data": {"action": "extend", "due_at": later, "note": "协调中"}})
    assert done.status_code == 200, done.text
    assert datetime.fromisoformat(open_item(clients, "gaozhao", no)["due_at"]) == datetime.fromisoformat(later)


def test_a_reminder_shows_on_the_step_it_reminds(app, clients):
    no, handle, escalation = _escalated_handle(app, clients)
    assert handle["reminder"] is None
    done = clients("supervisor").post(f"/escalations/{escalation['id']}/remind", json={"note": "今天必须到场"})
    assert done.status_code == 200, done.text
    step = clients("gaozhao").get(f"/tasks/{handle['id']}").json()
    assert step["reminder"]["note"] == "今天必须到场" and step["reminder"]["by"] == "supervisor"
    listed = open_item(clients, "gaozhao", no)
    assert listed["reminder"]["note"] == "今天必须到场"
    # Through the step's own route too; once the step is done the reminder is gone with it.
    again = clients("supervisor").post(f"/tasks/{handle['id']}/remind", json={"note": "群众又来电催"})
    assert again.status_code == 200 and again.json()["reminder"]["note"] == "群众又来电催"
    assert clients("supervisor").post(f"/tasks/{handle['id']}/remind", json={}).status_code == 422
    act(clients, "gaozhao", no, {"result": "resolved"})
    done_item = clients("supervisor").get("/tasks", params={"case_no": no, "state": "completed"}).json()["items"]
    assert all(i["reminder"] is None for i in done_item)
    kinds = [e["kind"] for e in clients("supervisor").get(f"/cases/{no}/events").json()["items"]]
    assert "escalation.remind" in kinds and "task.reminded" in kinds


def test_a_decision_left_out_is_refused_not_defaulted(clients):
    no = new_case(clients)["case_no"]
    item = open_item(clients, "dispatcher", no)
    refused = clients("dispatcher").post(f"/tasks/{item['id']}/complete",
                                         json={"data": {"category": "labour_dispute", "township": "xiuzhou-gaozhao"}})
    assert refused.status_code == 422 and "is_police_matter" in refused.json()["error"]["fields"]
    assert case(clients, no)["status"] == "open"
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    mediate = open_item(clients, "gaozhao", no)
    missing = clients("gaozhao").post(f"/tasks/{mediate['id']}/complete", json={"data": {"outcome": "agreement"}})
    assert missing.status_code == 422 and "apply_judicial_confirmation" in missing.json()["error"]["fields"]


def test_the_claim_carries_to_the_same_teams_next_step(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    handle = open_item(clients, "gaozhao", no)
    assert handle["state"] == "open", "routing is another team's step: the team's queue gets it"
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    mediate = open_item(clients, "gaozhao", no)
    assert (mediate["state"], mediate["assignee"]) == ("claimed", "gaozhao")
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True})
    judicial = open_item(clients, "court", no)
    assert judicial["state"] == "open", "the court's step is the court's to claim"


def test_a_step_that_comes_again_knows_its_round(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "已协调付款"})
    act(clients, "callback", no, {"satisfaction": "unsatisfied", "comment": "钱没到"})
    again = open_item(clients, "gaozhao", no)
    assert again["round"] == 2
    assert clients("gaozhao").get(f"/tasks/{again['id']}").json()["data"] == {}
