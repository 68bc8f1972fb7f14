"""Every path of the complaint lifecycle, driven through the HTTP API by the roles that do the work."""
from __future__ import annotations

from tests.flows import DISPATCH_GAOZHAO, act, case, new_case, open_item, steps


def test_resolved_on_site_then_closed(clients):
    opened = new_case(clients)
    no = opened["case_no"]
    assert opened["status"] == "open"
    assert steps(opened) == [("Task_route", "dispatch-city")]

    done = act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    assert done["case_status"] == "in_progress"
    assert done["next"][0]["team"] == "ms-xiuzhou-gaozhao"
    body = case(clients, no)
    assert body["status"] == "in_progress"
    assert body["team"]["code"] == "ms-xiuzhou-gaozhao"
    assert body["category"] == "labour_dispute"
    assert steps(body) == [("Task_handle", "ms-xiuzhou-gaozhao")]

    act(clients, "gaozhao", no, {"result": "resolved", "measures": "当场协调，平台 10 分钟内结清运费"})
    assert steps(case(clients, no)) == [("Task_callback", "callback-city")]
    act(clients, "callback", no, {"satisfaction": "satisfied"})

    body = case(clients, no)
    assert body["status"] == "closed"
    assert body["closed_at"] is not None
    assert body["open_tasks"] == []
    events = clients("supervisor").get(f"/cases/{no}/events").json()
    assert [e["kind"] for e in events["items"]] == ["case.opened"] + ["task.completed"] * 3
    assert events["total"] == 4
    assert [e["actor"] for e in events["items"]] == ["intake", "dispatcher", "gaozhao", "callback"]


def test_mediation_agreement_judicial_confirmation_callback_closed(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    body = case(clients, no)
    assert body["status"] == "mediation"
    assert steps(body) == [("Task_mediate", "ms-xiuzhou-gaozhao")]

    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True,
                                 "agreement_summary": "平台当日支付运费 1080 元", "amount": 1080,
                                 "experts": ["lawyer"], "parties": [{"name": "谢某", "role": "applicant"}]})
    body = case(clients, no)
    assert body["status"] == "judicial_confirmation"
    assert steps(body) == [("Task_judicial", "court-xiuzhou")]

    act(clients, "court", no, {"decision": "confirmed", "ruling_no": "（2026）浙0411民特123号"})
    assert case(clients, no)["status"] == "callback"
    act(clients, "callback", no, {"satisfaction": "satisfied"})
    assert case(clients, no)["status"] == "closed"

    diagram = clients("supervisor").get(f"/cases/{no}/diagram").json()
    assert "Task_judicial" in diagram["completed"] and "CallActivity_mediation" in diagram["completed"]
    assert diagram["active"] == []
    assert diagram["bpmn_xml"].lstrip().startswith("<?xml")


def test_court_rejects_then_callback_closes(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True})
    act(clients, "court", no, {"decision": "rejected", "reason": "协议内容违反法律强制性规定"})
    body = case(clients, no)
    assert body["status"] == "callback"
    act(clients, "callback", no, {"satisfaction": "basically_satisfied"})
    assert case(clients, no)["status"] == "closed"
    events = clients("supervisor").get(f"/cases/{no}/events").json()["items"]
    court_event = next(e for e in events if e["data"].get("element_id") == "Task_judicial")
    assert court_event["data"]["data"]["decision"] == "rejected"
    assert court_event["actor"] == "court"


