"""A Jiaxing year replayed through the service on SQLite (issue 13): how long the replay takes (≤ 1 hour for
102,000 cases on this 2-core machine), the bytes stored per closed case (target ≤ 20 KB: workflow state, work
items and events included), and how fast the reports answer over that year (monthly ≤ 2 s, daily ≤ 300 ms);
then every weekly and monthly report, and the last 31 days', against the replay's expectations.

    .venv/bin/python bench/replay.py [--cases 102000] [--days 365] [--out bench/results/replay.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _sizes(db: Any) -> dict[str, int]:
    """Bytes per table and index (SQLite's dbstat), or the file's size when dbstat is not compiled in."""
    from sqlalchemy import text

    try:
        rows = db.session.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all()
        return {name: int(size) for name, size in rows}
    except Exception:  # dbstat is an optional SQLite module
        db.session.rollback()
        return {}


def _timed(call: Any, rounds: int) -> dict[str, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1),
            "rounds": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=102_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--end", default="2026-12-01T00:00:00+08:00")
    parser.add_argument("--db", default=None, help="SQLite file to replay into (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--measure-only", type=Path, default=None, metavar="TRUTH",
                        help="skip the replay: time the reports of --db and compare them with this truth file")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.auth.service import create_user
    from app.auth.tokens import issue_token
    from app.casework.models import Case
    from app.demo.replay.run import replay
    from app.engine import clock
    from app.extensions import db
    from app.moments import SHANGHAI
    from app.reports import service
    from app.reports.periods import Scope
    from config import Config

    folder = tempfile.mkdtemp(prefix="replay-bench-")
    path = Path(args.db) if args.db else Path(folder) / "replay.sqlite3"

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
        REQUEST_LOG = False  # the benchmark's own requests are not an operator's log
        # One process works the whole city's cases (some 1,700 in flight at a time, 45 KB each live) and is given
        # the memory to keep them all warm (180 MB); a deployment sets WARM_WORKFLOWS per worker the same way.
        WARM_WORKFLOWS = 4096

    app = create_app(BenchConfig)
    end = datetime.fromisoformat(args.end)
    result: dict[str, Any] = {"cases": args.cases, "days": args.days, "seed": args.seed, "end": args.end,
                              "cpus": os.cpu_count(), "database": "sqlite"}
    with app.app_context():
        upgrade()
        if args.measure_only is not None:
            truth = json.loads(args.measure_only.read_text(encoding="utf-8"))
        else:
            done = replay(app.config["PROCESSES_DIR"], cases=args.cases, days=args.days, seed=args.seed, end=end,
                          truth_path=Path(folder) / "truth.json", daily_limit=31)
            print(f"replayed in {done.seconds:.0f} s; truth in {folder}/truth.json", file=sys.stderr)
            truth = done.truth or {}
            result["replay_seconds"] = round(done.seconds, 1)
            result["cases_per_second"] = round(args.cases / done.seconds, 1)
            result["sweeps"] = len(done.log.ticks)
            result["failed_actions"] = len(done.log.failures)
            result["actions"] = {k: {"n": n, "seconds": round(s, 1), "ms_each": round(s / n * 1000, 2)}
                                 for k, (n, s) in sorted(done.breakdown.items(), key=lambda kv: -kv[1][1])}
        closed = db.session.execute(select(func.count()).select_from(Case).where(Case.status == "closed")).scalar_one()
        sizes = _sizes(db)
        total = sum(sizes.values()) if sizes else path.stat().st_size
        result["bytes"] = {"total": total, "file": path.stat().st_size, "closed_cases": closed,
                           "per_case": round(total / args.cases), "tables": dict(sorted(sizes.items(),
                                                                                      key=lambda kv: -kv[1])[:12])}

        clock.set(end)
        scope = Scope.city()
        last_day = max(date.fromisoformat(d) for d in truth["daily"])
        months = sorted(truth["monthly"])
        busiest = max(months, key=lambda m: truth["monthly"][m]["opened"])
        token, _row = issue_token(create_user("bench-supervisor", ["supervisor"], [], display_name="基准督办"), "bench")
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        def http(kind: str, day: str) -> None:
            resp = client.get(f"/api/v1/reports/{kind}?date={day}", headers=headers)
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]

        result["reports"] = {
            "monthly_busiest": {"month": busiest, **_timed(lambda: http("monthly", busiest), 5)},
            "monthly_in_process": _timed(lambda: service.build("monthly", date.fromisoformat(busiest), scope), 5),
            "weekly": _timed(lambda: http("weekly", last_day.isoformat()), 5),
            "daily_last": {"day": last_day.isoformat(), **_timed(lambda: http("daily", last_day.isoformat()), 10)},
            "daily_midyear": _timed(lambda: http("daily", (last_day.replace(day=1)).isoformat()), 10),
            "monthly_xlsx": _timed(lambda: client.get(f"/api/v1/reports/monthly?date={busiest}&format=xlsx",
                                                      headers=headers), 3),
        }
        differences = []
        for kind in ("daily", "weekly", "monthly"):
            for day, want in truth[kind].items():
                got = service.build(kind, date.fromisoformat(day), scope)
                differences += [f"{kind} {day} {k}" for k, v in want.items() if got.get(k) != v]
        result["expectations"] = {"reports_compared": sum(len(truth[k]) for k in ("daily", "weekly", "monthly")),
                                  "differences": len(differences), "first": differences[:10],
                                  "figures_differing": sorted({d.split()[-1] for d in differences}),
                                  "escalation_mismatches": len(truth["escalation_mismatches"])}
        year = truth["monthly"]
        result["figures"] = {m: {k: year[m][k] for k in ("opened", "completion_rate", "satisfaction_rate",
                                                         "median_response_minutes", "overdue_now")}
                             for m in months}
        clock.set(None)
    result["targets"] = {"replay_seconds": 3600, "bytes_per_case": 20_000, "monthly_ms": 2000, "daily_ms": 300}
    result["local_end"] = end.astimezone(SHANGHAI).isoformat()
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
