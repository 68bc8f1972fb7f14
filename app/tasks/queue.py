"""The caseworker's queue: the team's open work items and the user's claimed ones, with what a list row
shows of the case (township, category, an excerpt) in one query — no per-row lookups."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, select

from app.auth import policy
from app.auth.principal import Principal
from app.cases import present
from app.casework.models import Case, WorkItem, is_open
from app.engine import clock
from app.extensions import db
from app.routing.gazetteer import categories
from app.routing.models import Team
from app.versions.service import NoProcessDeployed, bundle_for, current_version_key

items_t = WorkItem.__table__
cases_t = Case.__table__
teams_t = Team.__table__
PER_PAGE = 20


@dataclass
class QueueFilter:
    step: str | None = None
    township: str | None = None
    category: str | None = None
    overdue: bool = False
    q: str | None = None
    page: int = 1
    mine_only: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _conditions(principal: Principal, f: QueueFilter) -> list[Any]:
    now = clock.now()
    # What a user claims is always of their own teams (claiming needs membership; moving an item to another
    # team releases it), so "the team's open items" already holds "mine".
    if f.mine_only:
        scope = and_(items_t.c.assignee == principal.username, items_t.c.state == "claimed")
    elif policy.sees_all_work_items(principal):
        scope = is_open()
    else:
        scope = and_(items_t.c.team_code.in_(list(principal.teams)), is_open())
    conditions: list[Any] = [scope]
    if f.step:
        conditions.append(items_t.c.element_id == f.step)
    if f.township:
        conditions.append(cases_t.c.township_code == f.township)
    if f.category:
        conditions.append(cases_t.c.category == f.category)
    if f.overdue:
        conditions.append(items_t.c.due_at < now)
    if f.q:
        text = f.q.strip()
        if text.isdigit() and len(text) == 4:  # the last four digits of the reporter's phone
            conditions.append(cases_t.c.reporter_phone.like(f"%{text}"))
        else:
            conditions.append(items_t.c.case_no.like(f"%{text.replace('%', '').replace('_', '')}%"))
    return conditions


# A step this close to its limit is flagged on its card (the limits run from an hour to a few days).
DUE_SOON = timedelta(hours=2)


def queue(principal: Principal, f: QueueFilter) -> tuple[list[dict[str, Any]], int]:
    now = clock.now()
    source = items_t.join(cases_t, cases_t.c.id == items_t.c.case_id).outerjoin(
        teams_t, teams_t.c.code == items_t.c.team_code)
    conditions = _conditions(principal, f)
    total = db.session.execute(select(func.count()).select_from(source).where(*conditions)).scalar_one()
    rows = db.session.execute(
        select(items_t, teams_t.c.name.label("team_name"), cases_t.c.township_code, cases_t.c.category,
               cases_t.c.status.label("case_status"), func.substr(cases_t.c.description, 1, 80).label("excerpt"))
        .select_from(source).where(*conditions)
        .order_by(items_t.c.due_at, items_t.c.id)
        .limit(PER_PAGE).offset((max(f.page, 1) - 1) * PER_PAGE)
    ).all()
    names = categories()
    out = []
    for r in rows:
        item = present.work_item(r, now)
        item.update(township=present.township_ref(r.township_code), category=r.category,
                    category_name=names[r.category].name if r.category in names else None,
                    excerpt=r.excerpt, case_status=r.case_status,
                    due_soon=bool(r.due_at is not None and not item["overdue"] and r.due_at - now < DUE_SOON),
                    mine=r.assignee == principal.username, can_act=policy.can_work_on(principal, r.team_code),
                    can_claim=policy.holds(principal, r.qualification))
        out.append(item)
    return out, total


def step_choices() -> list[tuple[str, str]]:
    """The steps a queue can be filtered by: the user tasks of the current process version (none before the
    first deployment)."""
    try:
        key = current_version_key()
    except NoProcessDeployed:
        return []
    return list(bundle_for(key).user_tasks().items())
