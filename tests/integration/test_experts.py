"""Remote experts (issue 14): a caseworker invites a lawyer to a case with the video call's link; the expert sees
that case and only that one (every other is 404, the lists hold it alone), records advice, and each act is in
the timeline."""
from __future__ import annotations

from tests.flows import DISPATCH_GAOZHAO, act, new_case


def test_the_expert_sees_their_invited_case_and_no_other(clients):
    invited = new_case(clients)["case_no"]
    act(clients, "dispatcher", invited, DISPATCH_GAOZHAO)
    other = new_case(clients)["case_no"]
    act(clients, "dispatcher", other, DISPATCH_GAOZHAO)
    lawyer = clients("lawyer")
    assert lawyer.get(f"/cases/{invited}").status_code == 404, "not before the invitation"

    resp = clients("gaozhao").post(f"/cases/{invited}/experts", json={
        "username": "lawyer", "field": "lawyer", "video_url": "https://meeting.example.cn/j/2201"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["video_url"] == "https://meeting.example.cn/j/2201"
    again = clients("gaozhao").post(f"/cases/{invited}/experts", json={"username": "lawyer", "field": "lawyer"})
    assert again.status_code == 422 and "username" in again.json()["error"]["fields"]

    seen = lawyer.get(f"/cases/{invited}")
    assert seen.status_code == 200
    assert seen.json()["reporter"]["phone"] != "13800138000", "an expert sees no personal data"
    for path in (f"/cases/{other}", f"/cases/{other}/events", f"/cases/{other}/diagram", f"/cases/{other}/experts",
                 "/cases/MS20990101999999"):
        assert lawyer.get(path).status_code == 404, path
    listed = lawyer.get("/cases").json()
    assert [c["case_no"] for c in listed["items"]] == [invited] and listed["total"] == 1
    assert lawyer.get("/tasks").json()["items"] == []
    assert lawyer.post(f"/cases/{other}/advice", json={"advice": "x"}).status_code == 404

    advice = lawyer.post(f"/cases/{invited}/advice",
                         json={"advice": "拖欠运费可依合同主张，建议先行调解并固定聊天记录。"})
    assert advice.status_code == 200 and advice.json()["advised_at"]
    experts = clients("gaozhao").get(f"/cases/{invited}/experts").json()["items"]
    assert [(e["username"], e["field"], e["advice"][:6]) for e in experts] == [("lawyer", "lawyer", "拖欠运费可依")]
    kinds = [e["kind"] for e in clients("supervisor").get(f"/cases/{invited}/events").json()["items"]]
    assert kinds[-2:] == ["expert.invited", "expert.advised"]


def test_only_workers_invite_and_only_experts_advise(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    assert clients("court").post(f"/cases/{no}/experts", json={"username": "lawyer", "field": "lawyer"}) \
        .status_code == 403
    assert clients("gaozhao").post(f"/cases/{no}/experts", json={"username": "gaozhao2", "field": "lawyer"}) \
        .status_code == 422, "only an expert can be invited"
    assert clients("gaozhao").post(f"/cases/{no}/experts", json={"username": "lawyer", "field": "astrologer"}) \
        .status_code == 422
    assert clients("gaozhao").post(f"/cases/{no}/advice", json={"advice": "x"}).status_code == 403
    assert clients("wangjiangjing").post(f"/cases/{no}/experts", json={"username": "lawyer", "field": "lawyer"}) \
        .status_code == 404, "another team's case"


def test_the_case_page_invites_and_takes_the_advice(server, clients):
    from tests.web import CSRF, sign_in

    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    worker = sign_in(server, "gaozhao")
    page = worker.get(f"{server}/cases/{no}", timeout=10).text
    assert "专家团一键连线" in page and "专家团 律师 孙律" in page
    token = CSRF.search(page).group(1)
    done = worker.post(f"{server}/cases/{no}/experts", timeout=10, data={
        "csrf_token": token, "username": "lawyer", "field": "labour", "video_url": "https://meeting.example.cn/j/9"})
    assert "已邀请专家" in done.text and 'href="https://meeting.example.cn/j/9"' in done.text
    expert = sign_in(server, "lawyer")
    mine = expert.get(f"{server}/cases/{no}", timeout=10).text
    assert "提交意见" in mine and "13800138000" not in mine
    token = CSRF.search(mine).group(1)
    advised = expert.post(f"{server}/cases/{no}/advice", timeout=10, data={"csrf_token": token,
                                                                          "advice": "建议依劳动合同法协商。"})
    assert "您的意见已记录" in advised.text and "建议依劳动合同法协商。" in advised.text
    assert "邀请专家：专家团 律师 孙律" in advised.text
