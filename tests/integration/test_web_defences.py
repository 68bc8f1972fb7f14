"""Security headers on every kind of answer, cookie flags, and no inline script on any page."""
from __future__ import annotations

import re

import requests

from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item
from tests.web import sign_in

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)


def _assert_defended(resp: requests.Response, what: str) -> None:
    headers = resp.headers
    csp = headers.get("Content-Security-Policy", "")
    script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, what
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", what


def test_every_kind_of_page_and_answer_carries_the_headers(server, clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    anonymous = requests.get(f"{server}/login", timeout=10)
    _assert_defended(anonymous, "login page")
    browser = sign_in(server, "admin")
    pages = ["/", f"/tasks/{item['id']}", f"/cases/{no}", "/supervisor", "/designer", "/no-such-page",
             "/static/app.css", "/static/case-diagram.js", "/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js",
             "/api/v1/cases", "/api/v1/openapi.json", "/api/v1/nothing", "/healthz"]
    for path in pages:
        resp = browser.get(f"{server}{path}", timeout=10)
        assert resp.status_code in (200, 404), path
        _assert_defended(resp, path)
        if resp.headers.get("Content-Type", "").startswith("text/html"):
            assert not INLINE_SCRIPT.search(resp.text), f"inline script on {path}"
            assert not re.search(r"\son(click|load|change|submit)=", resp.text), f"inline handler on {path}"
    _assert_defended(clients("intake").post("/cases", json={"channel": "x"}), "API error")


def test_the_session_cookie_is_http_only_and_same_site_lax(server):
    browser = requests.Session()
    page = browser.get(f"{server}/login", timeout=10)
    cookie = page.headers.get("Set-Cookie", "")
    assert "session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    signed_in = sign_in(server, "gaozhao")
    assert signed_in.cookies.get("session")
