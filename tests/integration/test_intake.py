"""Opening cases: idempotency, refusal of bad input (nothing stored), roles."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from tests.flows import new_case

GOOD = {"channel": "12345", "external_ref": "RX-1", "description": "邻居装修噪音扰民", "township": "南湖街道"}


def count_cases(sql) -> int:
    return sql("SELECT count(*) FROM cases")[0][0]


def test_same_channel_and_reference_twice_is_one_case(clients, sql):
    first = clients("intake").post("/cases", json=GOOD)
    again = clients("intake").post("/cases", json={**GOOD, "description": "重复推送"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["case_no"] == again.json()["case_no"]
    assert again.json()["description"] == GOOD["description"], "the repeat changes nothing"
    assert count_cases(sql) == 1
    assert sql("SELECT count(*) FROM work_items")[0][0] == 1
    assert sql("SELECT count(*) FROM case_events")[0][0] == 1
    other_channel = clients("intake").post("/cases", json={**GOOD, "channel": "110"})
    assert other_channel.status_code == 201 and count_cases(sql) == 2


def test_concurrent_duplicates_yield_one_case(clients, sql):
    body = {**GOOD, "external_ref": "RX-concurrent"}
    results: list = []
    barrier = threading.Barrier(8)

    def post() -> None:
        barrier.wait()
        from tests.conftest import Client

        client = Client(clients.base, clients.tokens["intake"])  # one connection per thread
        results.append(client.post("/cases", json=body))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and codes.count(200) == 7, [r.text for r in results if r.status_code >= 300]
    assert len({r.json()["case_no"] for r in results}) == 1
    assert count_cases(sql) == 1
    assert sql("SELECT count(*) FROM work_items")[0][0] == 1
    assert sql("SELECT count(*) FROM case_events")[0][0] == 1


def test_without_external_ref_every_post_is_a_new_case(clients, sql):
    body = {"channel": "walk_in", "description": "群众到民声服务站反映欠薪"}
    assert clients("intake").post("/cases", json=body).status_code == 201
    assert clients("intake").post("/cases", json=body).status_code == 201
    assert count_cases(sql) == 2


@pytest.mark.parametrize(("body", "status", "field"), [
    ({**GOOD, "channel": "fax"}, 422, "channel"),
    ({**GOOD, "description": ""}, 422, "description"),
    ({**GOOD, "description": "   "}, 422, "description"),
    ({**GOOD, "description": "长" * 100_000}, 422, "description"),
    ({**GOOD, "description": 42}, 422, "description"),
    ({**GOOD, "channel": 110}, 422, "channel"),
    ({**GOOD, "reporter": "张三"}, 422, "reporter"),
    ({**GOOD, "reporter": {"phone": "call me"}}, 422, "reporter.phone"),
    ({**GOOD, "lat": "north"}, 422, "lat"),
    ({**GOOD, "lat": 123.0}, 422, "lat"),
    ({**GOOD, "occurred_at": "yesterday"}, 422, "occurred_at"),
    ({"description": "没有渠道"}, 422, "channel"),
    ({"channel": "110"}, 422, "description"),
])
def test_bad_input_is_refused_and_nothing_is_stored(clients, sql, body, status, field):
    resp = clients("intake").post("/cases", json=body)
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error
    assert error["message"]
    assert count_cases(sql) == 0


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe", b'{"channel": "110",'])
def test_malformed_json_is_a_400_and_nothing_is_stored(clients, sql, raw):
    resp = clients("intake").post("/cases", data=raw, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == "bad_request"
    assert count_cases(sql) == 0


@pytest.mark.parametrize("raw", [b'[{"channel": "110"}]', b'"a string"', b"12", b"null"])
def test_a_body_that_is_not_an_object_is_refused(clients, sql, raw):
    resp = clients("intake").post("/cases", data=raw, headers={"Content-Type": "application/json"})
    assert resp.status_code == 422, resp.text
    assert "_body" in resp.json()["error"]["fields"]
    assert count_cases(sql) == 0


def test_township_and_category_by_name_or_code(clients):
    by_name = new_case(clients, township="秀洲区王江泾镇", category="劳资纠纷")
    assert by_name["township"] == {"code": "xiuzhou-wangjiangjing", "name": "王江泾镇", "county": "秀洲区"}
    assert by_name["category"] == "labour_dispute" and by_name["warnings"] == []
    by_code = new_case(clients, township="haining-xucun", category="consumer_dispute")
    assert by_code["township"]["name"] == "许村镇"
    route = clients("dispatcher").get(f"/tasks/{by_code['open_tasks'][0]['id']}").json()
    assert route["data"] == {"category": "consumer_dispute", "township": "haining-xucun"}


def test_unknown_fields_are_ignored_with_a_warning(clients):
    body = new_case(clients, priority="high")
    assert any(w.startswith("priority") for w in body["warnings"])


def test_who_may_open_cases(clients, sql):
    assert clients(None).post("/cases", json=GOOD).status_code == 401
    bad = clients("intake").session.post(clients.base + "/api/v1/cases", json=GOOD,
                                         headers={"Authorization": "Bearer ms_not-a-token"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "unauthorized"
    for role_user in ("court", "callback", "designer"):
        resp = clients(role_user).post("/cases", json={**GOOD, "external_ref": f"RX-{role_user}"})
        assert resp.status_code == 403, role_user
    assert count_cases(sql) == 0
    assert clients("gaozhao").post("/cases", json={**GOOD, "channel": "walk_in"}).status_code == 201


def test_personal_data_is_masked_for_roles_that_do_not_need_it(clients):
    no = new_case(clients, reporter={"name": "谢建国", "phone": "13800138000"})["case_no"]
    full = clients("supervisor").get(f"/cases/{no}").json()["reporter"]
    assert full == {"name": "谢建国", "phone": "13800138000"}
    masked = clients("designer").get(f"/cases/{no}").json()["reporter"]
    assert masked == {"name": "谢**", "phone": "138****8000"}


def test_case_lists_filter_and_page(clients):
    a = new_case(clients, township="高照街道", category="劳资纠纷")
    new_case(clients, township="王江泾镇", category="邻里纠纷", channel="12345")
    new_case(clients, township="王江泾镇", category="邻里纠纷", description="楼上漏水，协商无果")
    sup = clients("supervisor")
    assert sup.get("/cases").json()["total"] == 3
    assert sup.get("/cases", params={"township": "王江泾镇"}).json()["total"] == 2
    assert sup.get("/cases", params={"category": "labour_dispute"}).json()["items"][0]["case_no"] == a["case_no"]
    assert sup.get("/cases", params={"channel": "12345"}).json()["total"] == 1
    assert sup.get("/cases", params={"q": "漏水"}).json()["total"] == 1
    assert sup.get("/cases", params={"q": a["case_no"]}).json()["total"] == 1
    page = sup.get("/cases", params={"per_page": 2, "page": 2}).json()
    assert page["total"] == 3 and page["page"] == 2 and len(page["items"]) == 1
    assert sup.get("/cases", params={"status": "nonsense"}).status_code == 422
    assert sup.get("/cases", params={"per_page": 0}).status_code == 422
    assert sup.get("/cases/MS00000000000000").status_code == 404
    # a caseworker sees the cases their team works on, not the others
    assert clients("gaozhao").get("/cases").json()["total"] == 0


def test_without_a_deployed_version_intake_says_so_and_stores_nothing(app, clients, sql):
    from app.extensions import db

    with app.app_context():
        db.session.execute(text("DELETE FROM process_versions"))
        db.session.commit()
    resp = clients("intake").post("/cases", json={"channel": "110", "external_ref": "NO-VERSION-1",
                                                  "description": "路面有碎玻璃"})
    assert resp.status_code == 503, resp.text
    assert resp.json()["error"]["code"] == "no_process_deployed"
    assert "processes deploy" in resp.json()["error"]["message"]
    assert sql("SELECT count(*) FROM cases")[0][0] == 0
    result = app.test_cli_runner().invoke(args=["processes", "deploy"])
    assert result.exit_code == 0 and "deployed: appeal" in result.output, result.output
    again = clients("intake").post("/cases", json={"channel": "110", "external_ref": "NO-VERSION-1",
                                                   "description": "路面有碎玻璃"})
    assert again.status_code == 201, again.text
