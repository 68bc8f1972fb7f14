"""Work items: who sees what, claiming, form validation on the server, and one completion only."""
from __future__ import annotations

import threading

import pytest

from tests.conftest import Client
from tests.flows import DISPATCH_GAOZHAO, act, case, new_case, open_item


@pytest.fixture
def handle_item(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    return open_item(clients, "gaozhao", no)


def test_task_page_gives_schema_ui_schema_and_starting_data(clients):
    opened = new_case(clients)
    task = clients("dispatcher").get(f"/tasks/{opened['open_tasks'][0]['id']}").json()
    assert task["element_id"] == "Task_route" and task["lane"] == "分流派单"
    assert task["team"] == {"code": "dispatch-city", "name": "嘉兴市民声一键办分流中心"}
    schema = task["form"]["schema"]
    assert schema["properties"]["is_police_matter"]["type"] == "boolean"
    assert len(schema["properties"]["township"]["oneOf"]) == 72
    assert task["form"]["ui_schema"]["ui:order"][0] == "is_police_matter"
    assert task["data"] == {"category": "economic_dispute", "township": "xiuzhou-gaozhao"}
    assert task["due_at"] and task["overdue"] is False and task["state"] == "open"


def test_fields_with_a_pattern_carry_examples(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True})
    judicial = open_item(clients, "court", no)
    props = clients("court").get(f"/tasks/{judicial['id']}").json()["form"]["schema"]["properties"]
    assert props["ruling_no"]["pattern"] and props["ruling_no"]["examples"]


def test_another_teams_item_is_404_whatever_the_body(clients, handle_item, sql):
    item_id = handle_item["id"]
    other = clients("wangjiangjing")
    assert other.get(f"/tasks/{item_id}").status_code == 404
    assert other.post(f"/tasks/{item_id}/claim").status_code == 404
    assert other.post(f"/tasks/{item_id}/release").status_code == 404
    for body in ({"data": {"result": "resolved"}}, {"data": "nonsense"}, None):
        assert other.post(f"/tasks/{item_id}/complete", json=body).status_code == 404
    raw = other.post(f"/tasks/{item_id}/complete", data=b"{broken", headers={"Content-Type": "application/json"})
    assert raw.status_code == 404
    assert other.get("/tasks").json()["items"] == []
    assert sql("SELECT state FROM work_items WHERE id = :i", i=item_id)[0][0] == "open"
    # a supervisor sees every team's items
    assert clients("supervisor").get(f"/tasks/{item_id}").status_code == 200


def test_claim_release_and_scope(clients, handle_item):
    item_id = handle_item["id"]
    me, colleague = clients("gaozhao"), clients("gaozhao2")
    claimed = me.post(f"/tasks/{item_id}/claim")
    assert claimed.status_code == 200 and claimed.json()["assignee"] == "gaozhao"
    assert claimed.json()["state"] == "claimed"
    assert me.post(f"/tasks/{item_id}/claim").status_code == 200, "claiming again is harmless"
    assert colleague.post(f"/tasks/{item_id}/claim").status_code == 409
    assert colleague.post(f"/tasks/{item_id}/release").status_code == 409
    refused = colleague.post(f"/tasks/{item_id}/complete", json={"data": {"result": "resolved"}})
    assert refused.status_code == 409 and "gaozhao" in refused.json()["error"]["message"]
    assert [i["id"] for i in me.get("/tasks", params={"scope": "mine"}).json()["items"]] == [item_id]
    assert colleague.get("/tasks", params={"scope": "mine"}).json()["items"] == []
    assert [i["id"] for i in colleague.get("/tasks", params={"scope": "team"}).json()["items"]] == [item_id]
    assert me.get("/tasks", params={"state": "claimed"}).json()["total"] == 1
    released = me.post(f"/tasks/{item_id}/release")
    assert released.status_code == 200 and released.json()["assignee"] is None
    assert colleague.post(f"/tasks/{item_id}/complete", json={"data": {"result": "resolved"}}).status_code == 200
    kinds = [e["kind"] for e in clients("supervisor").get(f"/cases/{handle_item['case_no']}/events").json()["items"]]
    assert kinds == ["case.opened", "task.completed", "task.claimed", "task.released", "task.completed"]


@pytest.mark.parametrize(("data", "field"), [
    ({}, "result"),
    ({"result": "fixed"}, "result"),
    ({"result": 3}, "result"),
    ({"result": "resolved", "arrived_at": "half past ten"}, "arrived_at"),
    ({"result": "resolved", "measures": "x" * 6000}, "measures"),
    ({"result": "resolved", "team_code": "ms-haining-xucun"}, "team_code"),
])
def test_form_data_is_validated_on_the_server(clients, handle_item, sql, data, field):
    resp = clients("gaozhao").post(f"/tasks/{handle_item['id']}/complete", json={"data": data})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert field in error["fields"], error
    assert sql("SELECT state FROM work_items WHERE id = :i", i=handle_item["id"])[0][0] == "open"
    assert sql("SELECT count(*) FROM case_events")[0][0] == 2


