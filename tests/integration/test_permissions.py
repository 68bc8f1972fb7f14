"""Permissions are declared on the routes: every route names one policy function, and the contract's role ×
route matrix holds over real HTTP."""
from __future__ import annotations

import pytest

from app.auth import policy
from app.auth.permissions import LIBRARY_ENDPOINTS, PUBLIC
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item
from tests.web import sign_in

ROLES_USERS = {"intake": "intake", "dispatcher": "dispatcher", "caseworker": "gaozhao", "court": "court",
               "callback": "callback", "supervisor": "supervisor", "designer": "designer", "admin": "admin"}
STAFF = set(ROLES_USERS)


def _permissions(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            handler = getattr(view_class, method.lower()) if view_class is not None else view
            yield rule, method, getattr(handler, "permission", None)


def test_every_route_names_its_permission(app):
    policies = {name for name in dir(policy) if callable(getattr(policy, name))}
    seen = 0
    for rule, method, permission in _permissions(app):
        if rule.endpoint in LIBRARY_ENDPOINTS:
            continue
        assert permission is not None, f"{method} {rule.rule} names no permission"
        assert permission == PUBLIC or permission in policies, (rule.rule, permission)
        seen += 1
    assert seen >= 30
    named = {(m, r.rule): p for r, m, p in _permissions(app)}
    # A staff role alone guards only reads whose rows are scoped by team and masked by role.
    assert named[("POST", "/api/v1/tasks/<id:item_id>/assign")] == "can_supervise"
    assert named[("POST", "/api/v1/processes")] == "can_design"
    assert named[("GET", "/supervisor")] == "can_supervise"
    assert [p for (m, _r), p in named.items() if p == "is_staff"] == []


@pytest.fixture
def waiting_step(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    return open_item(clients, "gaozhao", no)


# (method, path, body, the roles let in); a refusal is 403, or 404 where the object is not theirs to see.
MATRIX = [
    ("POST", "/cases", {}, {"intake", "dispatcher", "caseworker", "supervisor", "admin"}),
    ("GET", "/cases", None, STAFF),
    ("GET", "/tasks", None, STAFF),
    ("GET", "/teams", None, STAFF),
    ("POST", "/tasks/{item}/assign", {}, {"supervisor", "admin"}),
    ("POST", "/tasks/{item}/reassign", {}, {"supervisor", "admin"}),
    ("POST", "/tasks/{item}/extend", {}, {"supervisor", "admin"}),
    ("POST", "/tasks/{item}/complete", {"data": {"result": "nonsense"}}, {"caseworker", "supervisor", "admin"}),
    ("GET", "/escalations", None, {"supervisor", "admin"}),
    ("POST", "/escalations/{item}/remind", {}, {"supervisor", "admin"}),
    ("GET", "/processes", None, {"designer", "supervisor", "admin"}),
    ("POST", "/processes", None, {"designer", "admin"}),
]


def test_the_contract_role_route_matrix(clients, waiting_step):
    for method, path, body, allowed in MATRIX:
        url = path.format(item=waiting_step["id"])
        for role, user in ROLES_USERS.items():
            resp = clients(user).request(method, url, **({"json": body} if body is not None else {}))
            refused = resp.status_code in (403, 404) and resp.json()["error"]["code"] in ("forbidden", "not_found")
            if role in allowed:
                assert resp.status_code not in (401, 403), (role, method, url, resp.status_code, resp.text)
            else:
                assert refused, (role, method, url, resp.status_code, resp.text)
    anonymous = clients(None).get("/tasks")
    assert anonymous.status_code == 401


def test_a_caseworker_never_reaches_another_teams_item(clients, waiting_step):
    other = clients("wangjiangjing")
    attempts = (("claim", None), ("release", None), ("complete", {"data": {"result": "resolved"}}),
                ("assign", {"username": "wangjiangjing"}), ("extend", {"due_at": "2030-01-01T00:00:00+08:00"}))
    for action, body in attempts:
        resp = other.post(f"/tasks/{waiting_step['id']}/{action}", **({"json": body} if body else {}))
        assert resp.status_code == 404, (action, resp.status_code, resp.text)
    assert other.get(f"/tasks/{waiting_step['id']}").status_code == 404


@pytest.mark.parametrize(("user", "page", "status"), [
    ("gaozhao", "/supervisor", 403), ("designer", "/supervisor", 403), ("supervisor", "/supervisor", 200),
    ("admin", "/supervisor", 200), ("gaozhao", "/designer", 403), ("designer", "/designer", 200),
    ("supervisor", "/designer", 200), ("designer", "/", 200), ("gaozhao", "/", 200),
])
def test_pages_let_in_the_roles_they_name(server, user, page, status):
    assert sign_in(server, user).get(server + page, timeout=30, allow_redirects=False).status_code == status


def test_pages_send_nobody_to_the_sign_in_page(server):
    import requests

    resp = requests.get(server + "/supervisor", timeout=30, allow_redirects=False)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
