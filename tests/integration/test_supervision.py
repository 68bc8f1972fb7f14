"""Supervisor actions on work items: assign, reassign to another team, extend the limit."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from SpiffWorkflow.util.task import TaskState

from app.engine.serializer import state_json
from tests.flows import DISPATCH_GAOZHAO, act, case, new_case, open_item


@pytest.fixture
def handle_item(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    return open_item(clients, "gaozhao", no)


def test_only_supervisors_and_invisible_stays_invisible(clients, handle_item):
    path = f"/tasks/{handle_item['id']}"
    assert clients("gaozhao").post(path + "/assign", json={"username": "gaozhao2"}).status_code == 403
    assert clients("gaozhao").post(path + "/reassign", json={"team": "court-xiuzhou"}).status_code == 403
    for body in ({"username": "x"}, {}, None):
        assert clients("wangjiangjing").post(path + "/assign", json=body).status_code == 404
    assert clients("wangjiangjing").post(path + "/extend", json={"due_at": "soon"}).status_code == 404


def test_assign_to_a_team_member(clients, handle_item, sql):
    sup = clients("supervisor")
    path = f"/tasks/{handle_item['id']}/assign"
    assert sup.post(path, json={}).status_code == 422
    assert sup.post(path, json={"username": "nobody"}).status_code == 422
    wrong_team = sup.post(path, json={"username": "wangjiangjing"})
    assert wrong_team.status_code == 422 and "username" in wrong_team.json()["error"]["fields"]
    done = sup.post(path, json={"username": "gaozhao2"})
    assert done.status_code == 200 and done.json()["assignee"] == "gaozhao2" and done.json()["state"] == "claimed"
    assert clients("gaozhao2").get("/tasks", params={"scope": "mine"}).json()["total"] == 1
    kinds = [r[0] for r in sql("SELECT kind FROM case_events ORDER BY id")]
    assert kinds[-1] == "task.assigned"


def test_reassign_moves_the_step_and_the_steps_after_it(clients, handle_item):
    no = handle_item["case_no"]
    sup = clients("supervisor")
    path = f"/tasks/{handle_item['id']}/reassign"
    assert sup.post(path, json={"team": "no-such-team"}).status_code == 422
    moved = sup.post(path, json={"team": "ms-xiuzhou-wangjiangjing"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["team"]["code"] == "ms-xiuzhou-wangjiangjing"
    assert clients("gaozhao").get("/tasks", params={"case_no": no}).json()["items"] == []
    act(clients, "wangjiangjing", no, {"result": "needs_mediation"})
    body = case(clients, no)
    assert [t["team"]["code"] for t in body["open_tasks"]] == ["ms-xiuzhou-wangjiangjing"]
    assert body["team"]["code"] == "ms-xiuzhou-wangjiangjing"


def test_extend_gives_more_time_and_moves_the_timer(clients, handle_item, sql):
    sup = clients("supervisor")
    path = f"/tasks/{handle_item['id']}/extend"
    old_due = datetime.fromisoformat(handle_item["due_at"])
    assert sup.post(path, json={"due_at": "tomorrow"}).status_code == 422
    past = sup.post(path, json={"due_at": "2020-01-01T00:00:00+08:00"})
    assert past.status_code == 422 and "due_at" in past.json()["error"]["fields"]
    earlier = (old_due - timedelta(hours=1)).isoformat()
    assert sup.post(path, json={"due_at": earlier}).status_code == 422
    new_due = (old_due + timedelta(days=2)).replace(microsecond=0)
    done = sup.post(path, json={"due_at": new_due.isoformat()})
    assert done.status_code == 200, done.text
    assert datetime.fromisoformat(done.json()["due_at"]) == new_due
    again = clients("gaozhao").get(f"/tasks/{handle_item['id']}").json()
    assert datetime.fromisoformat(again["due_at"]) == new_due
    state = json.loads(state_json(sql("SELECT workflow_state FROM cases")[0][0]))
    timer_values = sorted(t["internal_data"]["event_value"] for t in state["tasks"].values()
                          if "event_value" in t["internal_data"] and t["state"] == TaskState.WAITING)
    assert len(timer_values) == 2  # the on-site reminder stays, the close-the-loop limit moved
    assert datetime.fromisoformat(timer_values[-1]) == new_due
    assert datetime.fromisoformat(timer_values[0]) < old_due
    assert sql("SELECT kind FROM case_events ORDER BY id DESC")[0][0] == "task.extended"


def test_supervisor_actions_on_a_completed_item_are_conflicts(clients, handle_item):
    act(clients, "gaozhao", handle_item["case_no"], {"result": "resolved"})
    sup = clients("supervisor")
    assert sup.post(f"/tasks/{handle_item['id']}/assign", json={"username": "gaozhao"}).status_code == 409
    moved = sup.post(f"/tasks/{handle_item['id']}/reassign", json={"team": "ms-xiuzhou-wangjiangjing"})
    assert moved.status_code == 409