def test_mediation_fails_goes_to_callback_without_court(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    act(clients, "gaozhao", no, {"outcome": "no_agreement", "apply_judicial_confirmation": True})
    body = case(clients, no)
    assert body["status"] == "callback"
    assert steps(body) == [("Task_callback", "callback-city")]
    assert clients("court").get("/tasks", params={"case_no": no}).json()["items"] == []
    act(clients, "callback", no, {"satisfaction": "satisfied"})
    assert case(clients, no)["status"] == "closed"


def test_police_matter_is_returned_to_police(clients):
    no = new_case(clients, description="有人持刀威胁", category=None)["case_no"]
    act(clients, "dispatcher", no, {"is_police_matter": True, "route_note": "涉及人身安全，移交派出所"})
    body = case(clients, no)
    assert body["status"] == "returned_to_police"
    assert body["open_tasks"] == []
    assert body["closed_at"] is not None
    assert body["team"] is None


def test_unsatisfied_callback_reopens_handling_once(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved"})
    act(clients, "callback", no, {"satisfaction": "unsatisfied", "comment": "钱还没到账"})
    body = case(clients, no)
    assert body["status"] == "in_progress"
    assert steps(body) == [("Task_handle", "ms-xiuzhou-gaozhao")]
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "再次上门，确认到账"})
    act(clients, "callback", no, {"satisfaction": "unsatisfied", "comment": "仍不满意"})
    body = case(clients, no)
    # A second "unsatisfied" does not close the case silently: it waits on the supervisor's desk for review.
    assert body["status"] == "callback"
    assert steps(body) == [("Task_review_unsatisfied", "supervision-city")]
    desk = clients("supervisor").get("/escalations").json()
    assert [r["case_no"] for r in desk["reviews"]] == [no]
    review = desk["reviews"][0]
    refused = clients("supervisor").post(f"/tasks/{review['id']}/complete", json={"data": {"review_decision": "close"}})
    assert refused.status_code == 422 and "review_note" in refused.json()["error"]["fields"]
    act(clients, "supervisor", no, {"review_decision": "close", "review_note": "已按协议履行，群众诉求超出范围"})
    body = case(clients, no)
    assert body["status"] == "closed" and body["open_tasks"] == []
    kinds = [e["data"].get("element_id") for e in clients("supervisor").get(f"/cases/{no}/events").json()["items"]]
    assert kinds.count("Task_handle") == 2 and kinds.count("Task_callback") == 2
    assert kinds.count("Task_review_unsatisfied") == 1


def test_review_can_reopen_again_with_an_empty_form(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    for round_no in (1, 2):
        act(clients, "gaozhao", no, {"result": "resolved", "measures": f"第{round_no}次上门"})
        act(clients, "callback", no, {"satisfaction": "unsatisfied", "comment": "还是没解决"})
    act(clients, "supervisor", no, {"review_decision": "reopen", "review_note": "请再联系一次平台"})
    body = case(clients, no)
    assert body["status"] == "in_progress"
    handle = open_item(clients, "gaozhao", no)
    assert handle["round"] == 3
    detail = clients("gaozhao").get(f"/tasks/{handle['id']}").json()
    assert detail["data"] == {}, "a step that comes again starts from an empty form"


def test_wrong_team_is_routed_again(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "wrong_team", "wrong_team_reason": "事发地在王江泾镇"})
    body = case(clients, no)
    assert body["status"] == "open"
    assert steps(body) == [("Task_route", "dispatch-city")]
    route = open_item(clients, "dispatcher", no)
    task = clients("dispatcher").get(f"/tasks/{route['id']}").json()
    assert task["round"] == 2
    assert task["data"] == {}, "routing again starts from an empty form; the first routing is in the record"

    act(clients, "dispatcher", no, {**DISPATCH_GAOZHAO, "township": "王江泾镇"})
    body = case(clients, no)
    assert steps(body) == [("Task_handle", "ms-xiuzhou-wangjiangjing")]
    assert body["team"]["code"] == "ms-xiuzhou-wangjiangjing"
    assert clients("gaozhao").get("/tasks", params={"case_no": no}).json()["items"] == []
    act(clients, "wangjiangjing", no, {"result": "resolved"})
    act(clients, "callback", no, {"satisfaction": "satisfied"})
    assert case(clients, no)["status"] == "closed"


def test_routing_table_sends_market_disputes_to_the_specialised_team(clients):
    no = new_case(clients, township="濮院镇", category="市场经营纠纷")["case_no"]
    act(clients, "dispatcher", no, {"is_police_matter": False, "category": "market_dispute",
                                    "township": "tongxiang-puyuan"})
    body = case(clients, no)
    assert steps(body) == [("Task_handle", "sp-puyuan-market")]
    assert body["team"]["name"] == "濮院时尚古镇市场民声服务队"


def test_unknown_township_and_category_keep_the_matter_for_the_dispatcher(clients):
    resp = clients("intake").post("/cases", json={
        "channel": "12345", "external_ref": "RX-unknown-1", "description": "路上有碎玻璃，容易扎破轮胎",
        "township": "火星镇", "category": "外星人投诉"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["township"] is None and body["category"] is None
    assert any("township" in w for w in body["warnings"])
    assert any("category" in w for w in body["warnings"])
    assert steps(body) == [("Task_route", "dispatch-city")]
    route = clients("dispatcher").get(f"/tasks/{body['open_tasks'][0]['id']}").json()
    assert "township" not in route["data"]
    act(clients, "dispatcher", body["case_no"], {"is_police_matter": False, "category": "public_safety",
                                                 "township": "xiuzhou-gaozhao"})
    assert case(clients, body["case_no"])["township"]["code"] == "xiuzhou-gaozhao"
