"""A reporter follows their case from outside: GET /api/v1/public/cases/{case_no}?phone_last4= and /track, with no
credential, against cases driven through the staff API. Nothing personal is ever shown, wrong pairs are 404, and
wrong tries are throttled per address."""
from __future__ import annotations

import re

import requests

from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item
from tests.web import CSRF

PERSONAL = ("谢师傅", "13800138000", "138 0013 8000", "物流平台拖欠运费", "对方不接电话", "嘉兴市秀洲区高照街道",
            "当场协调", "运费已付清")


def _closed_case(clients) -> str:
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    assert clients("gaozhao").post(f"/tasks/{item['id']}/claim").status_code == 200
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "到场后当场协调，运费已付清。"})
    act(clients, "callback", no, {"satisfaction": "satisfied"})
    return no


def _lookup(clients, no: str, last4: str) -> requests.Response:
    return clients(None).get(f"/public/cases/{no}", params={"phone_last4": last4})


def test_the_reporter_sees_the_way_of_their_case_and_nothing_personal(clients):
    no = _closed_case(clients)
    resp = _lookup(clients, no, "8000")
    assert resp.status_code == 200, resp.text
    assert resp.headers["Cache-Control"] == "no-store"
    body = resp.json()
    assert (body["case_no"], body["status"], body["status_name"]) == (no, "closed", "已办结")
    assert body["closed_at"] and body["opened_at"].endswith("+08:00")
    assert body["category"] == {"code": "labour_dispute", "name": "劳资纠纷"}
    names = [s["name"] for s in body["steps"]]
    assert names == ["诉求已登记受理", "已交由高照街道民声服务队办理", "工作人员已接手办理",
                     "已办理完毕，将回访您是否满意", "已办结"], names
    times = [s["at"] for s in body["steps"]]
    assert times == sorted(times)
    assert body["reply"] is None
    for text in PERSONAL:
        assert text not in resp.text, text
    assert set(body) == {"case_no", "status", "status_name", "opened_at", "closed_at", "category", "steps", "reply",
                         "reply_at"}


def test_a_case_being_handled_says_so_in_english_too(clients):
    no = new_case(clients, reporter={"name": "王阿姨", "phone": "0573-8221 4567"})["case_no"]
    fresh = _lookup(clients, no, "4567").json()
    assert (fresh["status"], [s["name"] for s in fresh["steps"]]) == ("open", ["诉求已登记受理"])
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    english = clients(None).get(f"/public/cases/{no}", params={"phone_last4": "4567", "lang": "en"}).json()
    assert english["status_name"] == "Being handled"
    assert english["steps"][-1]["name"] == "Handed to 高照街道民声服务队"


def test_wrong_pairs_are_one_404_and_bad_digits_a_422(clients):
    no = new_case(clients)["case_no"]
    wrong_phone, unknown = _lookup(clients, no, "1234"), _lookup(clients, "MS20990101999999", "8000")
    assert wrong_phone.status_code == unknown.status_code == 404
    assert wrong_phone.json() == unknown.json(), "an unknown number and a wrong phone answer alike"
    assert wrong_phone.json()["error"]["code"] == "not_found"
    for bad in ("80", "abcd", "80000", ""):
        resp = _lookup(clients, no, bad)
        assert resp.status_code == 422 and "phone_last4" in resp.json()["error"]["fields"], (bad, resp.text)
    missing = clients(None).get(f"/public/cases/{no}")
    assert missing.status_code == 422 and "phone_last4" in missing.json()["error"]["fields"]
    no_phone = new_case(clients, reporter={"name": "匿名"})["case_no"]
    assert _lookup(clients, no_phone, "0000").status_code == 404, "a case reported without a phone cannot be looked up"


def test_twenty_wrong_tries_from_one_address_are_throttled(clients):
    no = new_case(clients)["case_no"]
    statuses = [_lookup(clients, no, f"{n:04d}").status_code for n in range(1000, 1020)]
    assert statuses[:10] == [404] * 10 and statuses[10:] == [429] * 10, statuses
    locked = _lookup(clients, no, "8000")
    assert locked.status_code == 429, "throttled: even the right pair waits"
    assert locked.json()["error"]["code"] == "too_many_requests" and int(locked.headers["Retry-After"]) > 0


def test_right_lookups_do_not_use_up_the_wrong_tries(clients):
    no = new_case(clients)["case_no"]
    assert all(_lookup(clients, no, "8000").status_code == 200 for _ in range(15))
    assert _lookup(clients, no, "0001").status_code == 404


def _track(browser: requests.Session, server: str, no: str, last4: str) -> requests.Response:
    token = CSRF.search(browser.get(f"{server}/track", timeout=10).text).group(1)
    return browser.post(f"{server}/track", data={"case_no": no, "phone_last4": last4, "csrf_token": token}, timeout=10)


def test_the_track_page_finds_the_case_and_throttles_guessing(clients, server):
    no = _closed_case(clients)
    browser = requests.Session()
    link = browser.get(f"{server}/track", params={"case_no": no}, timeout=10)
    assert link.status_code == 200 and f'value="{no}"' in link.text, "a tracking link fills in the number"
    found = _track(browser, server, no.lower(), "8000")
    assert found.status_code == 200 and "已办结" in found.text and "已交由高照街道民声服务队办理" in found.text
    for text in PERSONAL:
        assert text not in found.text, text
    assert _track(browser, server, no, "12").status_code == 422
    wrong = [_track(browser, server, no, f"{n:04d}").status_code for n in range(2000, 2019)]
    assert wrong[:9] == [404] * 9 and wrong[-1] == 429, wrong
    assert "请稍后再试" in _track(browser, server, no, "8000").text
    assert not re.search(r"phone_last4=\d{4}", found.url), "the digits are posted, not put in the address"
