"""The supervisor's desk: open escalations (most overdue first) and cases whose timers failed; an
escalation is closed by one of the supervisor's actions (tasks.supervision)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from app.auth import policy
from app.auth.principal import Principal
from app.cases import present
from app.casework.models import OPEN_STATES, Case, WorkItem
from app.engine import clock
from app.errors import Forbidden
from app.extensions import db
from app.routing.lanes import LANE_ROLES, team_kinds_for
from app.routing.models import Team
from app.tasks import supervision

ACTIONS = supervision.ESCALATION_ACTIONS
items_t = WorkItem.__table__
cases_t = Case.__table__
teams_t = Team.__table__


def _require_supervisor(principal: Principal) -> None:
    if not policy.can_supervise(principal):
        raise Forbidden("the escalation desk is for supervisors")


def _late(due: datetime | None, now: datetime) -> dict[str, Any]:
    if due is None:
        return {"late_seconds": 0, "late": ""}
    seconds = max(0, int((now - due).total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    text = "".join(f"{v}{u}" for v, u in ((days, "天"), (hours, "小时"), (minutes, "分钟")) if v) or "不到 1 分钟"
    return {"late_seconds": seconds, "late": text}


def _present(row: Any, now: datetime) -> dict[str, Any]:
    out = present.work_item(row, now)
    reference = row.step_due_at or row.created_at
    out.update(kind="timer", timer=row.origin_timer, case_status=row.case_status,
               township=present.township_ref(row.township_code), category=row.category,
               step=({"id": row.step_id, "element_id": row.step_element_id, "name": row.step_name,
                      "lane": row.step_lane, "team_kinds": list(team_kinds_for(row.step_lane, row.step_team_kind)),
                      "team": present.team_ref(row.step_team_code, row.step_team_name),
                      "assignee": row.step_assignee, "state": row.step_state, "due_at": row.step_due_at,
                      "qualification": row.step_qualification}
                     if row.step_id is not None else None),
               **_late(reference, now))
    return out


def list_escalations(principal: Principal, page: int, per_page: int) -> dict[str, Any]:
    _require_supervisor(principal)
    now = clock.now()
    step, query = supervision.escalation_query()
    open_escalation = and_(items_t.c.origin_timer.is_not(None), items_t.c.state.in_(OPEN_STATES))
    total = db.session.execute(select(func.count()).select_from(items_t).where(open_escalation)).scalar_one()
    rows = db.session.execute(
        query.where(open_escalation)
        .order_by(func.coalesce(step.c.due_at, items_t.c.created_at), items_t.c.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    failed = db.session.execute(
        select(cases_t.c.case_no, cases_t.c.status, cases_t.c.error_element, cases_t.c.error_message,
               cases_t.c.error_at).where(cases_t.c.error_at.is_not(None)).order_by(cases_t.c.error_at)
    ).all()
    errors = [{"kind": "error", "case_no": r.case_no, "case_status": r.status, "element_id": r.error_element,
               "message": r.error_message, "at": r.error_at, **_late(r.error_at, now)} for r in failed]
    return {"items": [_present(r, now) for r in rows], "total": total, "page": page, "per_page": per_page,
            "errors": errors, "reviews": _reviews(now)}


def _reviews(now: datetime) -> list[dict[str, Any]]:
    """Steps the diagram hands to supervisors that no timer raised (a second unsatisfied callback's review)."""
    supervision_lanes = [lane for lane, role in LANE_ROLES.items() if role == "supervisor"]
    rows = db.session.execute(
        select(items_t, teams_t.c.name.label("team_name"), cases_t.c.status.label("case_status"))
        .select_from(items_t.join(cases_t, cases_t.c.id == items_t.c.case_id)
                     .outerjoin(teams_t, teams_t.c.code == items_t.c.team_code))
        .where(items_t.c.origin_timer.is_(None), items_t.c.state.in_(OPEN_STATES),
               items_t.c.lane.in_(supervision_lanes))
        .order_by(items_t.c.due_at, items_t.c.id).limit(200)
    ).all()
    return [{**present.work_item(r, now), "case_status": r.case_status} for r in rows]


def _load(principal: Principal, escalation_id: int) -> Any:
    _require_supervisor(principal)
    return supervision.load_escalation(escalation_id)


def act(principal: Principal, escalation_id: int, action: str, args: dict[str, Any]) -> dict[str, Any]:
    """Close an escalation with a supervisor's action (tasks.supervision), applied to the step it escalates."""
    return supervision.act_on_escalation(principal, _load(principal, escalation_id), action, args)
