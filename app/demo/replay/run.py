"""`flask demo replay`: generate the cases, drive them through the service, and write the figures expected."""
from __future__ import annotations

import gc
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from tqdm import tqdm

from app.casework.models import Case
from app.demo.loader import load_demo
from app.demo.replay.drive import Driver
from app.demo.replay.log import ReplayLog
from app.demo.replay.people import ensure_people
from app.demo.replay.plan import generate
from app.demo.replay.truth import expectations
from app.extensions import db


class NotEmpty(Exception):
    """The database holds cases already: the expectations would not be the reports' figures."""


@dataclass
class Replayed:
    log: ReplayLog
    seconds: float
    truth: dict[str, Any] | None
    breakdown: dict[str, tuple[int, float]]  # per kind of action: how many, seconds in all


def replay(processes_dir: str, *, cases: int, days: int, seed: int, end: datetime,
           truth_path: Path | None = None, progress: bool = True, daily_limit: int = 62,
           force: bool = False) -> Replayed:
    if not force and db.session.execute(select(func.count()).select_from(Case)).scalar_one():
        raise NotEmpty("the database holds cases already; replay into a fresh one (set DATABASE_URL and run "
                       "`flask --app app db upgrade`), so that the reports count the replayed cases only, or give "
                       "--force to add the replayed cases anyway")
    load_demo(processes_dir, with_users=False)
    db.session.commit()
    people = ensure_people()
    start = end - timedelta(days=days)
    plans = generate(cases, days, seed, start)
    started = time.perf_counter()
    # A batch job: the plans and the log live to the end, so the collector is told not to walk them again and
    # again (freeze), and to collect the young objects less often (a year's replay spent 7 % of its time there).
    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(20_000, 20, 20)
    try:
        with tqdm(total=len(plans), unit="case", desc="replay", disable=None if progress else True) as bar:
            driver = Driver(plans, people, start, end, seed, progress=bar.update)
            log = driver.run()
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
    seconds = time.perf_counter() - started
    truth = None
    if truth_path is not None:
        truth = expectations(log, daily_limit)
        truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return Replayed(log, seconds, truth, {k: (driver.counts[k], driver.seconds[k]) for k in driver.seconds})
