"""The reports checked from outside: four cases driven through the HTTP API at known times, and every figure
of the day's, the week's and the month's report as a person would count it from what was done."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.engine import clock
from tests.flows import act, new_case, open_item, tick

T0 = datetime.fromisoformat("2030-04-08T09:00:00+08:00")  # a Monday
GAOZHAO = {"is_police_matter": False, "category": "labour_dispute", "township": "xiuzhou-gaozhao"}
WANGJIANGJING = {"is_police_matter": False, "category": "neighbour_dispute", "township": "xiuzhou-wangjiangjing"}


def at(delta: timedelta) -> None:
    clock.set(T0 + delta)


def m(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
def week(clients, app):
    """Monday to Thursday of one week: a closed case, a police matter, a mediated case sent to court and
    reopened by its callback, and a late routing left unhandled."""
    at(m(0))
    one = new_case(clients, channel="110", channel_details={"called_at": (T0 - m(4)).isoformat()})["case_no"]
    at(m(1))
    act(clients, "dispatcher", one, GAOZHAO)
    at(m(6))
    assert clients("gaozhao").post(f"/tasks/{open_item(clients, 'gaozhao', one)['id']}/claim").status_code == 200
    at(m(30))
    two = new_case(clients, channel="12345")["case_no"]
    at(m(31))
    act(clients, "dispatcher", two, {"is_police_matter": True, "category": "theft"})
    at(m(60))
    three = new_case(clients, channel="online")["case_no"]
    at(m(61))
    act(clients, "dispatcher", three, WANGJIANGJING)
    at(m(81))
    act(clients, "wangjiangjing", three, {"result": "needs_mediation"})
    at(m(120))
    act(clients, "gaozhao", one, {"result": "resolved", "measures": "当场协调"})
    four = new_case(clients, channel="walk_in")["case_no"]
    tick(app, T0 + m(125))  # the routing of case four is 2 minutes late: an escalation
    at(m(130))
    act(clients, "dispatcher", four, GAOZHAO)
    at(m(140))
    escalations = clients("supervisor").get("/escalations").json()["items"]
    assert [e["case_no"] for e in escalations] == [four]
    assert clients("supervisor").post(f"/escalations/{escalations[0]['id']}/remind",
                                      json={"note": "分流超时"}).status_code == 200
    at(m(180))
    act(clients, "wangjiangjing", three, {"outcome": "agreement", "apply_judicial_confirmation": True,
                                          "agreement_summary": "赔偿 800 元", "money_owed": True, "amount": 800})
    at(m(300))
    act(clients, "callback", one, {"satisfaction": "satisfied"})
    at(timedelta(days=1))
    act(clients, "court", three, {"decision": "confirmed", "ruling_no": "（2030）浙0411民特1号"})
    at(timedelta(days=1, hours=1))
    act(clients, "callback", three, {"satisfaction": "unsatisfied", "comment": "赔偿未到位"})
    tick(app, T0 + timedelta(days=3))  # both handling steps are past their 24 hours: two escalations
    at(timedelta(days=3))
    return one, two, three, four


def report(clients, kind, day, **params):
    resp = clients("supervisor").get(f"/reports/{kind}", params={"date": day, **params})
    assert resp.status_code == 200, resp.text
    return resp.json()


def township(body, code):
    return next(t for t in body["by_township"] if t["code"] == code)


def test_the_days_report_counts_what_was_done_that_day(clients, week):
    _one, _two, three, four = week
    day = report(clients, "daily", "2030-04-08")
    assert day["period"] == {"from": "2030-04-08", "to": "2030-04-08"}
    assert (day["opened"], day["returned_to_police"], day["closed"]) == (4, 1, 1)
    assert day["completion_rate"] == 0.3333
    assert (day["callbacks"], day["satisfaction_rate"]) == (1, 1.0)
    assert (day["open_now"], day["overdue_now"]) == (2, 2)
    # Case one: called 4 minutes before its opening, signed for 6 minutes after it; case three: completed by
    # its team 21 minutes after its opening. Nearest rank: the median is the 1st of 2, the 90th the 2nd.
    assert (day["median_response_minutes"], day["p90_response_minutes"]) == (10.0, 21.0)
    assert day["median_handling_hours"] == 5.0
    assert day["escalations"] == {"opened": 1, "remind": 1, "reassign": 0, "extend": 0, "take_over": 0}
    assert day["mediation"] == {"started": 1, "agreement": 1, "no_agreement": 0, "withdrawn": 0}
    assert day["judicial"] == {"applied": 1, "confirmed": 0, "rejected": 0}
    assert day["reopened"] == 0
    assert township(day, "xiuzhou-gaozhao") == {"code": "xiuzhou-gaozhao", "name": "秀洲区高照街道",
                                                "opened": 3, "closed": 1, "overdue_now": 1}
    assert {k: township(day, "xiuzhou-wangjiangjing")[k] for k in ("opened", "closed", "overdue_now")} == \
        {"opened": 1, "closed": 0, "overdue_now": 1}
    assert sum(t["opened"] for t in day["by_township"]) == 4 and len(day["by_township"]) >= 72
    assert {c["code"]: c["opened"] for c in day["by_category"]} == {"labour_dispute": 2, "theft": 1,
                                                                    "neighbour_dispute": 1}
    assert day["by_category"][0]["name"] == "劳资纠纷"
    assert day["to_clear"] == [] and day["to_clear_total"] == 0, "nothing was due by Monday's end"

    thursday = report(clients, "daily", "2030-04-11")
    assert thursday["opened"] == 0 and thursday["completion_rate"] is None and thursday["satisfaction_rate"] is None
    assert thursday["escalations"]["opened"] == 2
    due = thursday["to_clear"]
    assert thursday["to_clear_total"] == 4 and {d["case_no"] for d in due} == {three, four}
    assert [d["overdue"] for d in due] == [True, True, False, False], "the overdue handling steps come first"
    assert [d["escalation"] for d in due] == [False, False, True, True]
    assert {t["code"]: (t["open"], t["overdue"]) for t in thursday["by_team"]} == {
        "ms-xiuzhou-gaozhao": (1, 1), "ms-xiuzhou-wangjiangjing": (1, 1), "supervision-city": (2, 0)}


def test_the_weeks_and_the_months_reports(clients, week):
    for kind in ("weekly", "monthly"):
        body = report(clients, kind, "2030-04-10")
        assert (body["opened"], body["returned_to_police"], body["closed"]) == (4, 1, 1)
        assert (body["callbacks"], body["satisfaction_rate"]) == (2, 0.5), "case one satisfied, case three not"
        assert body["judicial"] == {"applied": 1, "confirmed": 1, "rejected": 0}
        assert body["reopened"] == 1
        assert body["escalations"] == {"opened": 3, "remind": 1, "reassign": 0, "extend": 0, "take_over": 0}
    weekly = report(clients, "weekly", "2030-04-14")
    assert weekly["period"] == {"from": "2030-04-08", "to": "2030-04-14"} and weekly["carried_over"] == 0
    assert report(clients, "weekly", "2030-04-15")["carried_over"] == 2, "cases three and four go on"
    monthly = report(clients, "monthly", "2030-04-30")
    assert monthly["period"] == {"from": "2030-04-01", "to": "2030-04-30"}
    assert len(monthly["by_day"]) == 30
    assert monthly["by_day"][7] == {"date": "2030-04-08", "opened": 4, "closed": 1}
    assert sum(d["opened"] for d in monthly["category_trend"]) == 4
    steps = {b["name"]: (b["items"], b["breached"]) for b in monthly["breaches_by_step"]}
    assert steps["识别分流"] == (4, 1), "the routing of case four came 10 minutes after its opening"
    assert steps["现场处置"] == (4, 2), "three's second round and four's handling are overdue now"
    assert monthly["repeat_complaints"] == 3, "the same phone reported four times in one morning"
    assert monthly["identification"]["decided"] == 4


def test_a_township_a_county_and_the_files(clients, week):
    only = report(clients, "weekly", "2030-04-08", township="王江泾镇")
    assert only["scope"] == {"kind": "township", "code": "xiuzhou-wangjiangjing", "name": "秀洲区王江泾镇"}
    assert (only["opened"], only["closed"], only["reopened"], only["open_now"]) == (1, 0, 1, 1)
    assert [t["code"] for t in only["by_township"]] == ["xiuzhou-wangjiangjing"]
    county = report(clients, "weekly", "2030-04-08", county="秀洲区")
    assert county["scope"]["kind"] == "county" and county["opened"] == 4
    assert report(clients, "weekly", "2030-04-08", county="海盐县")["opened"] == 0

    resp = clients("supervisor").get("/reports/daily", params={"date": "2030-04-08", "format": "xlsx"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(resp.content))
    summary = {row[0]: row[2] for row in book["summary"].iter_rows(min_row=2, values_only=True)}
    day = report(clients, "daily", "2030-04-08")
    assert summary["opened"] == day["opened"] and summary["completion_rate"] == day["completion_rate"]
    assert {r[0]: r[2] for r in book["by_township"].iter_rows(min_row=2, values_only=True)}["xiuzhou-gaozhao"] == 3
    csv = clients("supervisor").get("/reports/weekly", params={"date": "2030-04-08", "format": "csv",
                                                               "table": "escalations"})
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").splitlines() == [
        "figure,value", "opened,3", "remind,1", "reassign,0", "extend,0", "take_over,0"]


def test_bad_requests_and_other_roles(clients, week):
    for params, field, status in (({"date": "2030-02-30"}, "date", 422), ({"township": "火星镇"}, "township", 404),
                                  ({"county": "不存在县"}, "county", 404), ({"format": "pdf"}, "format", 422),
                                  ({"format": "csv", "table": "nope"}, "table", 422),
                                  ({"format": "csv", "table": "by_day"}, "table", 404),
                                  ({"date": "1900-01-01"}, "date", 422)):
        resp = clients("supervisor").get("/reports/daily", params=params)
        assert resp.status_code == status, (params, resp.text)
        assert field in resp.json()["error"]["fields"], resp.text
    assert clients("supervisor").get("/reports/yearly").status_code == 404
    for user in ("gaozhao", "intake", "dispatcher"):
        assert clients(user).get("/reports/daily").status_code == 403
    assert clients(None).get("/reports/daily").status_code == 401


def test_each_callback_answer_counts_and_a_reopened_case_once(clients):
    """Called back twice in one day (unsatisfied, reopened, handled again, satisfied): two answers, one of
    them satisfied; one reopening; the case is the day's one closed case."""
    start = datetime.fromisoformat("2030-05-06T08:00:00+08:00")
    clock.set(start)
    no = new_case(clients)["case_no"]
    for minutes, user, data in ((2, "dispatcher", GAOZHAO), (40, "gaozhao", {"result": "resolved"}),
                                (120, "callback", {"satisfaction": "unsatisfied"}),
                                (300, "gaozhao", {"result": "resolved", "measures": "再次上门"}),
                                (420, "callback", {"satisfaction": "satisfied"})):
        clock.set(start + m(minutes))
        act(clients, user, no, data)
    day = report(clients, "daily", "2030-05-06")
    assert (day["opened"], day["closed"], day["completion_rate"]) == (1, 1, 1.0)
    assert (day["callbacks"], day["satisfaction_rate"], day["reopened"]) == (2, 0.5, 1)
    assert day["median_response_minutes"] == 40.0 and day["median_handling_hours"] == 7.0
    steps = {b["name"]: b["items"] for b in report(clients, "monthly", "2030-05-06")["breaches_by_step"]}
    assert steps["现场处置"] == 2 and steps["回访"] == 2, "both rounds are steps of the month"
