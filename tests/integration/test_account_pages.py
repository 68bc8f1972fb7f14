"""Changing one's own password in the web, and the desk's pickers offering only teams that may do the step."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import requests

from app.engine import clock
from app.extensions import limiter
from tests.flows import DISPATCH_GAOZHAO, act, new_case, tick
from tests.web import CSRF, sign_in

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _post_password(browser: requests.Session, server: str, current: str, new: str, confirm: str | None = None):
    token = CSRF.search(browser.get(f"{server}/account/password", timeout=10).text).group(1)
    return browser.post(f"{server}/account/password", timeout=10, allow_redirects=False, data={
        "current": current, "new": new, "confirm": new if confirm is None else confirm, "csrf_token": token})


def test_changing_the_password_ends_every_other_session(app, server, sql):
    app.test_cli_runner().invoke(args=["users", "create", "selfservice", "--role", "caseworker", "--team",
                                       "ms-xiuzhou-gaozhao", "--password", "old-willow-harbour"])
    here = sign_in(server, "selfservice", "old-willow-harbour")
    elsewhere = sign_in(server, "selfservice", "old-willow-harbour")
    page = here.get(f"{server}/account/password", timeout=10)
    assert page.status_code == 200 and "修改密码" in page.text
    wrong = _post_password(here, server, "not-it-at-all", "new-willow-harbour")
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
    weak = _post_password(here, server, "old-willow-harbour", "12345678")
    assert weak.status_code == 422 and "10" in weak.text
    differ = _post_password(here, server, "old-willow-harbour", "new-willow-harbour", "new-willow-harbor")
    assert differ.status_code == 422 and "不一致" in differ.text
    done = _post_password(here, server, "old-willow-harbour", "new-willow-harbour")
    assert done.status_code == 302
    assert here.get(f"{server}/", timeout=10, allow_redirects=False).status_code == 200, "this browser goes on"
    assert elsewhere.get(f"{server}/", timeout=10, allow_redirects=False).status_code == 302, "the others end"
    assert sign_in(server, "selfservice", "new-willow-harbour")
    kinds = [r[0] for r in sql("SELECT kind FROM auth_events WHERE username = 'selfservice' ORDER BY id")]
    assert "password.changed" in kinds and "password.failed" in kinds
    limiter.reset()


def test_the_desk_offers_only_courts_for_a_court_step(app, server, clients):
    clock.set(T0)
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True})
    tick(app, T0 + timedelta(days=4))  # the court's 3-day acceptance limit escalates to the desk
    page = sign_in(server, "supervisor").get(f"{server}/supervisor", timeout=10).text
    card = page[page.index(no):]
    card = card[:card.index("</article>")]
    offered = re.findall(r'<option value="team:([^"]+)"', card)
    assert offered and all(code.startswith("court-") for code in offered), offered
    assert "court-xiuzhou" not in offered, "not the team it already has"
    assert "ms-xiuzhou-gaozhao" not in card
