"""Identification in a real browser (issue 12): a walk-in registered on /intake with the suggestion shown before
saving, found on /cases, routed by the dispatcher with the suggestion confirmed; a correction is stored beside
the suggestion."""
from __future__ import annotations

import itertools
import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.flows import case, new_case, open_item

_marks = itertools.count(1)
MATTER = ("濮院羊毛衫市场里两家摊主为了占道摆货吵起来了，一家说另一家把货架摆到他门口，"
          "生意做不成，要市场出面调解（{}号）")


def _dispatcher(browser: Browser, base_url: str, width: int) -> Page:
    page = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": width, "height": 900}).new_page()
    sign_in(page, "dispatcher")
    return page


def test_a_walk_in_is_registered_with_its_suggestion_found_and_routed_as_suggested(page: Page, browser: Browser,
                                                                                    base_url, clients, shots):
    mark = f"摊{next(_marks)}{id(page) % 10000}"
    text = MATTER.format(mark)
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, "intake")
    page.goto("/intake")
    page.select_option("#f-channel", "walk_in")
    page.fill("#f-walk_in-service_station", "濮院镇民声服务站")
    page.fill("#f-name", "沈阿姨")
    page.fill("#f-phone", "13700001234")
    page.fill("#f-description", text)
    page.click("button[name=preview]")
    panel = page.locator("[data-suggestion]")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("市场经营纠纷")
    expect(panel).to_contain_text("桐乡市濮院镇")
    expect(page.locator("#f-township")).to_have_value("tongxiang-puyuan")  # pre-selected, still editable
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "intake-suggestion.png"), full_page=True)
    page.click("form.intake button[type=submit]:not([name])")
    expect(page).to_have_url(re.compile(r"/cases/MS\d+"))
    case_no = page.url.rsplit("/", 1)[-1]
    expect(page.locator("[data-suggestion]")).to_be_visible()

    desk = _dispatcher(browser, base_url, 390)
    desk.goto(f"/cases?q={mark}")
    expect(desk.locator(f"li[data-case='{case_no}'] [data-suggested]")).to_contain_text("市场经营纠纷")
    desk.click(f"a.case-no:has-text('{case_no}')")
    desk.click("#current [data-step='Task_route'] a")
    expect(desk.locator("[data-suggestion]")).to_contain_text("市场经营纠纷")
    expect(desk.locator("[data-prefilled]")).to_be_visible()
    expect(desk.locator("select[name=place]")).to_have_value("puyuan-market")
    desk.screenshot(path=str(shots / "route-suggestion.png"), full_page=True)
    desk.check("input[name=is_police_matter][value=false]")
    desk.click("form[novalidate] button[type=submit]")
    expect(desk.locator("[data-identification] [data-agreed]")).to_be_visible()
    decided = case(clients, case_no)["identification"]
    assert decided["agreed"] == {"is_police_matter": True, "category": True, "township": True, "place": True}
    handle = next(t for t in case(clients, case_no)["open_tasks"] if t["element_id"] == "Task_handle")
    assert handle["team"]["code"] == "sp-puyuan-market"


def test_a_correction_is_stored_beside_the_suggestion(browser: Browser, base_url, clients):
    no = new_case(clients, description="老板拖了三个月工钱不给，二十几个人都没拿到", township="洪合镇",
                  category=None)["case_no"]
    suggested = case(clients, no)["suggestion"]["categories"][0]["code"]
    assert suggested == "wage_arrears"
    desk = _dispatcher(browser, base_url, 1280)
    desk.goto(f"/tasks/{open_item(clients, 'dispatcher', no)['id']}")
    desk.check("input[name=is_police_matter][value=false]")
    desk.select_option("select[name=category]", "labour_relations")
    desk.click("form[novalidate] button[type=submit]")
    expect(desk.locator("[data-identification] [data-corrected]")).to_contain_text("更正")
    expect(desk.locator("[data-identification]")).to_contain_text("拖欠工资 → 劳动关系纠纷")
    decided = case(clients, no)["identification"]
    assert decided["agreed"]["category"] is False and decided["suggested"]["category"] == "wage_arrears"
    assert decided["decided"]["category"] == "labour_relations"
