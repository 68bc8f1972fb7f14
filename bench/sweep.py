"""Timer sweep cost against the number of waiting cases: 100 due among N waiting.

    .venv/bin/python bench/sweep.py --waiting 1000 100000 [--due 100] [--database-url URL]

For each N it builds a fresh database (SQLite file under /tmp unless --database-url), opens one real
case through the service, copies it N times (state and work items included, so rows are realistic),
makes --due of them due, and times `timers tick` firing exactly those. Prints a table and writes
bench/results/sweep.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def build(url: str, waiting: int, due: int) -> object:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text, update

    from app import create_app
    from app.auth.principal import Principal
    from app.cases.service import open_case
    from app.casework.models import Case, WorkItem
    from app.demo.loader import load_demo
    from app.engine import clock
    from app.extensions import db
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        REQUEST_LOG = False  # the benchmark's own requests are not an operator's log

    app = create_app(BenchConfig)
    cases_t, items_t = Case.__table__, WorkItem.__table__
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        load_demo(app.config["PROCESSES_DIR"], with_users=False)
        db.session.commit()
        clock.set(T0)
        intake = Principal(0, "bench", "bench", frozenset({"intake"}), frozenset())
        case_no, _ = open_case(intake, {"channel": "12345", "external_ref": "bench-0", "description": "样本"}, [])
        db.session.commit()
        source = db.session.execute(select(cases_t).where(cases_t.c.case_no == case_no)).mappings().one()
        items = db.session.execute(select(items_t).where(items_t.c.case_id == source["id"])).mappings().all()
        far = T0 + timedelta(days=365)
        batch = 2000
        for start in range(0, waiting, batch):
            rows = []
            for n in range(start, min(start + batch, waiting)):
                row = {k: v for k, v in source.items() if k != "id"}
                row.update(case_no=f"MSBENCH{n:09d}", external_ref=f"bench-{n + 1}",
                           next_timer_at=source["next_timer_at"] if n < due else far)
                rows.append(row)
            ids = db.session.execute(insert(cases_t).returning(cases_t.c.id), rows).scalars().all()
            db.session.execute(insert(items_t), [
                {**{k: v for k, v in item.items() if k != "id"}, "case_id": cid, "case_no": f"MSBENCH{start + i:09d}"}
                for i, cid in enumerate(ids) for item in items])
            db.session.commit()
        db.session.execute(update(cases_t).where(cases_t.c.id == source["id"]).values(next_timer_at=far))
        db.session.commit()
    return app


def sweep(app: object, due: int) -> dict[str, float]:
    from sqlalchemy import func, select

    from app.casework.models import Case
    from app.casework.operations import fire_timers as fire_case
    from app.engine import clock
    from app.extensions import db
    from app.timers.service import tick

    cases_t = Case.__table__
    now = T0 + timedelta(minutes=5)
    with app.app_context():  # type: ignore[attr-defined]
        # Warm the caches (parsed bundle, compiled scripts) on one due case, then undo it.
        first_due = db.session.execute(select(cases_t.c.id).where(cases_t.c.next_timer_at < now).limit(1)).scalar()
        with clock.frozen_at(now):
            fire_case(first_due, now)
        db.session.rollback()
        started = time.perf_counter()
        db.session.execute(select(func.count()).where(cases_t.c.next_timer_at < now)).scalar_one()
        db.session.commit()
        query_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        result = tick(now)
        sweep_s = time.perf_counter() - started
        assert result.cases == due, f"expected {due} due cases, fired {result.cases}"
        return {"fired_cases": result.cases, "fired_timers": result.timers, "sweep_s": sweep_s,
                "per_case_ms": sweep_s * 1000 / max(result.cases, 1), "due_query_ms": query_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waiting", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "sweep.json"))
    args = parser.parse_args()
    results = []
    for waiting in args.waiting:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/sweep.sqlite3"
            started = time.perf_counter()
            app = build(url, waiting, args.due)
            load_s = time.perf_counter() - started
            row = {"waiting": waiting, "due": args.due, "database": url.split(":")[0], "load_s": load_s,
                   **sweep(app, args.due)}
            results.append(row)
            print(f"{waiting:>8} waiting, {args.due} due: sweep {row['sweep_s'] * 1000:8.1f} ms "
                  f"({row['per_case_ms']:.2f} ms/case, due query {row['due_query_ms']:.2f} ms; "
                  f"loaded in {load_s:.0f} s)", flush=True)
    if len(results) >= 2:
        ratio = results[-1]["sweep_s"] / results[0]["sweep_s"]
        print(f"ratio {results[-1]['waiting']} vs {results[0]['waiting']} waiting: {ratio:.2f}x")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
