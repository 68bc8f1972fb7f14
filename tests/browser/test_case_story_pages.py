"""Every step sees the case's story (issue 11), in a real browser on a phone and on a desk: the court reads
the agreement and its parties, the callback operator reads what was done and promised, a reopened step says
why and starts empty, an untouched routing form is refused beside the police question, and the desk offers a
court's step to courts only."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item, tick

AGREEMENT = "某物流平台于 12 月 1 日 18 时前向谢建国支付运费 1080 元，双方再无争议。"
MEASURES = "到场联系平台负责人，平台承认拖欠。"
PROMISE = "平台承诺当日 18 时前付清运费"
WIDTHS = [390, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request, page: Page) -> int:
    page.set_viewport_size({"width": request.param, "height": 900})
    return int(request.param)


def _mediated(clients) -> str:
    no = new_case(clients, reporter={"name": "谢建国", "phone": "13912345678"})["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation", "measures": MEASURES, "promises": PROMISE})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True,
                                 "agreement_summary": AGREEMENT, "money_owed": True, "amount": 1080,
                                 "parties": [{"name": "谢建国", "role": "applicant", "id_number": "330411199001011234"},
                                             {"name": "某物流平台", "role": "respondent"}]})
    return no


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_court_reads_the_agreement_and_its_parties(page: Page, clients, width):
    no = _mediated(clients)
    item = open_item(clients, "court", no)
    sign_in(page, "court")
    page.goto(f"/tasks/{item['id']}")
    mediation = page.locator("#record [data-step='Task_mediate']")
    expect(mediation).to_contain_text(AGREEMENT)
    expect(mediation).to_contain_text("谢建国")
    expect(mediation).to_contain_text("某物流平台")
    expect(mediation).to_contain_text("330411199001011234")  # the ruling names the parties
    expect(mediation).to_contain_text("1080")
    # The handling notes are the team's; the court does not need them.
    expect(page.locator("#record [data-step='Task_handle']")).not_to_contain_text(MEASURES)
    _fits(page, width)


def test_the_callback_reads_what_was_done_and_promised(page: Page, clients, width):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved", "measures": MEASURES, "promises": PROMISE})
    item = open_item(clients, "callback", no)
    sign_in(page, "callback")
    page.goto(f"/tasks/{item['id']}")
    handled = page.locator("#record [data-step='Task_handle']")
    expect(handled).to_contain_text(MEASURES)
    expect(handled).to_contain_text(PROMISE)
    expect(handled).to_contain_text("已当场化解")  # the choice's title, not its code
    expect(handled).to_contain_text("李强")  # who handled it, by name
    _fits(page, width)


def test_a_reopened_step_says_why_and_starts_empty(page: Page, clients, width):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved", "measures": MEASURES})
    act(clients, "callback", no, {"satisfaction": "unsatisfied", "comment": "钱到现在还没到账"})
    item = open_item(clients, "gaozhao", no)
    sign_in(page, "gaozhao")
    page.goto(f"/tasks/{item['id']}")
    banner = page.locator(".banner.again")
    expect(banner).to_contain_text("第 2 轮")
    expect(banner).to_contain_text("钱到现在还没到账")
    expect(banner).to_contain_text("不满意")
    for value in ("resolved", "needs_mediation", "wrong_team"):
        expect(page.locator(f"input[name=result][value={value}]")).not_to_be_checked()
    expect(page.locator("textarea[name=measures]")).to_have_value("")
    _fits(page, width)


def test_an_untouched_route_form_is_refused_beside_the_police_question(page: Page, clients, width):
    no = new_case(clients)["case_no"]
    item = open_item(clients, "dispatcher", no)
    sign_in(page, "dispatcher")
    page.goto(f"/tasks/{item['id']}")
    expect(page.locator("input[name=is_police_matter]:checked")).to_have_count(0)
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator("[data-field='is_police_matter'] .field-error")).to_contain_text("必填")
    assert open_item(clients, "dispatcher", no)["state"] in ("open", "claimed"), "nothing was decided"
    _fits(page, width)


def test_the_desk_offers_no_township_team_for_a_court_step(page: Page, app, clients, width):
    no = _mediated(clients)
    judicial = open_item(clients, "court", no)
    from datetime import datetime
    tick(app, datetime.fromisoformat(judicial["created_at"]) + timedelta(days=4))  # the court's 3-day acceptance
    sign_in(page, "supervisor")
    page.goto("/supervisor")
    card = page.locator("article.escalation", has_text=no)
    expect(card).to_have_count(1)
    options = card.locator("select[name=target] option").all_inner_texts()
    offered = [o for o in options if o and not o.startswith("改派")]
    assert offered and all("法院" in o for o in offered), offered
    assert not any("民声服务队" in o for o in offered), offered
    # The task page's pickers say the same.
    page.goto(f"/tasks/{judicial['id']}")
    names = page.locator("select[data-picker=reassign] optgroup").evaluate_all("els => els.map(e => e.label)")
    assert names and all("法院" in n for n in names), names
    _fits(page, width)


def test_times_that_happened_offer_now_and_refuse_the_future(page: Page, clients, width):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    sign_in(page, "gaozhao")
    page.goto(f"/tasks/{item['id']}")
    page.click("button[data-now='f-contacted_at']")
    assert page.input_value("input[name=contacted_at]"), "the Now button fills the local time in"
    page.check("input[name=result][value=resolved]")
    page.fill("input[name=arrived_at]", "2099-01-01T10:00")
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator("[data-field='arrived_at'] .field-error")).to_contain_text("不能晚于现在")
    expect(page.locator("input[name=contacted_at]")).not_to_have_value("")
    _fits(page, width)


def test_the_case_diagram_shows_the_running_mediation_and_zooms(page: Page, clients, width):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    sign_in(page, "gaozhao")
    page.goto(f"/cases/{no}")
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "CallActivity_mediation")
    expect(page.locator("[data-subprocess=mediation]")).to_have_attribute("data-ready", "Task_mediate")
    expect(page.locator(".subprocess-title")).to_contain_text("矛盾纠纷调解")
    viewport = page.locator("#diagram .viewport")
    before = viewport.get_attribute("transform")
    page.click("[data-zoom=in]")
    assert viewport.get_attribute("transform") != before, "zoom in changes the view"
    _fits(page, width)


def test_a_reminder_shows_on_the_queue_card_and_the_task_page(page: Page, clients, width):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    reminded = clients("supervisor").post(f"/tasks/{item['id']}/remind", json={"note": "群众第三次来电，今天务必到场"})
    assert reminded.status_code == 200
    sign_in(page, "gaozhao")
    card = page.locator(f"li[data-item='{item['id']}']")
    expect(card.locator(".reminder-line")).to_contain_text("群众第三次来电，今天务必到场")
    expect(card.locator(".reminder-line")).to_contain_text("督办中心")  # the supervisor's name, not "supervisor"
    page.goto(f"/tasks/{item['id']}")
    expect(page.locator(".banner.reminder")).to_contain_text("督办提醒")
    expect(page.locator(".banner.reminder")).to_contain_text("群众第三次来电")
    _fits(page, width)


def test_an_agreement_needs_its_text_and_an_owed_amount_on_the_page(page: Page, clients, width):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    item = open_item(clients, "gaozhao", no)
    sign_in(page, "gaozhao")
    page.goto(f"/tasks/{item['id']}")
    page.check("input[name=outcome][value=agreement]")
    page.check("input[name=apply_judicial_confirmation][value=false]")
    page.check("input[name=money_owed][value=true]")
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator("[data-field='agreement_summary'] .field-error")).to_contain_text("必填")
    expect(page.locator("[data-field='amount'] .field-error")).to_contain_text("必填")
    page.fill("textarea[name=agreement_summary]", AGREEMENT)
    page.fill("input[name=amount]", "1080")
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator(".flash.ok")).to_be_visible()
    _fits(page, width)
