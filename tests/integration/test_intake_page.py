"""/intake: staff register a walk-in or a phone matter on a page, through the same schema and service as the API."""
from __future__ import annotations

import re

from tests.web import sign_in

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


def _form(browser, server):
    page = browser.get(f"{server}/intake", timeout=10)
    assert page.status_code == 200, page.status_code
    return CSRF.search(page.text).group(1), SUBMISSION.search(page.text).group(1)


def test_a_walk_in_is_registered_once_with_its_station(server, clients):
    browser = sign_in(server, "gaozhao")  # a caseworker at the township's service station
    token, submission = _form(browser, server)
    form = {"csrf_token": token, "submission": submission, "channel": "walk_in",
            "details-service_station": "高照街道民声服务站", "reporter_name": "王阿姨", "reporter_phone": "13600001111",
            "description": "楼上装修噪音扰民，多次协商无果",
            "township": "xiuzhou-gaozhao", "category": "neighbour_dispute", "occurred_at": "2026-11-30T20:15"}
    sent = browser.post(f"{server}/intake", data=form, timeout=10, allow_redirects=False)
    assert sent.status_code == 302, sent.text[:500]
    case_no = sent.headers["Location"].rsplit("/", 1)[-1]
    case = clients("supervisor").get(f"/cases/{case_no}").json()
    assert case["channel"] == "walk_in" and case["channel_details"] == {"service_station": "高照街道民声服务站"}
    assert case["category"] == "neighbour_dispute" and case["township"]["code"] == "xiuzhou-gaozhao"
    assert case["occurred_at"].startswith("2026-11-30T20:15:00+08:00")
    again = browser.post(f"{server}/intake", data=form, timeout=10, allow_redirects=False)
    assert again.headers["Location"].endswith(case_no), "a double click registers the matter once"


def test_a_form_without_the_matter_or_with_a_future_call_is_refused_beside_the_field(server, clients, sql):
    before = sql("SELECT count(*) FROM cases")[0][0]
    browser = sign_in(server, "intake")
    token, submission = _form(browser, server)
    empty = browser.post(f"{server}/intake", data={"csrf_token": token, "submission": submission, "channel": "110"},
                         timeout=10)
    assert empty.status_code == 422 and 'data-field="description"' in empty.text and "field-error" in empty.text
    future = browser.post(f"{server}/intake", timeout=10, data={
        "csrf_token": token, "submission": submission, "channel": "110", "description": "有人报警称运费被拖欠",
        "details-called_at": "2099-01-01T10:00"})
    assert (future.status_code == 422 and "不能晚于现在" in future.text) or "cannot be later" in future.text
    assert sql("SELECT count(*) FROM cases")[0][0] == before


def test_the_court_cannot_register(server):
    assert sign_in(server, "court").get(f"{server}/intake", timeout=10).status_code == 403
