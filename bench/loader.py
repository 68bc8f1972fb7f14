"""A fast bulk loader of realistic stored cases: real cases made by the service at each stage of the
lifecycle (their compressed workflow state, work items and timeline), copied in batches under new
numbers, townships, teams and dates. 70 % closed, 5 % returned to police, the rest in flight."""
from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select

from app.auth.models import QUALIFICATIONS
from app.auth.principal import Principal
from app.cases.service import open_case
from app.casework.models import Case, CaseEvent, WorkItem
from app.engine import clock
from app.extensions import db
from app.http import deferred
from app.routing.gazetteer import gazetteer
from app.tasks import service as tasks

STAGES = {  # stage -> (share of stored cases, steps completed)
    "closed": (0.70, 5), "police": (0.05, -1), "route": (0.03, 0), "handle": (0.08, 1),
    "mediate": (0.05, 2), "judicial": (0.02, 3), "callback": (0.07, 4),
}
STEPS = [
    {"is_police_matter": False, "category": "labour_dispute", "township": "xiuzhou-gaozhao"},
    {"result": "needs_mediation"},
    {"outcome": "agreement", "apply_judicial_confirmation": True},
    {"decision": "confirmed"},
    {"satisfaction": "satisfied"},
]
BULK_PREFIX = "MSB"
# It records the mediations of its template cases too: it holds the qualifications steps may require.
ROBOT = Principal(0, "bench-loader", "bench", frozenset({"admin"}), frozenset(),
                  qualifications=frozenset(QUALIFICATIONS))


def _template(app: Flask, steps: int, n: int) -> dict[str, Any]:
    case_no, _ = open_case(ROBOT, {"channel": "12345", "external_ref": f"template-{n}", "description":
                                   "货车司机反映物流平台拖欠运费一千余元，对方不接电话，请求协助追讨。",
                                   "reporter": {"name": "谢师傅", "phone": "13800138000"}}, [])
    cases_t, items_t = Case.__table__, WorkItem.__table__
    case_id = db.session.execute(select(cases_t.c.id).where(cases_t.c.case_no == case_no)).scalar_one()
    plan = [{"is_police_matter": True}] if steps == -1 else STEPS[:steps]
    for data in plan:
        item = db.session.execute(select(items_t.c.id).where(
            items_t.c.case_id == case_id, items_t.c.state.in_(("open", "claimed")),
            items_t.c.element_id.not_like("Task_escalate%"))
        ).scalar_one()
        tasks.complete(ROBOT, item, deferred(lambda d=data: {"data": d}))
    db.session.commit()
    return {
        "case": dict(db.session.execute(select(cases_t).where(cases_t.c.id == case_id)).mappings().one()),
        "items": [dict(r) for r in db.session.execute(select(items_t).where(items_t.c.case_id == case_id)).mappings()],
        "events": [dict(r) for r in db.session.execute(
            select(CaseEvent.__table__).where(CaseEvent.__table__.c.case_id == case_id)).mappings()],
    }


def stored(app: Flask) -> int:
    with app.app_context():
        return int(db.session.execute(select(func.count()).select_from(Case.__table__)
                                      .where(Case.__table__.c.case_no.like(f"{BULK_PREFIX}%"))).scalar_one())


def load(app: Flask, total: int, batch: int = 2000, seed: int = 7) -> dict[str, float]:
    """Top the database up to ``total`` bulk cases. Returns rows and seconds."""
    started = time.perf_counter()
    have = stored(app)
    if have >= total:
        return {"added": 0, "seconds": 0.0}
    rng = random.Random(seed + have)
    places = gazetteer().places
    cases_t, items_t, events_t = Case.__table__, WorkItem.__table__, CaseEvent.__table__
    with app.app_context():
        templates = {stage: _template(app, steps, have * 10 + i)
                     for i, (stage, (_, steps)) in enumerate(STAGES.items())}
        stages, weights = list(STAGES), [share for share, _ in STAGES.values()]
        far = datetime(2030, 1, 1, tzinfo=UTC)
        now = clock.now()
        for start in range(have, total, batch):
            count = min(batch, total - start)
            picks = rng.choices(stages, weights, k=count)
            case_rows, extras = [], []
            for offset, stage in enumerate(picks):
                number = start + offset
                template = templates[stage]
                place = places[rng.randrange(len(places))]
                opened = now - timedelta(seconds=rng.randrange(365 * 86400))
                row = {k: v for k, v in template["case"].items() if k != "id"}
                team = f"ms-{place.code}" if stage != "police" and stage != "route" else None
                row.update(case_no=f"{BULK_PREFIX}{number:010d}", external_ref=f"bulk-{number}", opened_at=opened,
                           updated_at=opened, township_code=place.code if stage != "route" else None,
                           team_code=team, closed_at=opened + timedelta(hours=20) if stage in ("closed", "police")
                           else None, next_timer_at=None if stage in ("closed", "police") else far)
                case_rows.append(row)
                extras.append((template, team, opened))
            ids = db.session.execute(insert(cases_t).returning(cases_t.c.id, sort_by_parameter_order=True),
                                     case_rows).scalars().all()
            item_rows, event_rows = [], []
            for case_id, row, (template, team, opened) in zip(ids, case_rows, extras, strict=True):
                for item in template["items"]:
                    copy = {k: v for k, v in item.items() if k not in ("id", "escalated_item_id")}
                    is_team_step = item["team_code"] == template["case"]["team_code"] and team
                    copy.update(case_id=case_id, case_no=row["case_no"], created_at=opened,
                                team_code=team if is_team_step else item["team_code"],
                                due_at=far if item["state"] == "open" else item["due_at"])
                    item_rows.append(copy)
                for event in template["events"]:
                    event_rows.append({**{k: v for k, v in event.items() if k != "id"}, "case_id": case_id,
                                       "at": opened})
            db.session.execute(insert(items_t), item_rows)
            db.session.execute(insert(events_t), event_rows)
            db.session.commit()
    return {"added": total - have, "seconds": time.perf_counter() - started}
