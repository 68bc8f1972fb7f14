"""/cases: the staff's search and list of cases (CONTRACT.md, "More pages"), with the API's filters."""
from __future__ import annotations

import re

from tests.flows import DISPATCH_GAOZHAO, act, new_case
from tests.web import sign_in


def _numbers(html: str) -> set[str]:
    return set(re.findall(r'data-case="([^"]+)"', html))


def test_search_filter_and_page_through_cases(server, clients):
    freight = new_case(clients, description="货车司机反映物流平台拖欠运费 1080 元")["case_no"]
    noise = new_case(clients, description="楼上装修噪音扰民，协商无果")["case_no"]
    act(clients, "dispatcher", noise, DISPATCH_GAOZHAO)
    browser = sign_in(server, "dispatcher")
    everything = browser.get(f"{server}/cases", timeout=10)
    assert everything.status_code == 200 and {freight, noise} <= _numbers(everything.text)
    searched = browser.get(f"{server}/cases", params={"q": "运费"}, timeout=10).text
    assert freight in _numbers(searched) and noise not in _numbers(searched)
    in_progress = browser.get(f"{server}/cases", params={"status": "in_progress"}, timeout=10).text
    assert _numbers(in_progress) >= {noise} and freight not in _numbers(in_progress)
    assert "处置中" in in_progress and "in_progress</span>" not in in_progress, "the status by its name"
    none = browser.get(f"{server}/cases", params={"opened_from": "2001-01-01", "opened_to": "2001-01-02"}, timeout=10)
    assert none.status_code == 200 and _numbers(none.text) == set() and "没有符合条件的案件" in none.text
    odd = browser.get(f"{server}/cases", params={"opened_from": "not a day", "page": "x"}, timeout=10)
    assert odd.status_code == 200, "a bad date or page is ignored, not a crash"


def test_caseworkers_see_their_teams_cases_and_designers_see_masked_names(server, clients):
    mine = new_case(clients, reporter={"name": "谢建国", "phone": "13912345678"})["case_no"]
    act(clients, "dispatcher", mine, DISPATCH_GAOZHAO)
    elsewhere = new_case(clients)["case_no"]
    seen = sign_in(server, "gaozhao").get(f"{server}/cases", timeout=10).text
    assert mine in _numbers(seen) and elsewhere not in _numbers(seen)
    designer = sign_in(server, "designer").get(f"{server}/cases", timeout=10).text
    assert mine in _numbers(designer) and "谢建国" not in designer and "谢**" in designer
