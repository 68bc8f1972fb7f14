"""The identification (issue 12): POST /suggestions, the suggestion stored at intake, the route step pre-filled
from it, what the dispatcher decided stored beside it, and the specialised teams chosen by the place."""
from __future__ import annotations

import html
import re

import pytest

from tests.flows import act, case, new_case, open_item
from tests.web import sign_in

THEFT = {"text": "喂，110吗，我停在楼下的电瓶车被人偷了，锁都撬掉了", "address": "秀洲区王江泾镇市泾村"}
WAGES = {"text": "老板拖了我们三个月的工钱，人都寻不着了，二十几个人在厂门口等", "address": "洪合镇"}


def _count(sql):
    return sql("SELECT count(*) FROM cases")[0][0], sql("SELECT count(*) FROM case_events")[0][0]


def test_a_suggestion_has_the_contracts_shape_and_writes_nothing(clients, sql):
    before = _count(sql)
    for role in ("intake", "dispatcher"):
        resp = clients(role).post("/suggestions", json=THEFT)
        assert resp.status_code == 200, resp.text
        s = resp.json()
        assert s["is_police_matter"] is True and 0.0 <= s["police_probability"] <= 1.0
        assert isinstance(s["flagged"], bool)
        scores = [c["score"] for c in s["categories"]]
        assert len(scores) >= 3 and scores == sorted(scores, reverse=True)
        assert s["categories"][0]["code"] == "theft" and s["categories"][0]["name"] == "盗窃"
        assert s["township"] == {"code": "xiuzhou-wangjiangjing", "name": "秀洲区王江泾镇"}
        assert any("偷" in e for e in s["evidence"]) and any("王江泾" in e for e in s["evidence"])
    assert _count(sql) == before


def test_a_non_police_matter_names_its_category_and_township(clients):
    s = clients("dispatcher").post("/suggestions", json=WAGES).json()
    assert s["is_police_matter"] is False and s["police_probability"] < 0.35
    assert s["categories"][0]["code"] == "wage_arrears"
    assert s["township"]["code"] == "xiuzhou-honghe"


def test_an_ambiguous_place_is_shown_not_guessed(clients):
    s = clients("dispatcher").post("/suggestions", json={"text": "高桥社区楼上漏水，物业不管"}).json()
    assert s["township"] is None
    assert {t["code"] for t in s["township_candidates"]} == {"xiuzhou-gaozhao", "tongxiang-longxiang"}


@pytest.mark.parametrize("body, field", [
    ({}, "text"), ({"text": ""}, "text"), ({"text": "   "}, "text"), ({"text": 42}, "text"),
    ({"text": "字" * 10_001}, "text"), ({"text": "漏水", "address": "路" * 257}, "address"),
    ({"text": "漏水", "address": ["a"]}, "address"),
])
def test_bad_questions_are_422_with_the_field(clients, body, field):
    resp = clients("intake").post("/suggestions", json=body)
    assert resp.status_code == 422, resp.text
    assert field in resp.json()["error"]["fields"]


def test_only_intake_and_dispatchers_ask(clients):
    for role in ("gaozhao", "court", "callback"):
        assert clients(role).post("/suggestions", json=WAGES).status_code == 403
    assert clients(None).post("/suggestions", json=WAGES).status_code == 401
    assert clients("intake").post("/suggestions", data="not json",
                                  headers={"Content-Type": "application/json"}).status_code == 400


def test_intake_stores_the_suggestion_and_the_route_step_stores_the_decision(clients, sql):
    opened = new_case(clients, description=WAGES["text"], address="洪合镇", township=None, category=None)
    stored = case(clients, opened["case_no"])
    assert stored["suggestion"]["categories"][0]["code"] == "wage_arrears"
    assert stored["suggestion"]["model_version"] and stored["identification"] is None

    # The dispatcher confirms police work and township, and corrects the category.
    act(clients, "dispatcher", opened["case_no"], {"is_police_matter": False, "category": "labour_relations",
                                                   "township": "xiuzhou-honghe"})
    decided = case(clients, opened["case_no"])["identification"]
    assert decided["decided"] == {"is_police_matter": False, "category": "labour_relations",
                                  "township": "xiuzhou-honghe"}
    assert decided["agreed"] == {"is_police_matter": True, "category": False, "township": True}
    assert decided["suggested"]["category"] == "wage_arrears" and decided["by"] == "dispatcher"
    # One event for the completion, as before: the decision rides on it.
    kinds = [k for (k,) in sql("SELECT kind FROM case_events e JOIN cases c ON c.id = e.case_id "
                                "WHERE c.case_no = :no ORDER BY e.id", no=opened["case_no"])]
    assert kinds == ["case.opened", "task.completed"]
    assert sql("SELECT identified_at IS NOT NULL FROM cases WHERE case_no = :no", no=opened["case_no"])[0][0]


def test_a_police_decision_keeps_only_the_police_question(clients):
    opened = new_case(clients, description=THEFT["text"], address=THEFT["address"], category=None)
    act(clients, "dispatcher", opened["case_no"], {"is_police_matter": True})
    decided = case(clients, opened["case_no"])["identification"]
    assert decided["agreed"] == {"is_police_matter": True}


@pytest.mark.parametrize("place, team", [("puyuan-market", "sp-puyuan-market"), ("wuzhen-scenic", "sp-wuzhen-scenic"),
                                         ("jiaxing-port", "sp-jiaxing-port"), ("zju-haining", "sp-zju-haining")])
