"""The Puyuan market centre passes a matter internally to its market regulation or emergency management unit
(issue 12), and a unit passes it back; nobody else can, and only to the centre's own units."""
from __future__ import annotations

from tests.flows import act, case, new_case, open_item


def _at_the_market(clients) -> str:
    no = new_case(clients, description="濮院羊毛衫市场里一家摊位卖的围巾标的是羊绒，顾客检测是化纤",
                  category=None)["case_no"]
    act(clients, "dispatcher", no, {"is_police_matter": False, "category": "market_dispute",
                                    "township": "tongxiang-puyuan", "place": "puyuan-market"})
    return no


def test_the_centre_passes_a_step_to_its_unit_and_the_unit_works_it(clients, sql):
    no = _at_the_market(clients)
    item = open_item(clients, "puyuan", no, "Task_handle")
    resp = clients("puyuan").post(f"/tasks/{item['id']}/pass-on",
                                  json={"team": "sp-puyuan-market-regulation", "note": "涉嫌虚假标注，转市场监管"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["team"]["code"] == "sp-puyuan-market-regulation" and resp.json()["state"] == "open"
    moved = open_item(clients, "puyuan-reg", no, "Task_handle")
    assert moved["id"] == item["id"]
    assert [k for (k,) in sql("SELECT e.kind FROM case_events e JOIN cases c ON c.id = e.case_id "
                              "WHERE c.case_no = :no ORDER BY e.id DESC LIMIT 1", no=no)] == ["task.passed_on"]
    # The unit passes it back to the centre's team.
    back = clients("puyuan-reg").post(f"/tasks/{item['id']}/pass-on", json={"team": "sp-puyuan-market"})
    assert back.status_code == 200 and back.json()["team"]["code"] == "sp-puyuan-market"
    handle = next(t for t in case(clients, no)["open_tasks"] if t["element_id"] == "Task_handle")
    assert handle["team"]["code"] == "sp-puyuan-market"


def test_only_the_centres_units_and_only_its_members(clients, sql):
    no = _at_the_market(clients)
    item = open_item(clients, "puyuan", no, "Task_handle")
    before = sql("SELECT count(*) FROM case_events")[0][0]
    wrong = clients("puyuan").post(f"/tasks/{item['id']}/pass-on", json={"team": "ms-xiuzhou-gaozhao"})
    assert wrong.status_code == 422 and "team" in wrong.json()["error"]["fields"]
    assert clients("gaozhao").post(f"/tasks/{item['id']}/pass-on",
                                   json={"team": "sp-puyuan-market-regulation"}).status_code == 404
    assert clients("puyuan").post(f"/tasks/{item['id']}/pass-on", json={}).status_code == 422
    assert sql("SELECT count(*) FROM case_events")[0][0] == before
    # A township team has no units to pass to.
    other = new_case(clients, description="楼上漏水", category=None)["case_no"]
    act(clients, "dispatcher", other, {"is_police_matter": False, "category": "neighbour_dispute",
                                       "township": "xiuzhou-gaozhao"})
    mine = open_item(clients, "gaozhao", other, "Task_handle")
    assert clients("gaozhao").post(f"/tasks/{mine['id']}/pass-on",
                                   json={"team": "sp-puyuan-market"}).status_code == 422


def test_a_supervisor_reassigns_rather_than_passes_on(clients):
    no = _at_the_market(clients)
    item = open_item(clients, "puyuan", no, "Task_handle")
    resp = clients("supervisor").post(f"/tasks/{item['id']}/pass-on", json={"team": "sp-puyuan-market-regulation"})
    assert resp.status_code == 403


def test_the_task_answers_where_it_may_be_passed(clients):
    no = _at_the_market(clients)
    item = open_item(clients, "puyuan", no, "Task_handle")
    detail = clients("puyuan").get(f"/tasks/{item['id']}").json()
    assert {t["code"] for t in detail["pass_on_to"]} == {"sp-puyuan-market-regulation", "sp-puyuan-market-emergency"}
    assert clients("supervisor").get(f"/tasks/{item['id']}").json()["pass_on_to"] == []
