"""A process designer in a real browser: open the modeler, change a time limit, see validation problems on
the diagram, deploy, and see new cases take the new limit while an older case keeps the old one."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.engine import clock
from tests.browser.conftest import sign_in
from tests.flows import new_case, open_item

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _restore_versions():
    """Every test here deploys; the shipped diagrams are current again afterwards."""


def test_change_a_time_limit_deploy_and_see_it_in_new_cases_only(page: Page, clients, shots):
    clock.set(T0)
    older = new_case(clients)["case_no"]
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, "designer")
    page.goto("/designer")
    expect(page.locator("#designer")).to_have_attribute("data-ready", "appeal.bpmn")
    expect(page.locator("#bpmn-canvas .djs-element[data-element-id=Task_route]")).to_have_count(1)

    limit = page.locator("input[name=sla-sla_route]")
    expect(limit).to_have_value("PT3M")
    # Labelled by what the diagram says uses it (the timer on the routing step), not by a script comment.
    expect(page.locator("#sla-fields label", has_text="(sla_route)")).to_contain_text("识别分流 · 分流超时")
    limit.fill("10 分钟")
    limit.dispatch_event("change")
    expect(limit.locator("xpath=..").locator(".field-error")).to_contain_text("ISO 8601")
    limit.fill("PT10M")
    limit.dispatch_event("change")
    expect(limit.locator("xpath=..").locator(".field-error")).to_be_hidden()
    page.fill("#deploy-note", "分流时限由 3 分钟调整为 10 分钟")
    page.click("#validate-button")
    expect(page.locator("#deploy-result")).to_have_text("校验通过，未发现问题。")
    page.click("#deploy-button")
    expect(page.locator("#deploy-result")).to_contain_text("已部署新版本")
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    expect(page.locator("#current-version")).not_to_contain_text("系统")  # the header names the new version
    key = clients("designer").get("/processes").json()["items"][0]["key"]
    expect(page.locator("#current-version")).to_contain_text(key[:12])
    page.locator("#versions tbody tr").first.locator("button", has_text="与上一版比较").click()
    expect(page.locator("#version-detail .diff-values")).to_have_count(1)  # only the script changed
    expect(page.locator("#version-detail .diff-values")).to_contain_text("PT3M")
    expect(page.locator("#version-detail .diff-values ins").first).to_be_visible()
    expect(page.locator("#version-detail")).to_contain_text("PT10M")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "designer.png"))

    newer = new_case(clients)["case_no"]
    due = {no: datetime.fromisoformat(open_item(clients, "dispatcher", no)["due_at"]) for no in (older, newer)}
    assert due[older] == T0 + timedelta(minutes=3)
    assert due[newer] == T0 + timedelta(minutes=10)
    versions = clients("designer").get("/processes").json()["items"]
    assert versions[0]["note"] == "分流时限由 3 分钟调整为 10 分钟" and versions[0]["deployed_by"] == "designer"


def test_problems_are_listed_and_marked_on_the_diagram(page: Page):
    sign_in(page, "designer")
    page.goto("/designer")
    expect(page.locator("#designer")).to_have_attribute("data-ready", "appeal.bpmn")
    page.click("#bpmn-canvas .djs-element[data-element-id=Timer_route_escalate]", force=True)
    timer = page.locator("input[name=timer]")
    expect(timer).to_have_value("sla_route")
    timer.fill("PT5M")
    timer.dispatch_event("change")
    page.click("#validate-button")
    expect(page.locator("#deploy-result")).to_contain_text("个问题")
    expect(page.locator("#problems li[data-element=Timer_route_escalate]")).to_contain_text('"PT5M"')
    expect(page.locator("#bpmn-canvas .djs-element.problem[data-element-id=Timer_route_escalate]")).to_have_count(1)


def test_the_routing_table_and_forms_open_too(page: Page):
    sign_in(page, "designer")
    page.goto("/designer")
    page.click(".file-tabs .tab[data-file='routing.dmn']")
    expect(page.locator("#designer")).to_have_attribute("data-ready", "routing.dmn")
    expect(page.locator("#dmn-canvas")).to_contain_text("sp-puyuan-market")
    page.click(".file-tabs .tab[data-file='forms/route.schema.json']")
    expect(page.locator("#json-editor")).to_be_visible()
    assert "is_police_matter" in page.locator("#json-editor").input_value()


def test_caseworkers_cannot_open_the_modeler(page: Page):
    sign_in(page, "gaozhao")
    response = page.goto("/designer")
    assert response is not None and response.status == 403
