"""People and teams in a real browser (issue 16): an administrator imports a roster on /admin, sees its problems
by row, fixes them and imports; a team leader sees their team's duty and load on a 390-pixel phone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.demo.rosters import generate
from app.engine import clock
from tests.browser.conftest import sign_in
from tests.flows import DISPATCH_GAOZHAO, act, new_case

TEAMS = ["ms-xiuzhou-gaozhao", "ms-xiuzhou-wangjiangjing", "sp-puyuan-market"]


def _users(app) -> int:
    from app.auth.models import User
    from app.extensions import db

    with app.app_context():
        return int(db.session.execute(select(func.count()).select_from(User)).scalar_one())


def test_an_admin_imports_a_roster_after_fixing_the_rows_the_check_names(page: Page, app, tmp_path, shots):
    roster = generate(TEAMS, 60, bad=4, prefix="web")
    bad, fixed = tmp_path / "花名册.xlsx", tmp_path / "花名册-改.csv"
    bad.write_bytes(roster.xlsx_bytes())
    fixed.write_bytes(roster.fixed().csv_bytes())
    before = _users(app)
    sign_in(page, "admin")
    page.goto("/admin")
    page.click("text=导入花名册")
    page.set_input_files("#roster-file", str(bad))
    page.click("button[value=check]")
    result = page.locator("[data-outcome]")
    expect(result).to_have_attribute("data-outcome", "problems")
    rows = page.locator("table.problems tbody tr")
    expect(rows).to_have_count(4)
    assert [int(r) for r in rows.evaluate_all("rs => rs.map(r => r.dataset.row)")] == [r for r, _c in roster.expected]
    expect(rows.first).to_contain_text("no-such-")
    expect(rows.first).to_contain_text("队伍")
    page.screenshot(path=str(shots / "admin-import-problems.png"), full_page=True)

    page.set_input_files("#roster-file", str(bad))
    page.click("button[value=import]")
    expect(page.locator("[data-outcome]")).to_have_attribute("data-outcome", "problems")
    assert _users(app) == before, "nothing is imported while there are problems"

    page.set_input_files("#roster-file", str(fixed))
    page.click("button[value=check]")
    expect(page.locator("[data-outcome]")).to_have_attribute("data-outcome", "checked")
    expect(page.locator("[data-outcome] .ok")).to_contain_text("60")
    page.set_input_files("#roster-file", str(fixed))
    page.click("button[value=import]")
    expect(page.locator("[data-outcome]")).to_have_attribute("data-outcome", "imported")
    assert _users(app) == before + 60

    page.goto("/admin?q=web0001")
    page.click("table.people a")
    page.click("button[value=reset]")
    expect(page.locator("[data-temporary-password]")).to_have_text(
        __import__("re").compile(r"^[a-z2-9]{5}(-[a-z2-9]{5}){3}$"))


def test_a_team_leader_sees_duty_and_load_on_a_phone(page: Page, app, clients, shots):
    t0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    clock.set(t0)
    for _ in range(2):
        act(clients, "dispatcher", new_case(clients)["case_no"], DISPATCH_GAOZHAO)
    assert clients("gaozhao").post("/teams/ms-xiuzhou-gaozhao/duty", json={
        "username": "gaozhao2", "starts_at": (t0 - timedelta(hours=2)).isoformat(),
        "ends_at": (t0 + timedelta(hours=10)).isoformat()}).status_code == 201
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "gaozhao")
    page.goto("/admin")
    page.click("table.teams a")
    expect(page.locator("h1")).to_contain_text("高照街道民声服务队")
    expect(page.locator("[data-figure=open] strong")).to_have_text("2")
    expect(page.locator("[data-figure=unclaimed] strong")).to_have_text("2")
    on_duty = page.locator("[data-member=gaozhao2]")
    expect(on_duty).to_have_class(__import__("re").compile("on-duty"))
    expect(on_duty).to_contain_text("值班中")
    expect(page.locator("li.now")).to_contain_text("孙丽")

    # A second shift from the page: tomorrow's night for 李强.
    page.select_option("select[name=username]", "gaozhao")
    page.fill("input[name=day]", (t0 + timedelta(days=1)).astimezone().strftime("%Y-%m-%d"))
    page.select_option("select[name=kind]", "night")
    page.click("form.add-shift button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("值班")
    expect(page.locator("ol.rota [data-shift]")).to_have_count(2)

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    page.screenshot(path=str(shots / "admin-team-390.png"), full_page=True)
