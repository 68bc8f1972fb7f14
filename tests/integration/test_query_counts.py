"""SQL statements per request stay the same as stored cases and list lengths grow (no N+1)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.extensions import db
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item
from tests.statements import SUITE_STATEMENTS


@contextmanager
def counting(app) -> Iterator[list[str]]:
    """The SQL the app sent meanwhile, from the recorder of the whole run (tests/statements.py)."""
    sent: list[str] = []
    with SUITE_STATEMENTS.recording() as statements:
        yield sent
    sent.extend(s.sql for s in statements)


def complete_handle_statements(app, clients) -> int:
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    with counting(app) as statements:
        resp = clients("gaozhao").post(f"/tasks/{item['id']}/complete", json={"data": {"result": "resolved"}})
    assert resp.status_code == 200
    return len([s for s in statements if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))])


def test_completing_a_task_costs_the_same_statements_with_more_cases(app, clients):
    clients("gaozhao").get("/tasks")
    few = complete_handle_statements(app, clients)
    for _ in range(30):
        new_case(clients)
    many = complete_handle_statements(app, clients)
    print("statements per completion:", few, many)
    assert few == many
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        # the token's state (revocation and expiry apply on the very next request), load item+case, and the
        # unit of work's save as one statement, run without BEGIN/COMMIT: three round trips (bench/roundtrips.py
        # counts them from libpq's trace)
        assert few == 3
    else:
        # token, load item+case, mark item done, update case, insert next item, insert the messages it owes
        # (the outbox), insert event
        assert few <= 7


def test_lists_use_a_fixed_number_of_statements(app, clients):
    clients("supervisor").get("/tasks")
    sizes = []
    for count in (2, 12):
        while len(clients("supervisor").get("/tasks", params={"per_page": 200}).json()["items"]) < count:
            new_case(clients)
        with counting(app) as statements:
            clients("supervisor").get("/tasks", params={"per_page": 200})
            clients("supervisor").get("/cases", params={"per_page": 200})
        sizes.append(len(statements))
    assert sizes[0] == sizes[1]


def test_case_detail_does_not_grow_with_its_history(app, clients):
    no = new_case(clients)["case_no"]
    clients("supervisor").get(f"/cases/{no}")
    with counting(app) as first:
        clients("supervisor").get(f"/cases/{no}")
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "wrong_team"})
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    with counting(app) as later:
        clients("supervisor").get(f"/cases/{no}")
    assert len(first) == len(later)


def _page_statements(app, browser, url: str) -> int:
    browser.get(url, timeout=10)  # warm: session user, token of the page's first load
    with counting(app) as statements:
        resp = browser.get(url, timeout=10)
    assert resp.status_code == 200
    return len(statements)


def test_queue_and_case_pages_do_not_grow_with_rows(app, clients, server):
    from tests.web import sign_in

    browser = sign_in(server, "gaozhao")
    first = new_case(clients)["case_no"]
    act(clients, "dispatcher", first, DISPATCH_GAOZHAO)
    queue_small = _page_statements(app, browser, f"{server}/")
    case_small = _page_statements(app, browser, f"{server}/cases/{first}")
    for _ in range(8):
        no = new_case(clients)["case_no"]
        act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", first, {"result": "wrong_team"})
    act(clients, "dispatcher", first, DISPATCH_GAOZHAO)
    queue_big = _page_statements(app, browser, f"{server}/")
    case_big = _page_statements(app, browser, f"{server}/cases/{first}")
    assert queue_small == queue_big, (queue_small, queue_big)
    assert case_small == case_big, (case_small, case_big)
    # the case page also reads its record (the finished steps) and the people's names once, and the scene: its
    # row's id, the evidence, the experts, whether a mediation agreed (its papers) and the experts one may invite;
    # the queue's desk panel reads, once each, the teams' names, who is on duty, their load and the user's own
    assert queue_big <= 10 and case_big <= 19
