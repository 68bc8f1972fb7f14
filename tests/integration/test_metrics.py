"""/metrics for Prometheus (read with prometheus_client's own parser), the request id on every answer and the
JSON line logged per request (issue 15, part 4)."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import requests
from prometheus_client.parser import text_string_to_metric_families

from app.engine import clock
from tests.flows import DISPATCH_GAOZHAO, act, new_case, tick


def scrape(server: str, token: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = requests.get(f"{server}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(resp.text) for s in family.samples}


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_a_driven_case(app, server, clients, tokens):
    before = scrape(server, tokens["prometheus"])
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    middle = scrape(server, tokens["prometheus"])
    assert value(middle, "http_requests_total", route="/api/v1/cases", method="POST", status="201") == \
        value(before, "http_requests_total", route="/api/v1/cases", method="POST", status="201") + 1
    assert value(middle, "http_requests_total", route="/api/v1/tasks/<id:item_id>/complete", method="POST",
                 status="200") >= 1
    assert value(middle, "http_request_duration_seconds_count", route="/api/v1/cases", method="POST") >= 1
    assert value(middle, "work_items_open", team="ms-xiuzhou-gaozhao") == 1
    assert value(middle, "work_items_overdue", team="ms-xiuzhou-gaozhao") == 0

    later = clock.now() + timedelta(days=3)
    clock.set(later)
    overdue = scrape(server, tokens["prometheus"])
    assert value(overdue, "timers_due_waiting") == 1
    assert value(overdue, "timer_sweep_lag_seconds") > 3600
    assert value(overdue, "work_items_overdue", team="ms-xiuzhou-gaozhao") == 1
    tick(app, later)
    after = scrape(server, tokens["prometheus"])
    assert value(after, "timers_fired_total") >= value(before, "timers_fired_total") + 2  # reminder, escalation
    assert value(after, "timer_sweeps_total") == value(overdue, "timer_sweeps_total") + 1
    assert value(after, "timers_due_waiting") == 0 and value(after, "timer_sweep_lag_seconds") == 0
    assert value(after, "cases_parked") == 0


def test_metrics_are_for_the_monitor_and_admins_only(server, tokens):
    assert requests.get(f"{server}/metrics", timeout=10).status_code == 401
    for user in ("gaozhao", "supervisor", "designer_only"):
        resp = requests.get(f"{server}/metrics", headers={"Authorization": f"Bearer {tokens[user]}"}, timeout=10)
        assert resp.status_code == 403, user
    assert requests.get(f"{server}/metrics", headers={"Authorization": f"Bearer {tokens['admin']}"},
                        timeout=10).status_code == 200
    # The scraper's account reads nothing else.
    assert requests.get(f"{server}/api/v1/cases", headers={"Authorization": f"Bearer {tokens['prometheus']}"},
                        timeout=10).status_code == 403


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_every_answer_has_a_request_id_and_one_json_log_line(server, clients):
    log = logging.getLogger("app.requests")
    lines = Lines()
    log.addHandler(lines)
    try:
        given = clients("supervisor").get("/cases", params={"q": "13800138000"},
                                          headers={"X-Request-ID": "trace-0001abc"})
        made = requests.get(f"{server}/api/v1/nothing-here", headers={"X-Request-ID": "bad id; <script>"}, timeout=10)
    finally:
        log.removeHandler(lines)
    assert given.headers["X-Request-ID"] == "trace-0001abc"
    made_id = made.headers["X-Request-ID"]
    assert made.status_code == 404 and len(made_id) == 32 and "<" not in made_id
    assert [r.request_id for r in lines.records] == ["trace-0001abc", made.headers["X-Request-ID"]]
    shaped = json.loads(log.handlers[0].formatter.format(lines.records[0]))
    assert shaped["request_id"] == "trace-0001abc" and shaped["status"] == 200 and shaped["method"] == "GET"
    assert shaped["route"] == "/api/v1/cases" and shaped["user"] == "supervisor" and shaped["level"] == "INFO"
    assert shaped["duration_ms"] >= 0 and "time" in shaped
    assert "13800138000" not in json.dumps(shaped), "the query (a phone, a search text) is not logged"
