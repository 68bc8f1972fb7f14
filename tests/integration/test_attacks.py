"""The holes an outside tester found, each written as the attack: forged and copied sessions, intake
replay, timelines of roles that see the case masked, court steps moved to township teams, input
that used to crash, revoked tokens, throttled sign-ins."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import requests
from flask.sessions import SecureCookieSessionInterface

from app.extensions import limiter
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item
from tests.web import CSRF, sign_in

REPO = Path(__file__).resolve().parents[2]
PARTY, PARTY_PHONE = "谢国栋", "13912345678"


def _keys_in_the_repository() -> set[str]:
    """Every string that looks like a secret key in the tracked files (and the one the project once shipped)."""
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    found = {"dev-only-change-me", "dev", "secret", "changeme"}
    pattern = re.compile(r"(?:SECRET_KEY|secret_key)\W{1,6}[\"']([^\"']{3,128})[\"']")
    for name in files:
        if name.endswith((".py", ".md", ".toml", ".cfg", ".sh", ".json")) or "/" not in name:
            path = REPO / name
            if path.is_file() and path.stat().st_size < 2_000_000:
                found |= set(pattern.findall(path.read_text(errors="ignore")))
    return found


def _forge(app, key: str, payload: dict) -> str:
    interface = SecureCookieSessionInterface()

    class Fake:
        secret_key = key
        config = app.config

    serializer = interface.get_signing_serializer(Fake)  # type: ignore[arg-type]
    return serializer.dumps(payload)


def test_a_cookie_signed_with_any_key_from_the_repository_is_refused(app, server, sql):
    admin_id = sql("SELECT id FROM users WHERE username = 'admin'")[0][0]
    keys = _keys_in_the_repository() | {app.config["SECRET_KEY"]}  # even the real key forges nothing
    for key in keys:
        for user_id in (str(admin_id), admin_id):
            cookie = _forge(app, key, {"_user_id": user_id, "_fresh": True})
            page = requests.get(f"{server}/supervisor", cookies={"session": cookie}, timeout=10,
                                allow_redirects=False)
            assert page.status_code == 302 and "/login" in page.headers["Location"], key
            api = requests.get(f"{server}/api/v1/cases", cookies={"session": cookie}, timeout=10)
            assert api.status_code == 401, key
    assert app.config["SECRET_KEY"] not in keys - {app.config["SECRET_KEY"]}


def test_a_copied_cookie_stops_working_at_sign_out_and_at_a_password_change(app, server):
    browser = sign_in(server, "supervisor")
    copied = dict(browser.cookies)
    assert requests.get(f"{server}/supervisor", cookies=copied, timeout=10, allow_redirects=False).status_code == 200
    token = CSRF.search(browser.get(f"{server}/", timeout=10).text).group(1)
    browser.post(f"{server}/logout", data={"csrf_token": token}, timeout=10)
    assert requests.get(f"{server}/supervisor", cookies=copied, timeout=10, allow_redirects=False).status_code == 302

    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "pwchange", "--role", "supervisor", "--password", "first-lantern-river"])
    second = sign_in(server, "pwchange", "first-lantern-river")
    copied = dict(second.cookies)
    changed = runner.invoke(args=["users", "password", "pwchange", "--password", "second-lantern-river"],
                            input=None)
    assert changed.exit_code == 0, changed.output
    assert requests.get(f"{server}/supervisor", cookies=copied, timeout=10, allow_redirects=False).status_code == 302
    assert sign_in(server, "pwchange", "second-lantern-river")


def test_another_teams_caseworker_replaying_an_intake_gets_nothing_personal(clients):
    opened = new_case(clients, external_ref="JJ110-REPLAY-1")
    replay = clients("wangjiangjing").post("/cases", json={"channel": "110", "external_ref": "JJ110-REPLAY-1",
                                                          "description": "随便写点什么"})
    assert replay.status_code == 200
    body = replay.json()
    assert body["case_no"] == opened["case_no"] and body["status"] == "open" and body["duplicate"] is True
    for secret in ("谢师傅", "13800138000", "0138000", "拖欠运费", "高照街道"):
        assert secret not in replay.text
    again = clients("intake").post("/cases", json={"channel": "110", "external_ref": "JJ110-REPLAY-1",
                                                  "description": "重复推送"})
    assert again.status_code == 200 and again.json()["reporter"]["phone"] == "13800138000"
    assert clients("wangjiangjing").get(f"/cases/{opened['case_no']}").status_code == 404


def _case_in_court(clients) -> str:
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation", "measures": f"联系当事人{PARTY}（{PARTY_PHONE}）"})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True,
                                 "agreement_summary": f"{PARTY}同意平台当日支付运费 1080 元，电话 {PARTY_PHONE}",
                                 "amount": 1080, "parties": [{"name": PARTY, "role": "applicant"}]})
    return no


def test_designer_and_court_timelines_show_no_party_names_or_phone_numbers(server, clients):
    no = _case_in_court(clients)
    for user in ("designer", "court"):
        events = clients(user).get(f"/cases/{no}/events")
        assert events.status_code == 200
        assert PARTY not in events.text and PARTY_PHONE not in events.text and "谢师傅" not in events.text
        assert any("data" in e["data"].get("masked", []) for e in events.json()["items"])
        detail = clients(user).get(f"/cases/{no}")
        assert "13800138000" not in detail.text and "谢师傅" not in detail.text
        page = sign_in(server, user).get(f"{server}/cases/{no}", timeout=10)
        assert page.status_code == 200
        assert "联系当事人" not in page.text and "13800138000" not in page.text, "handling notes stay the team's"
        if user == "designer":
            assert PARTY not in page.text and PARTY_PHONE not in page.text
        else:
            # The court reads the agreement it is asked to confirm, and its parties (issue 11).
            assert "同意平台当日支付运费 1080 元" in page.text and PARTY in page.text
    supervisor = clients("supervisor").get(f"/cases/{no}/events")
    assert PARTY in supervisor.text  # the roles that deal with people still see what was recorded
    act(clients, "court", no, {"decision": "confirmed", "ruling_no": "（2026）浙0411民特9号"})
    court_view = clients("court").get(f"/cases/{no}/events").json()["items"]
    assert court_view[-1]["data"]["data"]["decision"] == "confirmed", "the court sees its own step's form"


def test_a_court_step_never_goes_to_a_township_team(clients):
    no = _case_in_court(clients)
    item = open_item(clients, "court", no)
    moved = clients("supervisor").post(f"/tasks/{item['id']}/reassign", json={"team": "ms-xiuzhou-gaozhao"})
    assert moved.status_code == 422 and "team" in moved.json()["error"]["fields"]
    handed = clients("supervisor").post(f"/tasks/{item['id']}/assign", json={"username": "gaozhao"})
    assert handed.status_code == 422
    to_court = clients("supervisor").post(f"/tasks/{item['id']}/reassign", json={"team": "court-nanhu"})
    assert to_court.status_code == 200
    assert clients("gaozhao").post(f"/tasks/{item['id']}/complete", json={"data": {"decision": "confirmed"}}) \
        .status_code == 404
    assert clients("supervisor").post(f"/tasks/{item['id']}/complete", json={"data": {"decision": "confirmed"}}) \
        .status_code == 403, "a supervisor oversees the court's step but does not decide it"
    steps = clients("supervisor").get("/tasks", params={"case_no": no}).json()["items"]
    assert [s["team"]["code"] for s in steps if s["element_id"] == "Task_judicial"] == ["court-nanhu"]


@pytest.mark.parametrize("path", ["/tasks/9223372036854775808", "/tasks/99999999999999999999999/claim",
                                  "/escalations/18446744073709551616/remind", "/tasks/0"])
def test_huge_ids_are_not_found(clients, path):
    resp = clients("admin").request("POST" if path.count("/") > 2 else "GET", path, json={})
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"


def test_huge_pages_nesting_surrogates_and_duplicate_keys_are_refused(clients, sql):
    for params in ({"page": 2**63}, {"page": 10**30}, {"per_page": 2**64}, {"page": -1}):
        resp = clients("supervisor").get("/cases", params=params)
        assert resp.status_code == 422 and resp.json()["error"]["fields"], params
    deep = '{"channel": "110", "description": "x", "reporter": ' + "[" * 1000 + "]" * 1000 + "}"
    nested = clients("intake").post("/cases", data=deep, headers={"Content-Type": "application/json"})
    assert nested.status_code == 400 and "nested" in nested.json()["error"]["message"]
    lone = clients("intake").post("/cases", data='{"channel": "110", "description": "玻璃\\ud800碎片"}',
                                  headers={"Content-Type": "application/json"})
    assert lone.status_code == 422 and "description" in lone.json()["error"]["fields"]
    twice = clients("intake").post("/cases", data='{"channel": "110", "description": "a", "description": "b"}',
                                   headers={"Content-Type": "application/json"})
    assert twice.status_code == 400 and "description" in twice.json()["error"]["fields"]
    assert sql("SELECT count(*) FROM cases")[0][0] == 0
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    bad = clients("gaozhao").post(f"/tasks/{item['id']}/complete",
                                  data='{"data": {"result": "resolved", "measures": "已\\udc00处置"}}',
                                  headers={"Content-Type": "application/json"})
    assert bad.status_code == 422 and "data.measures" in bad.json()["error"]["fields"]
    assert open_item(clients, "gaozhao", no)["state"] == item["state"]


def test_a_wrong_method_says_which_are_allowed(clients):
    resp = clients("intake").request("DELETE", "/cases")
    assert resp.status_code == 405 and set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert resp.json()["error"]["code"] == "method_not_allowed"


def test_a_revoked_token_is_refused_on_the_very_next_request(app, server, sql):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "revokee", "--role", "intake"])
    token = runner.invoke(args=["users", "token", "revokee"]).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{server}/api/v1/cases", headers=headers, timeout=10).status_code == 200
    revoked = runner.invoke(args=["users", "revoke", "revokee"])
    assert revoked.exit_code == 0 and "revoked 1" in revoked.output
    assert requests.get(f"{server}/api/v1/cases", headers=headers, timeout=10).status_code == 401
    one = runner.invoke(args=["users", "token", "revokee"]).stdout.strip()
    token_id = sql("SELECT max(id) FROM api_tokens")[0][0]
    assert requests.get(f"{server}/api/v1/cases", headers={"Authorization": f"Bearer {one}"}, timeout=10) \
        .status_code == 200
    assert runner.invoke(args=["users", "revoke", str(token_id)]).exit_code == 0
    assert requests.get(f"{server}/api/v1/cases", headers={"Authorization": f"Bearer {one}"}, timeout=10) \
        .status_code == 401
    kinds = [r[0] for r in sql("SELECT kind FROM auth_events WHERE username = 'revokee' ORDER BY id")]
    assert kinds.count("token.revoked") == 2 and "token.used" in kinds and "token.issued" in kinds


def test_an_expired_token_is_refused(app, server, sql):
    from app.extensions import db

    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "expiring", "--role", "intake"])
    token = runner.invoke(args=["users", "token", "expiring", "--days", "1"]).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{server}/api/v1/cases", headers=headers, timeout=10).status_code == 200
    with app.app_context():
        db.session.execute(db.text("UPDATE api_tokens SET expires_at = created_at WHERE user_id = "
                                   "(SELECT id FROM users WHERE username = 'expiring')"))
        db.session.commit()
    assert requests.get(f"{server}/api/v1/cases", headers=headers, timeout=10).status_code == 401


def test_thirty_wrong_passwords_are_throttled_and_recorded(server, sql):
    try:
        browser = requests.Session()
        statuses = []
        for _ in range(30):
            token = CSRF.search(browser.get(f"{server}/login", timeout=10).text).group(1)
            statuses.append(browser.post(f"{server}/login", timeout=10, data={
                "username": "dispatcher", "password": "not-the-password", "csrf_token": token}).status_code)
        assert statuses[:10] == [401] * 10 and statuses[-1] == 429
        last = browser.post(f"{server}/login", timeout=10, data={
            "username": "dispatcher", "password": "minsheng-demo", "csrf_token": token}, allow_redirects=False)
        assert last.status_code == 429 and "Retry-After" in last.headers, "locked: even the right password waits"
        unknown = []
        for _ in range(12):
            unknown.append(browser.post(f"{server}/login", timeout=10, data={
                "username": "nobody-like-this", "password": "x", "csrf_token": token}).status_code)
        assert unknown[:10] == [401] * 10 and unknown[-1] == 429, "unknown names are throttled alike"
        kinds = [r[0] for r in sql("SELECT kind FROM auth_events WHERE username = 'dispatcher'")]
        assert kinds.count("login.failed") == 10 and "login.locked" in kinds
    finally:
        limiter.reset()


def test_users_create_refuses_weak_passwords(app):
    runner = app.test_cli_runner()
    for weak in ("12345678", "password123", "short", "weakuser1weakuser1"):
        result = runner.invoke(args=["users", "create", "weakuser1", "--role", "intake", "--password", weak])
        assert result.exit_code != 0 and "password" in result.output, weak


def test_the_production_configuration_refuses_to_start_without_a_secret(monkeypatch):
    from app import create_app
    from config import ProductionConfig

    class NoKey(ProductionConfig):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoKey)


def test_a_development_run_makes_its_own_key_once(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.instance_secret_key()
    assert len(first) == 64 and first == config.instance_secret_key()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_numbers_that_are_not_json_are_refused(clients, server):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    item = open_item(clients, "gaozhao", no)
    for number in ("NaN", "Infinity", "-Infinity", "1e400"):
        resp = clients("gaozhao").post(f"/tasks/{item['id']}/complete", headers={"Content-Type": "application/json"},
                                       data='{"data": {"outcome": "no_agreement", "amount": ' + number + "}}")
        assert resp.status_code == 400 and "finite" in resp.json()["error"]["message"], number
    browser = sign_in(server, "gaozhao")
    page = browser.get(f"{server}/tasks/{item['id']}", timeout=10)
    token = CSRF.search(page.text).group(1)
    for typed in ("inf", "nan", "-inf"):
        sent = browser.post(f"{server}/tasks/{item['id']}", timeout=10, allow_redirects=False,
                            data={"csrf_token": token, "outcome": "no_agreement", "amount": typed})
        assert sent.status_code == 422, typed
    assert open_item(clients, "gaozhao", no)["state"] == item["state"]
    events = clients("supervisor").get(f"/cases/{no}/events")
    assert "NaN" not in events.text and "Infinity" not in events.text


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00",
                                  "9999-12-31T23:59:59.999999-00:01", "1969-12-31T23:00:00+00:00"])
def test_times_at_the_ends_of_the_calendar_are_refused_not_crashed_on(clients, sql, when):
    opened = clients("intake").post("/cases", json={"channel": "110", "description": "路面有碎玻璃",
                                                   "occurred_at": when})
    assert opened.status_code == 422 and "occurred_at" in opened.json()["error"]["fields"]
    for name in ("opened_from", "opened_to"):
        listed = clients("supervisor").get("/cases", params={name: when})
        assert listed.status_code == 422 and name in listed.json()["error"]["fields"]
    assert sql("SELECT count(*) FROM cases")[0][0] == 0
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    extended = clients("supervisor").post(f"/tasks/{item['id']}/extend", json={"due_at": when})
    assert extended.status_code == 422 and "due_at" in extended.json()["error"]["fields"]


def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit(server):
    from concurrent.futures import ThreadPoolExecutor

    def guess(_: int) -> int:
        browser = requests.Session()
        token = CSRF.search(browser.get(f"{server}/login", timeout=10).text).group(1)
        return browser.post(f"{server}/login", timeout=30, data={
            "username": "ghost-race-7731", "password": "wrong-wrong", "csrf_token": token}).status_code

    try:
        with ThreadPoolExecutor(max_workers=15) as pool:
            statuses = list(pool.map(guess, range(30)))
        assert statuses.count(401) <= 10 and statuses.count(429) >= 20, statuses
    finally:
        limiter.reset()


def test_white_space_around_an_external_ref_is_the_same_matter(clients):
    first = new_case(clients, external_ref="JJ110-PAD-1")
    for padded in ("JJ110-PAD-1 ", " JJ110-PAD-1", "\tJJ110-PAD-1\n"):
        again = clients("intake").post("/cases", json={"channel": "110", "external_ref": padded, "description": "重复"})
        assert again.status_code == 200 and again.json()["case_no"] == first["case_no"], padded
    blank = clients("intake").post("/cases", json={"channel": "110", "external_ref": "   ", "description": "x"})
    assert blank.status_code == 422 and "external_ref" in blank.json()["error"]["fields"]


def test_answers_with_personal_data_are_not_cached_and_addresses_are_masked(clients, server):
    no = new_case(clients, address="嘉兴市秀洲区高照街道环城北路 1288 号")["case_no"]
    api = clients("supervisor").get(f"/cases/{no}")
    assert api.headers["Cache-Control"] == "no-store" and "1288" in api.text
    page = sign_in(server, "supervisor").get(f"{server}/cases/{no}", timeout=10)
    assert page.headers["Cache-Control"] == "no-store"
    masked = clients("designer").get(f"/cases/{no}").json()["address"]
    assert masked.startswith("嘉兴市秀洲区") and "1288" not in masked and "环城北路" not in masked
    in_court = clients("court").get(f"/cases/{_case_in_court(clients)}").json()["address"]
    assert in_court.startswith("嘉兴市秀洲区") and "高照街道" not in in_court
    assert requests.get(f"{server}/static/app.css", timeout=10).headers.get("Cache-Control") != "no-store"


APPEAL = (REPO / "processes" / "appeal.bpmn").read_text(encoding="utf-8")


def _upload_appeal_with(clients, script: str, dry_run: str) -> requests.Response:
    """The shipped diagram with `script` added to its first script task (受理登记)."""
    changed = APPEAL.replace("reopen_count = 0</bpmn:script>", f"reopen_count = 0\n{script}</bpmn:script>")
    assert changed != APPEAL
    return clients("designer").post("/processes", files=[("files", ("appeal.bpmn", changed.encode()))],
                                    data={"dry_run": dry_run})


@pytest.mark.parametrize(("script", "reason"), [
    ("while True:\n    pass", "loop steps"),
    ("n = 0\nwhile n >= 0:\n    n = n + 1", "loop steps"),
    ("padding = 'a' * 10**10", "elements"),
    ("big = 10 ** 10**8", "bits"),
    ("grid = [x for x in 'ab' * 1000 for y in 'ab' * 1000]", "loop steps"),
])
def test_a_script_that_never_ends_or_fills_memory_is_refused(clients, script, reason):
    for dry_run in ("1", "0"):
        resp = _upload_appeal_with(clients, script, dry_run)
        assert resp.status_code == 422, resp.text
        assert any(reason in p["message"] for p in resp.json()["problems"]), resp.json()["problems"]
    assert new_case(clients)["status"] == "open", "the service still opens cases"


def test_masked_addresses_cannot_be_spelled_out_by_searching(clients):
    no = new_case(clients, address="嘉兴市秀洲区高照街道环城北路 1288 号")["case_no"]
    assert clients("supervisor").get("/cases", params={"q": "环城北路 1288"}).json()["total"] == 1
    assert clients("designer").get("/cases", params={"q": "环城北路 1288"}).json()["total"] == 0
    assert clients("designer").get("/cases", params={"q": no}).json()["total"] == 1


def test_invisible_characters_around_an_external_ref_are_the_same_matter(clients):
    first = new_case(clients, external_ref="WS-INVISIBLE-1")
    for padded in ("\u200bWS-INVISIBLE-1", "WS-INVISIBLE-1\ufeff", "\u2060WS-INVISIBLE-1\u200d"):
        again = clients("intake").post("/cases", json={"channel": "110", "external_ref": padded, "description": "重复"})
        assert again.status_code == 200 and again.json()["case_no"] == first["case_no"], repr(padded)


def test_odd_group_numbers_in_a_page_form_are_not_a_crash(clients, server):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    item = open_item(clients, "gaozhao", no)
    browser = sign_in(server, "gaozhao")
    token = CSRF.search(browser.get(f"{server}/tasks/{item['id']}", timeout=10).text).group(1)
    for index in ("²", "٣", "9" * 4301, "-1", "0x1"):
        sent = browser.post(f"{server}/tasks/{item['id']}", timeout=10, allow_redirects=False, data={
            "csrf_token": token, "outcome": "x", f"parties-{index}-name": "张三", f"parties-{index}-role": "applicant"})
        assert sent.status_code == 422, index
    assert open_item(clients, "gaozhao", no)["state"] == item["state"]


def test_a_supervisor_posting_a_court_form_gets_a_page(clients, server):
    no = _case_in_court(clients)
    item = open_item(clients, "court", no)
    browser = sign_in(server, "supervisor")
    token = CSRF.search(browser.get(f"{server}/tasks/{item['id']}", timeout=10).text).group(1)
    sent = browser.post(f"{server}/tasks/{item['id']}", timeout=10, allow_redirects=False,
                        data={"csrf_token": token, "decision": "confirmed"})
    assert sent.status_code == 403 and sent.headers["Content-Type"].startswith("text/html")
    assert "无权作出决定" in sent.text


def test_the_password_change_limit_is_per_person_and_atomic(app, server):
    from concurrent.futures import ThreadPoolExecutor

    app.test_cli_runner().invoke(args=["users", "create", "pwlimit", "--role", "caseworker", "--team",
                                       "ms-xiuzhou-gaozhao", "--password", "steady-copper-kettle"])
    try:
        first = sign_in(server, "pwlimit", "steady-copper-kettle")
        token = CSRF.search(first.get(f"{server}/account/password", timeout=10).text).group(1)

        def wrong(i: int) -> int:
            return first.post(f"{server}/account/password", timeout=30, data={
                "csrf_token": token, "current": f"wrong-{i}", "new": "x", "confirm": "x"}).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(wrong, range(24)))
        assert statuses.count(422) <= 10 and statuses.count(429) >= 14, statuses
        second = sign_in(server, "pwlimit", "steady-copper-kettle")
        token2 = CSRF.search(second.get(f"{server}/account/password", timeout=10).text).group(1)
        again = second.post(f"{server}/account/password", timeout=10, data={
            "csrf_token": token2, "current": "wrong-again", "new": "x", "confirm": "x"})
        assert again.status_code == 429, "a new sign-in gives no fresh attempts"
    finally:
        limiter.reset()


@pytest.mark.parametrize(("script", "reason"), [
    ("L = [0] * 2000\nburn = sum(map(lambda a: sum(map(lambda b: 1, L)), L))", "loop steps"),
    ("def one(b):\n    return 1\nL = [0] * 2000\nburn = sum(sum(map(one, L)) for a in L)", "loop steps"),
    ("big = len(''.join(['a' * 1000000] * 50))", "characters"),
    ("big = len('a'.ljust(50000000))", "characters"),
    ("big = pow(2, 50000000).bit_length()", "bits"),
    ("big = len(bytes(10**9))", "characters"),
])
def test_builtins_do_not_escape_the_script_budget(clients, script, reason):
    resp = _upload_appeal_with(clients, script, "1")
    assert resp.status_code == 422, resp.text
    assert any(reason in p["message"] for p in resp.json()["problems"]), resp.json()["problems"]


FORMS = REPO / "processes" / "forms"


def _deploy_forms(clients, **files: str) -> None:
    resp = clients("designer").post("/processes", files=[("files", (name, body.encode())) for name, body in
                                                         files.items()])
    assert resp.status_code == 201, resp.text


def test_odd_but_valid_form_files_do_not_break_the_task_page(clients, server):
    import json

    schema = json.loads((FORMS / "route.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["anything"] = True  # a boolean subschema: valid JSON Schema
    _deploy_forms(clients, **{"route.schema.json": json.dumps(schema, ensure_ascii=False),
                              "route.uischema.json": json.dumps({"route_note": "textarea", "ui:order": 5})})
    no = new_case(clients)["case_no"]
    item = open_item(clients, "dispatcher", no)
    browser = sign_in(server, "dispatcher")
    page = browser.get(f"{server}/tasks/{item['id']}", timeout=10)
    assert page.status_code == 200 and 'name="anything"' in page.text
    token = CSRF.search(page.text).group(1)
    sent = browser.post(f"{server}/tasks/{item['id']}", timeout=10, allow_redirects=False,
                        data={"csrf_token": token, "is_police_matter": "false", "anything": "x"})
    assert sent.status_code in (302, 422)


def test_a_form_pattern_cannot_make_a_submission_take_forever(clients):
    import json

    schema = json.loads((FORMS / "route.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["code"] = {"type": "string", "pattern": "^(a+)+$", "examples": ["aaa"]}
    _deploy_forms(clients, **{"route.schema.json": json.dumps(schema, ensure_ascii=False)})
    no = new_case(clients)["case_no"]
    item = open_item(clients, "dispatcher", no)
    # With Python's re this input takes hours; the answer comes back at once.
    resp = clients("dispatcher").post(f"/tasks/{item['id']}/complete",
                                      json={"data": {"is_police_matter": False, "code": "a" * 40 + "!"}})
    assert resp.status_code == 422 and "code" in resp.json()["error"]["fields"]


def test_the_next_field_of_a_page_form_is_no_open_redirect(clients, server):
    no = new_case(clients)["case_no"]
    item = open_item(clients, "dispatcher", no)
    browser = sign_in(server, "dispatcher")
    token = CSRF.search(browser.get(f"{server}/", timeout=10).text).group(1)
    for target in ("/\t/example.com", "/\n/example.com", "//example.com", "/\\example.com", "https://example.com"):
        resp = browser.post(f"{server}/tasks/{item['id']}/release", timeout=10, allow_redirects=False,
                            data={"csrf_token": token, "next": target})
        location = resp.headers["Location"]
        assert "example.com" not in location, (target, location)
