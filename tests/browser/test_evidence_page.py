"""A caseworker at the scene adds a photo from a 390 px phone (issue 14): it appears as a thumbnail on the case
page, and the timeline says who added it."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.flows import DISPATCH_GAOZHAO, act, new_case
from tests.integration.test_attachments import phone_photo


def test_a_photo_from_a_phone_appears_on_the_case_page(page: Page, clients, shots, tmp_path):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(phone_photo())
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "gaozhao")
    page.goto(f"/cases/{no}")
    expect(page.locator("#evidence-file")).to_have_attribute("capture", "environment")
    page.set_input_files("#evidence-file", str(photo))
    page.fill("#evidence-note", "现场路面碎玻璃")
    page.click("#evidence form.evidence-form >> nth=0 >> button[type=submit]")
    expect(page.locator("p.flash.ok")).to_contain_text("已添加：IMG_0001.jpg")
    thumb = page.locator("#evidence .evidence-list img")
    expect(thumb).to_have_count(1)
    expect(thumb).to_have_js_property("naturalWidth", 320)
    expect(page.locator("body")).to_contain_text("添加了照片：IMG_0001.jpg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "evidence.png"), full_page=False)