def test_the_body_must_carry_data(clients, handle_item):
    me = clients("gaozhao")
    assert me.post(f"/tasks/{handle_item['id']}/complete", json={"data": [1]}).status_code == 422
    assert me.post(f"/tasks/{handle_item['id']}/complete", json=[1]).status_code == 422
    broken = me.post(f"/tasks/{handle_item['id']}/complete", data=b"{", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400


def test_nested_form_errors_name_the_field(clients, handle_item):
    no = handle_item["case_no"]
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    mediate = open_item(clients, "gaozhao", no)
    resp = clients("gaozhao").post(f"/tasks/{mediate['id']}/complete", json={"data": {
        "outcome": "agreement", "parties": [{"name": "谢某"}], "experts": ["astrologer"], "amount": -5}})
    assert resp.status_code == 422
    fields = resp.json()["error"]["fields"]
    assert "parties.0.role" in fields and "experts.0" in fields and "amount" in fields


def test_route_form_requires_township_unless_police(clients):
    no = new_case(clients, township=None)["case_no"]
    route = open_item(clients, "dispatcher", no)
    resp = clients("dispatcher").post(f"/tasks/{route['id']}/complete",
                                      json={"data": {"is_police_matter": False, "category": "other"}})
    assert resp.status_code == 422 and "township" in resp.json()["error"]["fields"]


def test_two_completions_of_one_item_exactly_one_wins(clients, handle_item, sql):
    item_id, no = handle_item["id"], handle_item["case_no"]
    before_events = sql("SELECT count(*) FROM case_events")[0][0]
    results: list = []
    barrier = threading.Barrier(2)

    def complete(user: str, result: str) -> None:
        client = Client(clients.base, clients.tokens[user])
        barrier.wait()
        results.append(client.post(f"/tasks/{item_id}/complete", json={"data": {"result": result}}))

    threads = [threading.Thread(target=complete, args=("gaozhao", "resolved")),
               threading.Thread(target=complete, args=("gaozhao2", "needs_mediation"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.text for r in results]
    winner = next(r for r in results if r.status_code == 200).json()
    loser = next(r for r in results if r.status_code == 409).json()
    assert loser["error"]["code"] in ("not_open", "case_changed")
    # the database holds the winner's step and nothing of the loser's
    assert sql("SELECT count(*) FROM case_events")[0][0] == before_events + 1
    assert sql("SELECT lock_version FROM cases")[0][0] == 3  # opened, routed, handled once
    body = case(clients, no)
    assert [t["element_id"] for t in body["open_tasks"]] == [winner["next"][0]["element_id"]]
    assert sql("SELECT completed_by FROM work_items WHERE id = :i", i=item_id)[0][0] == winner["completed_by"]
    assert sql("SELECT count(*) FROM work_items WHERE state = 'completed'")[0][0] == 2  # route + this one
    again = clients("gaozhao").post(f"/tasks/{item_id}/complete", json={"data": {"result": "resolved"}})
    assert again.status_code == 409


def test_task_lists_validate_their_filters(clients):
    me = clients("gaozhao")
    assert me.get("/tasks", params={"scope": "everyone"}).status_code == 422
    assert me.get("/tasks", params={"state": "done"}).status_code == 422
    assert me.get("/tasks", params={"overdue": "maybe"}).status_code == 422
    assert me.get("/tasks/999999").status_code == 404
    assert clients(None).get("/tasks").status_code == 401


def test_teams_are_listed_with_kind_and_township(clients):
    teams = clients("gaozhao").get("/teams").json()["items"]
    kinds = {t["kind"] for t in teams}
    assert kinds == {"township", "specialised", "dispatch", "court", "callback", "supervision"}
    township_teams = [t for t in teams if t["kind"] == "township"]
    assert len(township_teams) == 72
    # The 15 specialised teams of markets, scenic areas, parks and campuses, and the Puyuan market centre's
    # two units it passes matters to.
    assert len([t for t in teams if t["kind"] == "specialised" and t["unit_of"] is None]) == 15
    assert {t["code"] for t in teams if t["unit_of"]} == {"sp-puyuan-market-regulation", "sp-puyuan-market-emergency"}
    assert {t["unit_of"] for t in teams if t["unit_of"]} == {"sp-puyuan-market"}
    gaozhao = next(t for t in teams if t["code"] == "ms-xiuzhou-gaozhao")
    assert gaozhao["name"] == "高照街道民声服务队" and gaozhao["township"]["code"] == "xiuzhou-gaozhao"
    courts = clients("gaozhao").get("/teams", params={"kind": "court"}).json()["items"]
    assert len(courts) == 7 and all(t["township"] is None for t in courts)
    assert clients("gaozhao").get("/teams", params={"kind": "pirates"}).status_code == 422
