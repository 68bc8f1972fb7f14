"""The reports page in a real browser (issue 13): charts drawn (canvas present), the period switched, and the
XLSX download opened with openpyxl holding the same numbers as the JSON."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from app.engine import clock
from tests.browser.conftest import sign_in

END = "2030-06-15T00:00:00+08:00"


def _replay(app) -> None:
    from app.demo.replay.run import replay

    with app.app_context():
        done = replay(app.config["PROCESSES_DIR"], cases=80, days=7, seed=5, end=datetime.fromisoformat(END),
                      progress=False)
    assert done.log.failures == []


def test_the_reports_page_draws_switches_and_downloads(page: Page, app, clients, shots):
    _replay(app)
    clock.set(datetime.fromisoformat(END))
    sign_in(page, "supervisor")
    page.goto("/reports?kind=weekly&date=2030-06-12")
    expect(page.locator("h1")).to_contain_text("报表")
    weekly = clients("supervisor").get("/reports/weekly", params={"date": "2030-06-12"}).json()
    opened = page.locator("[data-figure=opened] .value")
    expect(opened).to_have_text(str(weekly["opened"]))
    for chart in ("#chart-townships", "#chart-categories", "#chart-outcomes"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    expect(page.locator("[data-figure=completion_rate] .definition")).to_contain_text("已办结")

    page.click("[data-kind=monthly]")
    expect(page.locator("h1 small")).to_contain_text("2030-06-01 – 2030-06-30")
    expect(page.locator("#chart-days canvas")).to_have_count(1)
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.screenshot(path=str(shots / "reports.png"))
    monthly = clients("supervisor").get("/reports/monthly", params={"date": "2030-06-12"}).json()
    expect(page.locator("[data-figure=opened] .value")).to_have_text(str(monthly["opened"]))

    with page.expect_download() as download:
        page.click("#xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    summary = {row[0]: row[2] for row in book["summary"].iter_rows(min_row=2, values_only=True)}
    for key in ("opened", "returned_to_police", "closed", "completion_rate", "callbacks", "satisfaction_rate",
                "open_now", "overdue_now", "median_response_minutes", "p90_response_minutes", "reopened"):
        assert summary[key] == monthly[key], key
    towns = {r[0]: (r[2], r[3], r[4]) for r in book["by_township"].iter_rows(min_row=2, values_only=True)}
    assert towns == {t["code"]: (t["opened"], t["closed"], t["overdue_now"]) for t in monthly["by_township"]}
    days = [r[1] for r in book["by_day"].iter_rows(min_row=2, values_only=True)]
    assert days == [d["opened"] for d in monthly["by_day"]] and sum(days) == 80

    # Drill-down: a township's name leads to its cases of the period.
    busiest = max((t for t in monthly["by_township"] if t["code"]), key=lambda t: t["opened"])
    page.click(f"#townships a:has-text('{busiest['name']}')")
    assert f"township={busiest['code']}" in page.url
    expect(page.locator("li[data-case]")).to_have_count(busiest["opened"])


def test_the_reports_page_on_a_phone_and_in_english(page: Page, app):
    _replay(app)
    clock.set(datetime.fromisoformat(END))
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, "supervisor")
    page.goto("/reports?kind=daily&date=2030-06-14&lang=en")
    expect(page.locator("h1")).to_contain_text("Reports")
    expect(page.locator("#chart-teams canvas")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways on a phone ({width}px)"
    page.goto("/reports?kind=daily&date=2030-02-30&lang=zh_CN")
    expect(page.locator(".flash.error")).to_be_visible()
