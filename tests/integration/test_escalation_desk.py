"""The supervisor's desk over the API: escalations most overdue first, and the four actions."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.engine import clock
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item, tick

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)




@pytest.fixture
def escalated(app, clients):
    """Two cases whose handling ran out of time (the second 1 hour later), seen 30 hours after T0."""
    clock.set(T0)
    first = new_case(clients)["case_no"]
    act(clients, "dispatcher", first, DISPATCH_GAOZHAO)
    clock.set(T0 + timedelta(hours=1))
    second = new_case(clients)["case_no"]
    act(clients, "dispatcher", second, DISPATCH_GAOZHAO)
    now = T0 + timedelta(hours=30)
    clock.set(now)
    tick(app, now)
    return first, second


def desk(clients):
    resp = clients("supervisor").get("/escalations")
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_escalations_most_overdue_first_with_case_team_step_and_lateness(clients, escalated):
    first, second = escalated
    body = desk(clients)
    handle = [i for i in body["items"] if i["step"]["element_id"] == "Task_handle"]
    assert [i["case_no"] for i in handle] == [first, second]
    top = handle[0]
    assert top["team"]["code"] == "supervision-city" and top["element_id"] == "Task_escalate_handle"
    assert top["step"]["team"]["code"] == "ms-xiuzhou-gaozhao" and top["step"]["state"] == "open"
    assert top["late_seconds"] == 6 * 3600 and top["late"] == "6小时"
    assert top["timer"] == "Timer_handle_escalate"
    assert body["errors"] == []
    assert clients("gaozhao").get("/escalations").status_code == 403


def test_remind_closes_the_escalation_and_records_it(clients, escalated):
    first, _ = escalated
    esc = next(i for i in desk(clients)["items"] if i["case_no"] == first)
    resp = clients("supervisor").post(f"/escalations/{esc['id']}/remind", json={"note": "请尽快到场"})
    assert resp.status_code == 200, resp.text
    assert all(i["id"] != esc["id"] for i in desk(clients)["items"])
    events = clients("supervisor").get(f"/cases/{first}/events", params={"per_page": 100}).json()["items"]
    assert events[-1]["kind"] == "escalation.remind" and events[-1]["data"]["note"] == "请尽快到场"
    assert clients("supervisor").post(f"/escalations/{esc['id']}/remind").status_code == 409


def test_reassign_to_another_team_moves_the_step(clients, escalated):
    first, _ = escalated
    esc = next(i for i in desk(clients)["items"] if i["case_no"] == first)
    bad = clients("supervisor").post(f"/escalations/{esc['id']}/reassign", json={})
    assert bad.status_code == 422
    resp = clients("supervisor").post(f"/escalations/{esc['id']}/reassign", json={"team": "ms-xiuzhou-wangjiangjing"})
    assert resp.status_code == 200, resp.text
    step = open_item(clients, "wangjiangjing", first)
    assert step["element_id"] == "Task_handle"
    assert clients("gaozhao").get("/tasks", params={"case_no": first}).json()["items"] == []


def test_reassign_to_a_person_and_take_over(clients, escalated):
    first, second = escalated
    items = {i["case_no"]: i for i in desk(clients)["items"] if i["step"]["element_id"] == "Task_handle"}
    to_person = clients("supervisor").post(f"/escalations/{items[first]['id']}/reassign",
                                           json={"username": "gaozhao2"})
    assert to_person.status_code == 200, to_person.text
    assert open_item(clients, "gaozhao2", first)["assignee"] == "gaozhao2"
    took = clients("supervisor").post(f"/escalations/{items[second]['id']}/take_over", json={"note": "我来处理"})
    assert took.status_code == 200
    step = clients("supervisor").get(f"/tasks/{items[second]['step']['id']}").json()
    assert step["assignee"] == "supervisor" and step["state"] == "claimed"
    done = clients("supervisor").post(f"/tasks/{step['id']}/complete", json={"data": {"result": "resolved"}})
    assert done.status_code == 200


def test_extend_gives_the_step_more_time(clients, escalated):
    first, _ = escalated
    esc = next(i for i in desk(clients)["items"] if i["case_no"] == first)
    assert clients("supervisor").post(f"/escalations/{esc['id']}/extend", json={}).status_code == 422
    new_due = T0 + timedelta(hours=48)
    resp = clients("supervisor").post(f"/escalations/{esc['id']}/extend", json={"due_at": new_due.isoformat()})
    assert resp.status_code == 200, resp.text
    step = clients("supervisor").get(f"/tasks/{esc['step']['id']}").json()
    assert datetime.fromisoformat(step["due_at"]) == new_due and step["overdue"] is False


def test_actions_on_a_step_that_finished_meanwhile(clients, escalated):
    first, _ = escalated
    esc = next(i for i in desk(clients)["items"] if i["case_no"] == first)
    act(clients, "gaozhao", first, {"result": "resolved"})
    late = clients("supervisor").post(f"/escalations/{esc['id']}/take_over")
    assert late.status_code == 409
    assert clients("supervisor").post(f"/escalations/{esc['id']}/remind").status_code == 200
    assert clients("supervisor").post(f"/escalations/{esc['id']}/dance").status_code == 404
    assert clients("supervisor").post("/escalations/999999/remind").status_code == 404


def test_reassign_to_another_team_and_one_of_its_members_at_once(clients, escalated):
    first, _ = escalated
    esc = next(i for i in desk(clients)["items"] if i["case_no"] == first)
    resp = clients("supervisor").post(f"/escalations/{esc['id']}/reassign",
                                      json={"team": "ms-xiuzhou-wangjiangjing", "username": "wangjiangjing"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["team"] == "ms-xiuzhou-wangjiangjing" and resp.json()["assignee"] == "wangjiangjing"
    step = clients("wangjiangjing").get(f"/tasks/{esc['step']['id']}").json()
    assert step["team"]["code"] == "ms-xiuzhou-wangjiangjing"
    assert step["state"] == "claimed" and step["assignee"] == "wangjiangjing"
    event = clients("supervisor").get(f"/cases/{first}/events", params={"per_page": 100}).json()["items"][-1]
    assert event["kind"] == "escalation.reassign" and event["data"]["assignee"] == "wangjiangjing"
