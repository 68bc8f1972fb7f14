"""Qualified hands, duty and load (issue 16): the mediation step is claimed and completed by a people's mediator
only (the rule is the diagram's `qualification` property), their certificate goes on the agreement; a team's rota
says who is on duty and their notices go to them; the load per member and team is counted."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.engine import clock
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item
from tests.integration.test_notifications import Receiver, notify_once, webhook
from tests.web import sign_in

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _at_mediation(clients, by: str = "gaozhao") -> tuple[str, dict]:
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, by, no, {"result": "needs_mediation"})
    return no, open_item(clients, "gaozhao", no)


def test_only_a_people_s_mediator_claims_and_completes_the_mediation(app, clients, server):
    clock.set(T0)
    no, step = _at_mediation(clients, by="gaozhao2")
    assert step["qualification"] == "mediator"
    assert step["state"] == "open", "孙丽 handled the case on site, but the mediation does not become hers"
    sun = clients("gaozhao2")
    refused = sun.post(f"/tasks/{step['id']}/claim")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "qualification_required"
    refused = sun.post(f"/tasks/{step['id']}/complete", json={"data": {"outcome": "agreement"}})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "qualification_required"
    assigned = clients("supervisor").post(f"/tasks/{step['id']}/assign", json={"username": "gaozhao2"})
    assert assigned.status_code == 422 and "mediator" in assigned.text

    page = sign_in(server, "gaozhao2")
    card = page.get(f"{server}/", timeout=10).text
    card = card[card.index(f'data-item="{step["id"]}"'):]
    card = card[:card.index("</li>")]
    assert "/claim" not in card, "no claim button for a member who may not claim it"
    task = page.get(f"{server}/tasks/{step['id']}", timeout=10).text
    assert 'class="notice needs-qualification"' in task and "tasks/{}/claim".format(step["id"]) not in task
    assert ">提交<" not in task and ">Submit<" not in task

    li = clients("gaozhao")
    assert li.post(f"/tasks/{step['id']}/claim").status_code == 200
    done = li.post(f"/tasks/{step['id']}/complete", json={"data": {
        "outcome": "agreement", "apply_judicial_confirmation": False, "agreement_summary": "平台三日内付清运费。",
        "parties": [{"role": "applicant", "name": "谢师傅"}, {"role": "respondent", "name": "某物流平台"}]}})
    assert done.status_code == 200, done.text
    paper = sign_in(server, "gaozhao").get(f"{server}/cases/{no}/papers/agreement", timeout=10)
    assert paper.status_code == 200
    assert "高照街道民声服务队 李强" in paper.text and "嘉调字第2026-0311号" in paper.text


def test_a_team_rota_says_who_is_on_duty_and_their_notices_go_to_them(app, clients, server):
    clock.set(T0)
    leader = clients("gaozhao")  # 李强 leads the Gaozhao team
    shift = leader.post("/teams/ms-xiuzhou-gaozhao/duty", json={
        "username": "gaozhao2", "starts_at": (T0 - timedelta(hours=1)).isoformat(),
        "ends_at": (T0 + timedelta(hours=11)).isoformat()})
    assert shift.status_code == 201, shift.text
    assert shift.json()["now"] is True
    overlap = leader.post("/teams/ms-xiuzhou-gaozhao/duty", json={
        "username": "gaozhao2", "starts_at": T0.isoformat(), "ends_at": (T0 + timedelta(hours=2)).isoformat()})
    assert overlap.status_code == 409
    outsider = leader.post("/teams/ms-xiuzhou-gaozhao/duty", json={
        "username": "wangjiangjing", "starts_at": T0.isoformat(), "ends_at": (T0 + timedelta(hours=2)).isoformat()})
    assert outsider.status_code == 422 and "username" in outsider.json()["error"]["fields"]
    assert clients("gaozhao2").post("/teams/ms-xiuzhou-gaozhao/duty", json={
        "username": "gaozhao2", "starts_at": (T0 + timedelta(days=1)).isoformat(),
        "ends_at": (T0 + timedelta(days=1, hours=8)).isoformat()}).status_code == 403, "not the leader"
    assert clients("wangjiangjing").get("/teams/ms-xiuzhou-gaozhao/members").status_code == 403

    rota = clients("gaozhao2").get("/teams/ms-xiuzhou-gaozhao/duty").json()
    assert [(s["username"], s["now"]) for s in rota["items"]] == [("gaozhao2", True)]
    members = {m["username"]: m for m in clients("gaozhao2").get("/teams/ms-xiuzhou-gaozhao/members").json()["items"]}
    assert members["gaozhao2"]["on_duty"] is True and members["gaozhao"]["on_duty"] is False
    assert members["gaozhao"]["leader"] is True
    assert members["gaozhao"]["phone"] == "139****1001", "a member sees a teammate's phone masked"
    assert clients("admin").request("PATCH", "/users/gaozhao2", json={"phone": "13905739999"}).status_code == 200
    seen_by_leader = {m["username"]: m for m in leader.get("/teams/ms-xiuzhou-gaozhao/members").json()["items"]}
    assert seen_by_leader["gaozhao2"]["phone"] == "13905739999", "the leader sees them in full, to call them"

    queue = sign_in(server, "gaozhao").get(f"{server}/", timeout=10).text
    panel = queue[queue.index('data-duty-team="ms-xiuzhou-gaozhao"'):]
    assert "高照街道民声服务队 孙丽" in panel[:panel.index("</p>")]

    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    receiver = Receiver()
    with webhook(app, receiver):
        notify_once(app)
    steps = {b["to"]["team"]: b for _k, b in receiver.received if b["audience"] == "team" and b["kind"] == "step"}
    assert [(p["username"], p["phone"]) for p in steps["ms-xiuzhou-gaozhao"]["to"]["on_duty"]] == [
        ("gaozhao2", "13905739999")]
    assert steps["dispatch-city"]["to"]["on_duty"] == [], "nobody is on the dispatch centre's rota"

    removed = leader.request("DELETE", f"/teams/ms-xiuzhou-gaozhao/duty/{shift.json()['id']}")
    assert removed.status_code == 200
    assert clients("gaozhao2").get("/teams/ms-xiuzhou-gaozhao/duty").json()["items"] == []


def test_the_load_per_member_and_team_counts_open_and_overdue_items(app, clients, server):
    clock.set(T0)
    nos = [new_case(clients)["case_no"] for _ in range(3)]
    for no in nos:
        act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    first, second = open_item(clients, "gaozhao", nos[0]), open_item(clients, "gaozhao", nos[1])
    assert clients("gaozhao").post(f"/tasks/{first['id']}/claim").status_code == 200
    assert clients("gaozhao2").post(f"/tasks/{second['id']}/claim").status_code == 200
    clock.set(datetime.fromisoformat(first["due_at"]) + timedelta(minutes=1))
    team = clients("supervisor").get("/teams/ms-xiuzhou-gaozhao/members").json()
    assert team["load"] == {"open": 3, "overdue": 3, "unclaimed": 1}
    loads = {m["username"]: m["load"] for m in team["items"]}
    assert loads["gaozhao"]["open"] == 1 and loads["gaozhao"]["overdue"] == 1
    assert loads["gaozhao2"]["open"] == 1
    view = sign_in(server, "gaozhao").get(f"{server}/admin/teams/ms-xiuzhou-gaozhao", timeout=10)
    assert view.status_code == 200 and 'data-figure="overdue"' in view.text
    assert sign_in(server, "gaozhao2").get(f"{server}/admin/teams/ms-xiuzhou-gaozhao", timeout=10).status_code == 403
    desk = sign_in(server, "supervisor").get(f"{server}/tasks/{first['id']}", timeout=10).text
    assert "高照街道民声服务队 孙丽" in desk and ("1 件在办" in desk or "1 held" in desk)


def test_a_leader_brings_people_into_the_team_and_takes_them_out(app, clients):
    clock.set(T0)
    leader = clients("gaozhao")
    added = leader.request("PUT", "/teams/ms-xiuzhou-gaozhao/members/wangjiangjing")
    assert added.status_code == 200 and "ms-xiuzhou-gaozhao" in added.json()["teams"]
    assert added.json()["roles"] == ["caseworker"], "membership only: roles stay the administrator's"
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    step = open_item(clients, "wangjiangjing", no)
    assert clients("wangjiangjing").post(f"/tasks/{step['id']}/claim").status_code == 200
    assert clients("wangjiangjing").request("DELETE", "/teams/ms-xiuzhou-gaozhao/members/gaozhao2").status_code \
        == 403, "not their team to lead"
    removed = leader.request("DELETE", "/teams/ms-xiuzhou-gaozhao/members/wangjiangjing")
    assert removed.status_code == 200 and "ms-xiuzhou-gaozhao" not in removed.json()["teams"]
    assert open_item(clients, "gaozhao", no)["assignee"] is None, "the claimed step went back to the queue"
    assert clients("wangjiangjing").get(f"/tasks/{step['id']}").status_code == 404
    assert leader.request("DELETE", "/teams/ms-xiuzhou-gaozhao/members/gaozhao").status_code == 422
