"""The service's Prometheus metrics, defined once for every process that counts them (the web processes, the
timer workers). With PROMETHEUS_MULTIPROC_DIR set (deploy/), each process writes its counts to that folder and
the web's /metrics adds up the whole host; without it, /metrics shows its own process."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("http_requests_total", "HTTP requests answered, by route, method and status",
                   ["route", "method", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Time to answer a request, by route and method",
                    ["route", "method"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
TIMERS_FIRED = Counter("timers_fired_total", "Timers fired by the sweep (escalations, reminders, court limits)")
TIMERS_FAILED = Counter("timers_failed_total", "Timers that failed and parked their case for a person")
SWEEPS = Counter("timer_sweeps_total", "Timer sweeps run")
SWEEP_SECONDS = Histogram("timer_sweep_duration_seconds", "Time a sweep took",
                          buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30))
SWEEP_FAILURES = Counter("worker_round_failures_total", "Worker rounds that failed (a database outage included)",
                         ["worker"])
