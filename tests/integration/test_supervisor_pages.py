"""The supervisor's desk page over real HTTP: sign in, see escalations in Chinese, act with CSRF."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests

from app.engine import clock
from tests.flows import DISPATCH_GAOZHAO, act, new_case
from tests.web import CSRF, sign_in

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
@pytest.fixture
def overdue_case(app, clients):
    clock.set(T0)
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    clock.set(T0 + timedelta(hours=26))
    result = app.test_cli_runner().invoke(args=["timers", "tick", "--now", (T0 + timedelta(hours=26)).isoformat()])
    assert result.exit_code == 0
    return no


def test_sign_in_refuses_wrong_passwords_and_missing_csrf(server):
    browser = requests.Session()
    token = CSRF.search(browser.get(f"{server}/login", timeout=10).text).group(1)
    wrong = browser.post(f"{server}/login", data={"username": "supervisor", "password": "nope", "csrf_token": token},
                         timeout=10)
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
    no_csrf = requests.post(f"{server}/login", data={"username": "supervisor", "password": "minsheng-demo"},
                            timeout=10)
    assert no_csrf.status_code in (400, 401) and "csrf" not in no_csrf.cookies
    assert requests.get(f"{server}/supervisor", timeout=10, allow_redirects=False).status_code == 302


def test_desk_lists_escalations_in_chinese_and_acts_on_them(server, overdue_case):
    browser = sign_in(server, "supervisor")
    page = browser.get(f"{server}/supervisor", timeout=10)
    assert page.status_code == 200
    assert "超时督办" in page.text and overdue_case in page.text and "高照街道民声服务队" in page.text
    assert "已超时 2小时" in page.text and "现场处置" in page.text
    escalation_id = re.search(r'data-escalation="(\d+)"', page.text).group(1)
    token = CSRF.search(page.text).group(1)
    refused = browser.post(f"{server}/supervisor/escalations/{escalation_id}/remind", data={"note": "x"}, timeout=10)
    assert refused.status_code == 400, "no CSRF token, no action"
    done = browser.post(f"{server}/supervisor/escalations/{escalation_id}/reassign",
                        data={"target": "team:ms-xiuzhou-wangjiangjing", "note": "改由王江泾处置", "csrf_token": token},
                        timeout=10)
    assert done.status_code == 200 and "已对案件" in done.text and "改派" in done.text
    assert f'data-escalation="{escalation_id}"' not in done.text
    timeline = browser.get(f"{server}/cases/{overdue_case}", timeout=10).text
    assert "督办改派" in timeline and "王江泾镇民声服务队" in timeline


def test_desk_in_english_and_closed_to_caseworkers(server, overdue_case):
    browser = sign_in(server, "supervisor")
    english = browser.get(f"{server}/supervisor?lang=en", timeout=10).text
    assert "Escalations" in english and "late by" in english
    worker = sign_in(server, "gaozhao")
    assert worker.get(f"{server}/supervisor", timeout=10).status_code == 403
    queue = worker.get(f"{server}/", timeout=10)
    assert queue.status_code == 200 and overdue_case in queue.text and "已超时" in queue.text


def test_session_use_of_the_api_needs_the_csrf_header(server, overdue_case):
    browser = sign_in(server, "supervisor")
    assert browser.get(f"{server}/api/v1/escalations", timeout=10).status_code == 200
    item = browser.get(f"{server}/api/v1/escalations", timeout=10).json()["items"][0]
    refused = browser.post(f"{server}/api/v1/escalations/{item['id']}/remind", json={}, timeout=10)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_request"
    token = CSRF.search(browser.get(f"{server}/supervisor", timeout=10).text).group(1)
    ok = browser.post(f"{server}/api/v1/escalations/{item['id']}/remind", json={}, headers={"X-CSRFToken": token},
                      timeout=10)
    assert ok.status_code == 200, ok.text


def test_every_message_has_a_chinese_translation():
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    repo = Path(__file__).resolve().parents[2]
    po = repo / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    catalog = read_po(po.open("rb"))
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    # What the sources say today, not only what the catalogue was last updated with.
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
    in_sources = {message for _file, _line, message, _comments, _context in
                  extract_from_dir(str(repo), method_map=method_map, keywords={"_": None, "gettext": None})}
    missing = sorted(m for m in in_sources if isinstance(m, str) and not (catalog.get(m) and catalog.get(m).string))
    assert missing == [], "run scripts/translations.py and translate these"
