"""Signing in to the pages with a plain HTTP client (the login form and its CSRF token)."""
from __future__ import annotations

import re

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def sign_in(server: str, username: str, password: str = "minsheng-demo") -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{server}/login", timeout=10)
    token = CSRF.search(page.text).group(1)
    resp = browser.post(f"{server}/login", data={"username": username, "password": password, "csrf_token": token},
                        timeout=10, allow_redirects=False)
    assert resp.status_code == 302, resp.text
    return browser
