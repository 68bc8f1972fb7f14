"""A caseworker's morning in a real browser: sign in, find and claim a case, submit a form with a
missing field, fix it, complete, and see the next step; another team cannot open the task; a stale
form is caught; the pages fit a 390 px phone."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.engine import clock
from tests.browser.conftest import sign_in
from tests.conftest import Client
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item

PHONE = "13912345678"




@pytest.fixture
def routed_case(clients):
    no = new_case(clients, reporter={"name": "谢建国", "phone": PHONE},
                  description="货车司机反映物流平台拖欠运费 1080 元，对方不接电话。")["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    return no


def test_find_claim_fix_and_complete(page: Page, clients, routed_case, shots):
    no = routed_case
    clock.set(datetime.now(UTC) - timedelta(days=2))  # a neighbour quarrel routed two days ago: overdue now
    late = new_case(clients, description="楼上住户装修噪音扰民，多次协商无果。", category="邻里纠纷",
                    reporter={"name": "王阿姨", "phone": "13600001111"})["case_no"]
    act(clients, "dispatcher", late, {**DISPATCH_GAOZHAO, "category": "neighbour_dispute"})
    clock.set(None)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "gaozhao")
    expect(page.locator("h1")).to_contain_text("我的待办")
    expect(page.locator("li.overdue[data-item]", has_text=late)).to_have_count(1)
    page.screenshot(path=str(shots / "queue.png"), full_page=True)
    expect(page.locator("header .teams")).to_contain_text("高照街道民声服务队")
    expect(page.locator("header .roles")).to_contain_text("民声服务队员")

    page.fill("input[name=q]", PHONE[-4:])
    page.click("form.filters button[type=submit]")
    row = page.locator("li[data-item]", has_text=no)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("现场处置")
    row.get_by_role("button", name="签收").click()
    expect(page.locator(".flash.ok")).to_be_visible()

    page.goto(f"/tasks/{open_item(clients, 'gaozhao', no)['id']}")
    expect(page.locator("h1")).to_have_text("现场处置")
    expect(page).to_have_title(re.compile(f"^现场处置 · {no} · 民声一键办$"))
    expect(page.locator(".case-summary")).to_contain_text("拖欠运费")
    page.fill("textarea[name=measures]", "到场后与平台负责人当面沟通")
    page.fill("input[name=arrived_at]", "2026-12-01T10:20")
    page.click("form[novalidate] button[type=submit]")

    expect(page.locator("[data-field=result] .field-error")).to_contain_text("必填")
    expect(page.locator("textarea[name=measures]")).to_have_value("到场后与平台负责人当面沟通")
    expect(page.locator("input[name=arrived_at]")).to_have_value("2026-12-01T10:20")
    page.screenshot(path=str(shots / "task-form.png"), full_page=True)

    page.check("input[name=result][value=resolved]")
    page.click("form[novalidate] button[type=submit]")
    expect(page).to_have_url(re.compile(f"/cases/{no}$"))
    expect(page.locator(".flash.ok")).to_contain_text("回访")
    expect(page.locator(".flash.ok")).to_contain_text("12345 回访中心")
    expect(page.locator("#current")).to_contain_text("回访")
    expect(page.locator("ol.timeline")).to_contain_text("完成：现场处置")
    expect(page.locator("ol.timeline")).to_contain_text("高照街道民声服务队 李强")
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "Task_callback")
    expect(page.locator("#diagram .djs-element.current")).to_have_count(1)
    assert page.locator("#diagram .djs-element.done").count() >= 5
    page.screenshot(path=str(shots / "case.png"), full_page=True)


def test_another_team_cannot_open_the_task(page: Page, clients, routed_case):
    item = open_item(clients, "gaozhao", routed_case)
    sign_in(page, "wangjiangjing")
    response = page.goto(f"/tasks/{item['id']}")
    assert response is not None and response.status in (403, 404)
    page.goto("/")
    expect(page.locator("li[data-item]", has_text=routed_case)).to_have_count(0)


def test_a_stale_form_says_so_and_keeps_the_input(page: Page, clients, routed_case, sql):
    item = open_item(clients, "gaozhao", routed_case)
    sign_in(page, "gaozhao")
    page.goto(f"/tasks/{item['id']}")
    page.check("input[name=result][value=needs_mediation]")
    page.fill("textarea[name=measures]", "双方情绪激动，需要调解")
    other = Client(clients.base, clients.tokens["gaozhao2"])
    assert other.post(f"/tasks/{item['id']}/complete", json={"data": {"result": "resolved"}}).status_code == 200
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator(".stale")).to_be_visible()
    expect(page.locator("textarea[name=measures]")).to_have_value("双方情绪激动，需要调解")
    expect(page.locator("form[novalidate] button[type=submit]")).to_be_disabled()
    completions = sql("SELECT count(*) FROM case_events WHERE kind = 'task.completed'")[0][0]
    assert completions == 2  # the dispatcher's and the colleague's; the stale form completed nothing


def test_repeated_groups_and_choices(page: Page, clients, routed_case):
    act(clients, "gaozhao", routed_case, {"result": "needs_mediation"})
    item = open_item(clients, "gaozhao", routed_case)
    sign_in(page, "gaozhao")
    page.goto(f"/tasks/{item['id']}")
    page.check("input[name=outcome][value=agreement]")
    page.check("input[name=apply_judicial_confirmation][value=true]")
    page.check("input[name=experts][value=lawyer]")
    page.check("input[name=experts][value=labour]")
    page.fill("input[name=parties-0-name]", "谢建国")
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator("[data-field='parties.0.role'] .field-error")).to_contain_text("必填")
    expect(page.locator("[data-field='agreement_summary'] .field-error")).to_contain_text("必填")
    expect(page.locator("input[name=parties-0-name]")).to_have_value("谢建国")
    page.fill("textarea[name=agreement_summary]", "某物流平台于当日支付运费 1080 元，双方再无争议。")
    expect(page.locator("input[name=experts][value=labour]")).to_be_checked()
    page.check("input[name=parties-0-role][value=applicant]")
    page.click("button.add-group")
    page.fill("input[name=parties-1-name]", "某物流平台")
    page.check("input[name=parties-1-role][value=respondent]")
    page.fill("input[name=amount]", "1080")
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("司法确认")
    body = clients("supervisor").get(f"/cases/{routed_case}/events").json()["items"][-1]["data"]["data"]
    assert body["parties"] == [{"name": "谢建国", "role": "applicant"}, {"name": "某物流平台", "role": "respondent"}]
    assert body["experts"] == ["lawyer", "labour"] and body["amount"] == 1080


@pytest.mark.parametrize("path", ["/", "task", "case", "cases", "intake"])
def test_pages_fit_a_phone(page: Page, clients, routed_case, path):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "gaozhao")
    item = open_item(clients, "gaozhao", routed_case)
    url = {"/": "/", "task": f"/tasks/{item['id']}", "case": f"/cases/{routed_case}", "cases": "/cases",
           "intake": "/intake"}[path]
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{url} scrolls sideways at 390 px ({width} px wide)"


def test_english_is_one_click_away(page: Page, clients, routed_case):
    sign_in(page, "gaozhao")
    page.goto("/?lang=en")
    expect(page.locator("h1")).to_contain_text("My queue")
    page.goto("/?lang=zh_CN")
    expect(page.locator("h1")).to_contain_text("我的待办")
