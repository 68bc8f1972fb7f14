"""People and teams through the API (issue 16): the roster import's dry run and its one transaction, accounts,
deactivation, and who may do what."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.demo.rosters import generate

ROSTER_TEAMS: list[str] = []


def _teams(app: Any) -> list[str]:
    from app.extensions import db
    from app.routing.models import Team

    if not ROSTER_TEAMS:
        with app.app_context():
            codes = list(db.session.execute(select(Team.code).where(Team.kind.in_(("township", "specialised")))
                                            .order_by(Team.kind.desc(), Team.code)).scalars())
        # 72 township teams and 15 specialised ones: Jiaxing's 87.
        ROSTER_TEAMS.extend(codes[:87])
    return ROSTER_TEAMS


def _count(app: Any, model: Any) -> int:
    from app.extensions import db

    with app.app_context():
        return int(db.session.execute(select(func.count()).select_from(model)).scalar_one())


def _upload(clients: Any, data: bytes, name: str, dry_run: bool) -> Any:
    return clients("admin").post("/users/import" + ("?dry_run=1" if dry_run else ""),
                                 files={"file": (name, data, "application/octet-stream")})


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_city_roster_dry_run_lists_exactly_its_problems_and_imports_all_at_once(app, clients, kind):
    from app.auth.models import Membership, Qualification, User

    teams = _teams(app)
    assert len(teams) == 87
    roster = generate(teams, 1400, bad=20)
    users_before = _count(app, User)
    data = roster.xlsx_bytes() if kind == "xlsx" else roster.csv_bytes()

    checked = _upload(clients, data, f"roster.{kind}", dry_run=True)
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert sorted((p["row"], p["column"]) for p in body["problems"]) == roster.expected
    assert len(body["problems"]) == 20
    assert all(p["message"] for p in body["problems"])
    assert body["created"] == 1380 and body["updated"] == 0
    assert _count(app, User) == users_before, "a dry run imports nothing"

    refused = _upload(clients, data, f"roster.{kind}", dry_run=False)
    assert refused.status_code == 422, refused.text
    assert len(refused.json()["problems"]) == 20 and refused.json()["error"]["code"] == "validation_failed"
    assert _count(app, User) == users_before, "nothing is imported while there are problems"

    fixed = roster.fixed()
    again = _upload(clients, fixed.xlsx_bytes() if kind == "xlsx" else fixed.csv_bytes(), f"fixed.{kind}",
                    dry_run=True)
    assert again.json()["problems"] == [] and again.json()["created"] == 1400
    done = _upload(clients, fixed.xlsx_bytes() if kind == "xlsx" else fixed.csv_bytes(), f"fixed.{kind}",
                   dry_run=False)
    assert done.status_code == 200, done.text
    assert done.json()["created"] == 1400 and done.json()["imported"] is True
    assert _count(app, User) == users_before + 1400
    assert _count(app, Membership) >= 1400
    from app.extensions import db

    with app.app_context():
        held = dict(db.session.execute(select(Qualification.code, func.count()).group_by(Qualification.code)).all())
    assert set(held) == {"social_worker", "counsellor", "labour_coordinator", "mediator"}
    assert held["mediator"] >= 532

    # Imported once more: every row is someone known and nothing changes.
    same = _upload(clients, fixed.csv_bytes(), "fixed.csv", dry_run=False).json()
    assert (same["created"], same["updated"], same["unchanged"]) == (0, 0, 1400)

    members = clients("admin").get(f"/teams/{teams[0]}/members").json()
    first = next(m for m in members["items"] if m["username"] == fixed.rows[0][0])
    assert first["leader"] is True and first["qualifications"] == ["mediator"]


def test_a_roster_problem_names_row_and_column_in_every_kind_of_bad_file(app, clients):
    header = "username,name,phone,team,role,qualifications,certificate_no\n"
    rows = ("ok1,王一,13900000001,ms-xiuzhou-gaozhao,caseworker,mediator,C1\n"
            "bad name,王二,13900000002,ms-xiuzhou-gaozhao,caseworker,,\n"
            "ok3,,13900000003,ms-xiuzhou-gaozhao,caseworker,,\n"
            "ok4,王四,13900000004,ms-xiuzhou-gaozhao,admin,,\n"
            "ok5,王五,13900000005,高照街道民声服务队,,社会工作师、人民调解员,C5\n")
    body = _upload(clients, (header + rows).encode(), "r.csv", dry_run=True).json()
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(3, "username"), (4, "name"), (5, "role")]
    assert "admin" in body["problems"][2]["message"]
    assert body["created"] == 2, "row 6 names its team and qualifications in Chinese"

    no_header = _upload(clients, b"a,b,c\n1,2,3\n", "r.csv", dry_run=True).json()
    assert {(p["row"], p["column"]) for p in no_header["problems"]} == {(1, "username"), (1, "name"), (1, "team")}
    garbage = _upload(clients, b"PK\x03\x04not really a zip", "r.xlsx", dry_run=True).json()
    assert garbage["problems"][0]["row"] == 1 and "XLSX" in garbage["problems"][0]["message"]
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "x" * (150 * 1024 * 1024))
    inflated = _upload(clients, bomb.getvalue(), "bomb.xlsx", dry_run=True)
    assert inflated.status_code == 200 and "inflates" in inflated.json()["problems"][0]["message"]
    gbk = (header + "ok6,王六,0573-82345678,ms-xiuzhou-gaozhao,caseworker,,\n").encode("gb18030")
    assert _upload(clients, gbk, "gbk.csv", dry_run=True).json()["problems"] == []
    missing = clients("admin").post("/users/import?dry_run=1", files={})
    assert missing.status_code == 422 and missing.json()["error"]["fields"] == {"file": ["required"]}
    assert clients("supervisor").post("/users/import?dry_run=1", files={"file": ("r.csv", b"x")}).status_code == 403


def test_accounts_are_created_changed_and_refused_with_the_field_and_the_reason(app, clients):
    admin = clients("admin")
    made = admin.post("/users", json={"username": "mediator-wu", "name": "吴调解", "phone": "139 0573 1234",
                                      "roles": ["caseworker"], "teams": ["ms-xiuzhou-gaozhao"],
                                      "qualifications": ["mediator"], "certificate_no": "嘉调证-9"})
    assert made.status_code == 201, made.text
    person = made.json()
    assert person["phone"] == "13905731234" and person["temporary_password"]
    assert person["must_change_password"] is True and person["certificate_no"] == "嘉调证-9"
    assert admin.post("/users", json={"username": "mediator-wu", "name": "x", "roles": ["caseworker"]}
                      ).status_code == 409

    bad = admin.request("PATCH", "/users/mediator-wu", json={"phone": "12345", "teams": ["nowhere"],
                                                             "qualifications": ["astrologer"]})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"phone", "teams.0", "qualifications.0"} or \
        {"phone", "qualifications.0"} <= set(bad.json()["error"]["fields"])
    typo = admin.request("PATCH", "/users/mediator-wu", json={"qualification": ["mediator"]})
    assert typo.status_code == 422 and "qualification" in typo.json()["error"]["fields"]
    unknown_team = admin.request("PATCH", "/users/mediator-wu", json={"teams": ["nowhere"]})
    assert unknown_team.status_code == 422 and "teams" in unknown_team.json()["error"]["fields"]
    assert admin.get("/users/mediator-wu").json()["teams"] == ["ms-xiuzhou-gaozhao"], "a refused change changes nothing"

    changed = admin.request("PATCH", "/users/mediator-wu", json={
        "name": "吴调解员", "teams": ["ms-xiuzhou-gaozhao", "ms-xiuzhou-wangjiangjing"],
        "leads": ["ms-xiuzhou-wangjiangjing"], "qualifications": ["mediator", "counsellor"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["leads"] == ["ms-xiuzhou-wangjiangjing"]
    assert sorted(changed.json()["qualifications"]) == ["counsellor", "mediator"]

    listed = admin.get("/users", params={"qualification": "counsellor"}).json()
    assert [p["username"] for p in listed["items"]] == ["mediator-wu"]
    assert admin.request("PATCH", "/users/admin", json={"active": False}).status_code == 422, "not oneself"
    assert clients("supervisor").get("/users").status_code == 403
    assert clients("gaozhao").request("PATCH", "/users/gaozhao2", json={"roles": ["admin"]}).status_code == 403
    assert admin.get("/users/nobody").status_code == 404


def test_a_deactivated_member_cannot_sign_in_or_use_a_token_and_keeps_their_name_on_what_they_did(
        app, clients, server):
    from app.auth.service import get_user
    from app.auth.tokens import issue_token
    from app.extensions import db
    from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item
    from tests.web import sign_in

    admin = clients("admin")
    assert admin.post("/users", json={"username": "leaving", "name": "离职的 钱七", "roles": ["caseworker"],
                                      "teams": ["ms-xiuzhou-gaozhao"], "password": "Qian7-Leaves-2026!"}
                      ).status_code == 201
    with app.app_context():
        token, _row = issue_token(get_user("leaving"), "test")
        db.session.commit()
    from tests.conftest import Client

    leaving = Client(server, token)
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    assert leaving.post(f"/tasks/{item['id']}/claim").status_code == 200
    browser = sign_in(server, "leaving", "Qian7-Leaves-2026!")

    assert admin.request("PATCH", "/users/leaving", json={"active": False}).status_code == 200
    assert leaving.get("/tasks").status_code == 401
    assert browser.get(f"{server}/", allow_redirects=False, timeout=10).status_code == 302, "the session ended"
    from tests.web import CSRF

    page = browser.get(f"{server}/login", timeout=10)
    refused = browser.post(f"{server}/login", data={"username": "leaving", "password": "Qian7-Leaves-2026!",
                                                    "csrf_token": CSRF.search(page.text).group(1)}, timeout=10,
                           allow_redirects=False)
    assert refused.status_code == 401
    back = open_item(clients, "gaozhao", no)
    assert back["state"] == "open" and back["assignee"] is None, "their claimed step went back to the queue"
    timeline = sign_in(server, "supervisor").get(f"{server}/cases/{no}", timeout=10).text
    assert "离职的 钱七" in timeline, "their past acts still show their name"


def test_a_password_reset_leads_to_the_password_page_and_nowhere_else(app, clients, server):
    from tests.web import CSRF, sign_in

    reset = clients("admin").post("/users/gaozhao2/password-reset")
    assert reset.status_code == 200
    temporary = reset.json()["temporary_password"]
    browser = sign_in(server, "gaozhao2", temporary)
    queue = browser.get(f"{server}/", allow_redirects=False, timeout=10)
    assert queue.status_code == 302 and queue.headers["Location"].endswith("/account/password")
    assert browser.get(f"{server}/api/v1/tasks", timeout=10).status_code == 403
    page = browser.get(f"{server}/account/password", timeout=10)
    changed = browser.post(f"{server}/account/password", timeout=10, allow_redirects=False, data={
        "current": temporary, "new": "Sun-Li-Chooses-Her-Own-7", "confirm": "Sun-Li-Chooses-Her-Own-7",
        "csrf_token": CSRF.search(page.text).group(1)})
    assert changed.status_code == 302
    assert browser.get(f"{server}/", allow_redirects=False, timeout=10).status_code == 200
    assert clients("admin").get("/users/gaozhao2").json()["must_change_password"] is False


def test_an_admin_creates_renames_and_closes_teams(app, clients):
    from tests.flows import DISPATCH_GAOZHAO, act, new_case

    admin = clients("admin")
    made = admin.post("/teams", json={"code": "dept-xiuzhou-hr", "name": "秀洲区人力社保局", "kind": "department"})
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "department" and made.json()["active"] is True
    assert admin.post("/teams", json={"code": "dept-xiuzhou-hr", "name": "x", "kind": "department"}).status_code == 409
    township = admin.post("/teams", json={"code": "ms-new", "name": "新队", "kind": "township"})
    assert township.status_code == 422 and "township" in township.json()["error"]["fields"]
    assert admin.post("/teams", json={"code": "Bad Code", "name": "x", "kind": "department"}).status_code == 422
    assert clients("supervisor").post("/teams", json={"code": "dept-x", "name": "x", "kind": "department"}
                                      ).status_code == 403
    assert admin.request("PATCH", "/users/gaozhao2", json={"teams": ["ms-xiuzhou-gaozhao", "dept-xiuzhou-hr"]}
                         ).status_code == 200
    renamed = admin.request("PATCH", "/teams/dept-xiuzhou-hr", json={"name": "秀洲区人力资源和社会保障局"})
    assert renamed.json()["name"] == "秀洲区人力资源和社会保障局"

    act(clients, "dispatcher", new_case(clients)["case_no"], DISPATCH_GAOZHAO)
    busy = admin.request("PATCH", "/teams/ms-xiuzhou-gaozhao", json={"active": False})
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "team_busy"
    closed = admin.request("PATCH", "/teams/dept-xiuzhou-hr", json={"active": False})
    assert closed.status_code == 200 and closed.json()["active"] is False
    listed = [t["code"] for t in clients("supervisor").get("/teams").json()["items"]]
    assert "dept-xiuzhou-hr" not in listed and "ms-xiuzhou-gaozhao" in listed


def test_a_person_may_be_written_with_the_roster_s_column_names(clients):
    made = clients("admin").post("/users", json={"username": "hr-sync-1", "display_name": "人事同步 郑一",
                                                 "role": "caseworker", "team": "ms-xiuzhou-gaozhao"})
    assert made.status_code == 201, made.text
    assert (made.json()["name"], made.json()["roles"], made.json()["teams"]) == (
        "人事同步 郑一", ["caseworker"], ["ms-xiuzhou-gaozhao"])


def test_what_an_outside_attack_found_stays_fixed(app, clients, server):
    """From an attack on the service: the forced change bypassed by an empty Authorization header, a 1.5 KB sheet
    declaring 16,384 columns, look-alike user names, names that are formulas or hide characters, a rota date at
    the calendar's edge."""
    import io
    import time

    from openpyxl import Workbook

    from tests.web import CSRF, sign_in

    temporary = clients("admin").post("/users/gaozhao2/password-reset").json()["temporary_password"]
    browser = sign_in(server, "gaozhao2", temporary)
    assert browser.get(f"{server}/api/v1/tasks", headers={"Authorization": ""}, timeout=10).status_code == 403

    book = Workbook(write_only=True)
    sheet = book.create_sheet("wide")
    sheet.append(["username", "name", "team"])
    sheet.append(["wide1", "宽一", "ms-xiuzhou-gaozhao"] + [None] * 16000 + ["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    started = time.perf_counter()
    wide = _upload(clients, buffer.getvalue(), "wide.xlsx", dry_run=True)
    assert wide.status_code == 200 and wide.json()["created"] == 1
    assert time.perf_counter() - started < 30, "the sheet's declared width is not read"

    twin = clients("admin").post("/users", json={"username": "Admin", "name": "管理员", "roles": ["caseworker"]})
    assert twin.status_code == 409 and "case" in twin.json()["error"]["message"]
    header = "username,name,team\n"
    body = _upload(clients, (header + "GAOZHAO,李强二,ms-xiuzhou-gaozhao\nok7,=HYPERLINK(\"x\"),ms-xiuzhou-gaozhao\n"
                             "ok8,王\u202e八,ms-xiuzhou-gaozhao\n").encode(), "r.csv", dry_run=True).json()
    assert [(p["row"], p["kind"]) for p in body["problems"]] == [(2, "case_twin"), (3, "unsafe_name"),
                                                                  (4, "unsafe_name")]
    assert clients("admin").request("PATCH", "/users/gaozhao2", json={"name": "a\u001b[31mb"}).status_code == 422

    admin = sign_in(server, "admin")
    page = admin.get(f"{server}/admin/teams/ms-xiuzhou-gaozhao", timeout=10)
    edge = admin.post(f"{server}/admin/teams/ms-xiuzhou-gaozhao/duty", timeout=10, allow_redirects=False, data={
        "day": "9999-12-31", "kind": "night", "username": "gaozhao", "csrf_token": CSRF.search(page.text).group(1)})
    assert edge.status_code == 302
