"""The papers parties sign on site (issue 14): the mediation agreement and the judicial-confirmation application,
printed from the case's form data — in Chromium with print media, on A4, the Chinese text there, the buttons not."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.flows import DISPATCH_GAOZHAO, act, new_case

PARTIES = [{"name": "谢建国", "role": "applicant", "id_number": "330402199001011234", "phone": "13800138000"},
           {"name": "嘉兴快运物流有限公司", "role": "respondent"}]


def _mediated(clients) -> str:
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True,
                                 "agreement_summary": "被申请人于2026年12月3日前一次性支付申请人运费1080元。",
                                 "amount": 1080, "money_owed": True, "parties": PARTIES})
    return no


def test_the_agreement_prints_on_a4_with_its_chinese_text(page: Page, clients, shots):
    no = _mediated(clients)
    sign_in(page, "gaozhao")
    page.goto(f"/cases/{no}")
    page.click("text=人民调解协议书")
    expect(page.locator("h1")).to_have_text("人民调解协议书")
    page.emulate_media(media="print")
    expect(page.locator("nav.screen-only")).to_be_hidden()
    paper = page.locator("article.paper")
    for text in ("申请人", "谢建国", "330402199001011234", "嘉兴快运物流有限公司", "一次性支付申请人运费1080元",
                 "人民币 1080.00 元", "人民调解员（签名）", "高照街道民声服务队"):
        expect(paper).to_contain_text(text)
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in boxes), boxes[:3]
    (shots / "agreement.pdf").write_bytes(pdf)
    page.screenshot(path=str(shots / "agreement.png"), full_page=True)

    page.emulate_media(media="screen")
    page.goto(f"/cases/{no}/papers/judicial-application")
    expect(page.locator("h1")).to_have_text("司法确认申请书")
    expect(page.locator("article.paper")).to_contain_text("请求人民法院确认申请人于")
    expect(page.locator("article.paper")).to_contain_text("秀洲区人民法院")


def test_no_paper_without_an_agreement_or_for_another_team(page: Page, clients):
    no = new_case(clients)["case_no"]
    sign_in(page, "gaozhao")
    assert page.goto(f"/cases/{no}/papers/agreement").status == 404
    mediated = _mediated(clients)
    page.context.clear_cookies()
    sign_in(page, "wangjiangjing")
    assert page.goto(f"/cases/{mediated}/papers/agreement").status == 404
