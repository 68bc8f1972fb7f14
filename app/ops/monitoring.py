"""What operators watch: a request id on every answer (X-Request-ID, taken from the caller when well formed),
one JSON log line per request, the request metrics, and /metrics for Prometheus with the database's own
gauges (due timers waiting, the sweep's lag, parked cases, open and overdue work items per team)."""
from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, select

from app import metrics
from app.auth import permissions, policy
from app.casework.models import OPEN_STATES, Case, WorkItem
from app.engine import clock
from app.extensions import db

bp = Blueprint("monitoring", __name__)
request_log = logging.getLogger("app.requests")
WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def init_monitoring(app: Flask) -> None:
    if app.config.get("REQUEST_LOG", True) and not request_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(message)s",
                                           rename_fields={"asctime": "time", "levelname": "level"}))
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
        request_log.propagate = False

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get(HEADER, "")
        g.request_id = given if WELL_FORMED_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _account(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is None:
            return response
        response.headers[HEADER] = request_id
        seconds = time.perf_counter() - g.request_started
        # The route's pattern, not the path: case numbers and ids would make a series per case.
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        metrics.REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        metrics.LATENCY.labels(route, request.method).observe(seconds)
        if request_log.handlers:
            # The path without its query: a query may carry a phone's last digits or a search text.
            request_log.info("request", extra={
                "request_id": request_id, "method": request.method, "path": request.path, "route": route,
                "status": response.status_code, "duration_ms": round(seconds * 1000, 2),
                "user": _username(), "remote": request.remote_addr})
        return response


def _username() -> str | None:
    principal = g.get("principal")
    return principal.username if principal is not None else None


class DatabaseGauges(Collector):
    """Read from the database at each scrape: the same truth for every process and every host."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = clock.now()
        cases_t, items_t = Case.__table__, WorkItem.__table__
        due = db.session.execute(select(func.count(), func.min(cases_t.c.next_timer_at)).where(
            cases_t.c.next_timer_at < now)).one()
        waiting = GaugeMetricFamily("timers_due_waiting", "Cases with a timer due now that no sweep has fired yet")
        waiting.add_metric([], due[0])
        yield waiting
        lag = GaugeMetricFamily("timer_sweep_lag_seconds", "How long the oldest due timer has waited (0: none)")
        lag.add_metric([], max(0.0, (now - due[1]).total_seconds()) if due[1] is not None else 0.0)
        yield lag
        parked = GaugeMetricFamily("cases_parked", "Cases whose timer failed and waits for a person")
        parked.add_metric([], db.session.execute(select(func.count()).select_from(cases_t).where(
            cases_t.c.error_element.is_not(None))).scalar_one())
        yield parked
        open_items = GaugeMetricFamily("work_items_open", "Open work items per team", labels=["team"])
        overdue = GaugeMetricFamily("work_items_overdue", "Open work items past their limit per team",
                                    labels=["team"])
        rows = db.session.execute(select(
            items_t.c.team_code, func.count(), func.count().filter(items_t.c.due_at < now)
        ).where(items_t.c.state.in_(OPEN_STATES)).group_by(items_t.c.team_code))
        for team, count, late in rows:
            open_items.add_metric([team or "none"], count)
            overdue.add_metric([team or "none"], late)
        yield open_items
        yield overdue


@bp.get("/metrics")
@permissions.api(policy.reads_metrics)
def metrics_page() -> Response:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_Process())
    registry.register(DatabaseGauges())
    body = generate_latest(registry)
    db.session.rollback()
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


class _Process(Collector):
    """This process's own counters (the default registry), when no multiprocess folder adds up the host."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()
