"""A reporter follows their case on a phone (390 px): /track in Chromium, with a tracking link's number filled in."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.flows import DISPATCH_GAOZHAO, act, new_case


def test_a_reporter_follows_their_case_on_a_phone(page: Page, clients, shots):
    no = new_case(clients, reporter={"name": "谢师傅", "phone": "13912345678"})["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/track?case_no={no}")
    expect(page.locator("h1")).to_have_text("诉求办理进度查询")
    expect(page.locator("#case_no")).to_have_value(no)
    page.fill("#phone_last4", "0000")
    page.click("button[type=submit]")
    expect(page.locator("p.error")).to_contain_text("未找到")
    page.fill("#phone_last4", "5678")
    page.click("button[type=submit]")
    result = page.locator(".track-result")
    expect(result.locator(".status")).to_have_text("正在办理")
    expect(result.locator(".timeline li")).to_have_count(2)
    expect(result.locator(".timeline li").last).to_contain_text("已交由高照街道民声服务队办理")
    assert "谢师傅" not in page.content() and "13912345678" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "track.png"), full_page=True)
    page.goto("/track?lang=en")
    expect(page.locator("h1")).to_have_text("Follow your case")