def test_the_place_chosen_on_the_route_step_sends_the_case_to_its_specialised_team(clients, place, team):
    opened = new_case(clients, description="摊位之间为占道经营吵起来了", category=None)
    act(clients, "dispatcher", opened["case_no"], {"is_police_matter": False, "category": "market_dispute",
                                                   "township": "xiuzhou-gaozhao", "place": place})
    handle = next(t for t in case(clients, opened["case_no"])["open_tasks"] if t["element_id"] == "Task_handle")
    assert handle["team"]["code"] == team


def test_without_a_place_the_township_team_handles_it(clients):
    opened = new_case(clients, description="楼上漏水", category=None)
    act(clients, "dispatcher", opened["case_no"], {"is_police_matter": False, "category": "neighbour_dispute",
                                                   "township": "tongxiang-wuzhen"})
    handle = next(t for t in case(clients, opened["case_no"])["open_tasks"] if t["element_id"] == "Task_handle")
    assert handle["team"]["code"] == "ms-tongxiang-wuzhen"


def test_the_route_page_is_pre_filled_from_the_suggestion_with_its_evidence(server, clients):
    opened = new_case(clients, description="在乌镇西栅景区里游船乱收费，讲好五十一个人，下船要两百", township=None,
                      category=None, address="")
    item = open_item(clients, "dispatcher", opened["case_no"])
    page = sign_in(server, "dispatcher").get(f"{server}/tasks/{item['id']}", timeout=10).text
    assert "data-suggestion" in page and "乌镇" in page
    assert re.search(r'<option value="tongxiang-wuzhen"\s+selected', page), "township pre-filled"
    assert re.search(r'<option value="wuzhen-scenic"\s+selected', page), "place pre-filled"
    assert "data-prefilled" in page
    # The police question is the dispatcher's own click, whatever the suggestion says.
    assert not re.search(r'name="is_police_matter"[^>]*checked', page)
    assert "建议" in html.unescape(page)


def test_evidence_quoting_the_address_is_masked_for_roles_without_personal_data(clients):
    opened = new_case(clients, description="老板拖了三个月工钱不给", address="秀洲区王江泾镇市泾村3组", township=None,
                      category=None)
    full = case(clients, opened["case_no"], "supervisor")["suggestion"]
    assert any("市泾村" in e for e in full["evidence"])
    masked = case(clients, opened["case_no"], "designer")["suggestion"]
    assert not any("市泾村" in e for e in masked["evidence"])
    assert masked["township"] == full["township"]


def test_live_accuracy_and_the_corrections_for_retraining(app, clients, tmp_path):
    import json

    opened = new_case(clients, description="老板欠了我两个月工资，电话也不接", township=None, category=None)
    act(clients, "dispatcher", opened["case_no"], {"is_police_matter": False, "category": "labour_relations",
                                                   "township": "xiuzhou-gaozhao"})
    runner = app.test_cli_runner()
    live = runner.invoke(args=["suggestions", "live"])
    assert live.exit_code == 0, live.output
    figures = json.loads(live.output)
    assert figures["decided"] >= 1 and 0 <= figures["agreed"]["category"]["rate"] <= 1
    out = tmp_path / "corrections.jsonl"
    written = runner.invoke(args=["suggestions", "corrections", str(out)])
    assert written.exit_code == 0, written.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    mine = next(r for r in rows if r["id"] == opened["case_no"])
    assert mine["category"] == "labour_relations" and mine["township"] == "xiuzhou-gaozhao"
    assert set(mine) == {"id", "channel", "text", "address", "police", "category", "township", "place", "borderline"}


def test_the_route_steps_data_is_pre_filled_through_the_api_too(clients):
    opened = new_case(clients, description="在乌镇西栅景区里游船乱收费，讲好五十一个人，下船要两百", township=None,
                      category=None, address="")
    item = clients("dispatcher").get(f"/tasks/{open_item(clients, 'dispatcher', opened['case_no'])['id']}").json()
    assert item["data"]["township"] == "tongxiang-wuzhen" and item["data"]["place"] == "wuzhen-scenic"
    assert "is_police_matter" not in item["data"]
    assert set(item["prefilled"]) >= {"township", "place", "category"}


def test_a_second_route_round_without_a_place_goes_to_the_township_team(clients):
    opened = new_case(clients, description="摊位之间为占道经营吵起来了", category=None)
    act(clients, "dispatcher", opened["case_no"], {"is_police_matter": False, "category": "market_dispute",
                                                   "township": "tongxiang-puyuan", "place": "puyuan-market"})
    act(clients, "puyuan", opened["case_no"], {"result": "wrong_team", "wrong_team_reason": "不在市场内，是高照的小区"},
        "Task_handle")
    again = open_item(clients, "dispatcher", opened["case_no"], "Task_route")
    assert again["round"] == 2
    act(clients, "dispatcher", opened["case_no"], {"is_police_matter": False, "category": "neighbour_dispute",
                                                   "township": "xiuzhou-gaozhao"})
    handle = next(t for t in case(clients, opened["case_no"])["open_tasks"] if t["element_id"] == "Task_handle")
    assert handle["team"]["code"] == "ms-xiuzhou-gaozhao", "the first round's place does not decide again"
