"""The reports' figures, each one SQL aggregate over the cases' milestone columns and the work items, the
same statements on SQLite and PostgreSQL. Periods are half-open ([start, end)); "now" is the report's time.
Percentiles are nearest-rank: the value at rank ceil(p·n) of the n durations in order."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.casework.models import ENDED_STATUSES, STATUSES, Case, WorkItem, is_open
from app.database import execute
from app.reports.periods import Period, Scope
from app.reports.sqltime import seconds_between

cases_t = Case.__table__
items_t = WorkItem.__table__
c = cases_t.c
i = items_t.c

SATISFIED = ("satisfied", "basically_satisfied")
ESCALATION_ACTIONS = ("remind", "reassign", "extend", "take_over")
MEDIATION_OUTCOMES = ("agreement", "no_agreement", "withdrawn")
JUDICIAL_DECISIONS = ("confirmed", "rejected")
REPEAT_WITHIN_DAYS = 30
IDENTIFIED_FIELDS = ("is_police_matter", "category", "township")
OPEN_STATUSES = tuple(s for s in STATUSES if s not in ENDED_STATUSES)


def in_scope(scope: Scope) -> Any:
    return c.township_code.in_(scope.townships) if scope.townships is not None else literal(True)


def within(column: Any, period: Period) -> Any:
    return and_(column >= period.start, column < period.end)


def closed_status() -> Any:
    """status = 'closed', written so that no planner takes the status index for it: nine cases in ten are closed,
    and a period's rows are found by the index of its time column (SQLite without statistics would scan the
    closed cases by status instead)."""
    return func.coalesce(c.status, c.status) == "closed"


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _count(*where: Any) -> int:
    return int(execute(select(func.count()).select_from(cases_t).where(*where)).scalar_one())


def milestone_steps(name: str, period: Period, scope: Scope) -> int:
    """Steps of a milestone that began in the period (a mediation, an application to the court), every round."""
    return int(execute(select(func.count()).select_from(items_t).join(cases_t, i.case_id == c.id).where(
        i.milestone == name, within(i.created_at, period), in_scope(scope))).scalar_one())


def milestone_values(name: str, period: Period, scope: Scope) -> dict[str, int]:
    """The answers recorded in the period by a milestone's steps (each callback's satisfaction, each outcome)."""
    rows = execute(select(i.milestone_value, func.count()).select_from(items_t).join(cases_t, i.case_id == c.id)
                   .where(i.milestone == name, i.state == "completed", within(i.completed_at, period), in_scope(scope))
                   .group_by(i.milestone_value))
    return {str(value): int(n) for value, n in rows}


def case_counts(period: Period, scope: Scope, now: datetime) -> dict[str, int]:
    """The counts over the cases table, each over the index of the milestone it counts (a day's report reads
    the day's rows, not the year's)."""
    scoped = in_scope(scope)
    opened = dict(execute(select(
        func.count().label("opened"),
        _count_if(c.status == "returned_to_police").label("returned_to_police"),
        _count_if(and_(c.status == "closed", c.closed_at <= now)).label("closed"),
    ).where(scoped, within(c.opened_at, period))).one()._mapping)
    satisfaction = milestone_values("callback", period, scope)
    outcomes = milestone_values("mediation", period, scope)
    decisions = milestone_values("judicial", period, scope)
    return {
        **{k: int(v) for k, v in opened.items()},
        "closed_in_period": _count(scoped, closed_status(), within(c.closed_at, period)),
        "callbacks": sum(satisfaction.values()),
        "satisfied": sum(satisfaction.get(s, 0) for s in SATISFIED),
        "open_now": _count(scoped, c.status.in_(OPEN_STATUSES)),
        "mediation_started": milestone_steps("mediation", period, scope),
        **{f"mediation_{o}": outcomes.get(o, 0) for o in MEDIATION_OUTCOMES},
        "judicial_applied": milestone_steps("judicial", period, scope),
        **{f"judicial_{d}": decisions.get(d, 0) for d in JUDICIAL_DECISIONS},
        "reopened": _count(scoped, within(c.reopened_at, period)),
        # Open at the start = opened before it, less those that ended before it (an ended case has closed_at).
        "carried_over": _count(scoped, c.opened_at < period.start) - _count(scoped, c.closed_at < period.start),
    }


def _overdue_item(now: datetime) -> Any:
    """An open step of a team past its limit (escalations are the supervisors' own, and counted apart)."""
    return and_(is_open(), i.origin_timer.is_(None), i.due_at < now)


def by_township(period: Period, scope: Scope, now: datetime) -> dict[str | None, dict[str, int]]:
    """Per township: the period's cases opened and closed, and the open cases overdue now (all of the scope's:
    their sum is the report's overdue_now)."""
    opened = within(c.opened_at, period)
    overdue = exists(select(i.id).where(i.case_id == c.id, _overdue_item(now)))
    rows = execute(select(
        c.township_code, _count_if(opened).label("opened"),
        _count_if(and_(opened, c.status == "closed", c.closed_at <= now)).label("closed"),
        _count_if(and_(c.status.in_(OPEN_STATUSES), overdue)).label("overdue_now"),
    ).where(in_scope(scope), or_(opened, c.status.in_(OPEN_STATUSES))).group_by(c.township_code))
    return {r.township_code: {"opened": int(r.opened), "closed": int(r.closed), "overdue_now": int(r.overdue_now)}
            for r in rows}


def by_category(period: Period, scope: Scope) -> dict[str | None, int]:
    rows = execute(select(c.category, func.count().label("n"))
                   .where(in_scope(scope), within(c.opened_at, period)).group_by(c.category))
    return {r.category: int(r.n) for r in rows}


def _ranked(start: Any, end: Any, where: Any) -> list[tuple[datetime, datetime]]:
    """The (start, end) pairs at the median's and the 90th percentile's nearest ranks (none when no rows)."""
    ranked = select(start.label("a"), end.label("b"),
                    func.row_number().over(order_by=seconds_between(start, end)).label("rn"),
                    func.count().over().label("n")).where(where).subquery()
    rows = execute(select(ranked.c.a, ranked.c.b, ranked.c.rn, ranked.c.n).where(
        or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (9 * ranked.c.n + 9) // 10))
        .order_by(ranked.c.rn)).all()
    if not rows:
        return []
    n = int(rows[0].n)
    at = {int(r.rn): (r.a, r.b) for r in rows}
    return [at[(n + 1) // 2], at[(9 * n + 9) // 10]]


def durations(period: Period, scope: Scope) -> dict[str, float | None]:
    """Response: from the call or post time (else the opening) to a team's first sign-for or completion, in
    minutes; handling: opening to closing of the closed cases, in hours; of the cases opened in the period."""
    opened = and_(in_scope(scope), within(c.opened_at, period))
    response = _ranked(func.coalesce(c.called_at, c.opened_at), c.first_response_at,
                           and_(opened, c.first_response_at.is_not(None)))
    handling = _ranked(c.opened_at, c.closed_at, and_(opened, closed_status(), c.closed_at.is_not(None)))
    out: dict[str, float | None] = {"median_response_minutes": None, "p90_response_minutes": None,
                                    "median_handling_hours": None}
    if response:
        out["median_response_minutes"] = minutes(*response[0])
        out["p90_response_minutes"] = minutes(*response[1])
    if handling:
        out["median_handling_hours"] = hours(*handling[0])
    return out


def minutes(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 60, 1)


def hours(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)


def escalations(period: Period, scope: Scope) -> dict[str, int]:
    """Escalations opened in the period, and those closed in it by each of the supervisor's actions."""
    escalation = and_(i.origin_timer.is_not(None), in_scope(scope))
    opened = execute(select(func.count()).select_from(items_t).join(cases_t, i.case_id == c.id)
                     .where(escalation, within(i.created_at, period))).scalar_one()
    action = i.result_data["action"].as_string()
    closed = dict(execute(select(action, func.count()).select_from(items_t).join(cases_t, i.case_id == c.id)
                          .where(escalation, i.state == "completed", within(i.completed_at, period))
                          .group_by(action)).all())
    return {"opened": int(opened), **{a: int(closed.get(a, 0)) for a in ESCALATION_ACTIONS}}


def open_items(scope: Scope, before: datetime, limit: int) -> tuple[list[Any], int]:
    """Open work items due before ``before`` (the day's to-clear list), most urgent first, and how many."""
    where = and_(is_open(), i.due_at < before, in_scope(scope))
    base = select(i.id).select_from(items_t).join(cases_t, i.case_id == c.id).where(where)
    total = execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = execute(select(i.id, i.case_no, i.name, i.team_code, i.assignee, i.due_at, i.origin_timer)
                   .join(cases_t, i.case_id == c.id)
                   .where(where).order_by(i.due_at, i.id).limit(limit)).all()
    return rows, int(total)


def by_team(scope: Scope, now: datetime) -> list[Any]:
    overdue = and_(i.origin_timer.is_(None), i.due_at < now)
    return list(execute(select(i.team_code, func.count().label("open"), _count_if(overdue).label("overdue"))
                   .select_from(items_t).join(cases_t, i.case_id == c.id)
                   .where(is_open(), in_scope(scope)).group_by(i.team_code)).all())


def day_bucket(column: Any, period: Period) -> Any:
    """The index of the period's local day a time falls on (exact: compares with the days' bounds)."""
    days = period.days()
    bounds = [period.start.replace(year=d.year, month=d.month, day=d.day) for d in days[1:]]
    if not bounds:
        return literal(0)
    return case(*[(column < bound, n) for n, bound in enumerate(bounds)], else_=len(days) - 1)


def by_day(period: Period, scope: Scope) -> dict[int, dict[str, int]]:
    opened = select(day_bucket(c.opened_at, period).label("d"), func.count().label("n")) \
        .where(in_scope(scope), within(c.opened_at, period)).group_by("d")
    closed = select(day_bucket(c.closed_at, period).label("d"), func.count().label("n")) \
        .where(in_scope(scope), closed_status(), within(c.closed_at, period)).group_by("d")
    out: dict[int, dict[str, int]] = {}
    for kind, statement in (("opened", opened), ("closed", closed)):
        for r in execute(statement):
            out.setdefault(int(r.d), {"opened": 0, "closed": 0})[kind] = int(r.n)
    return out


def categories_by_day(period: Period, scope: Scope) -> list[Any]:
    bucket = day_bucket(c.opened_at, period).label("d")
    return list(execute(select(bucket, c.category, func.count().label("n"))
                   .where(in_scope(scope), within(c.opened_at, period)).group_by("d", c.category)).all())


def breaches_by_step(period: Period, scope: Scope, now: datetime) -> list[Any]:
    """Team steps that came in the period: how many, and how many went past their limit (done late, or still
    open and overdue now)."""
    late = or_(and_(i.state == "completed", i.completed_at > i.due_at), and_(is_open(), i.due_at < now))
    return list(execute(select(i.name, func.count().label("items"), _count_if(late).label("breached"))
                   .select_from(items_t).join(cases_t, i.case_id == c.id)
                   .where(i.origin_timer.is_(None), in_scope(scope), within(i.created_at, period))
                   .group_by(i.name)).all())


def repeat_complaints(period: Period, scope: Scope) -> int:
    """Cases opened in the period by a reporter whose phone opened another case in the 30 days before."""
    earlier = aliased(cases_t)
    before = exists(select(earlier.c.id).where(
        earlier.c.reporter_phone == c.reporter_phone, earlier.c.id != c.id,
        earlier.c.opened_at < c.opened_at,
        seconds_between(earlier.c.opened_at, c.opened_at) <= REPEAT_WITHIN_DAYS * 86400))
    return int(execute(select(func.count()).select_from(cases_t).where(
        in_scope(scope), within(c.opened_at, period), c.reporter_phone.is_not(None), before)).scalar_one())


def identification(period: Period, scope: Scope) -> dict[str, Any]:
    """The identification's live accuracy: of the cases whose route step decided in the period, how often the
    suggestion made at intake agreed with the dispatcher, field by field."""
    where = and_(in_scope(scope), within(c.identified_at, period))
    columns = [func.count().label("decided")]
    for name in IDENTIFIED_FIELDS:
        agreed = c.identification[("agreed", name)].as_boolean()
        columns += [_count_if(agreed.is_(True)).label(f"{name}_agreed"),
                    _count_if(agreed.is_not(None)).label(f"{name}_compared")]
    row = execute(select(*columns).where(where)).one()
    fields = {name: {"agreed": int(getattr(row, f"{name}_agreed")), "compared": int(getattr(row, f"{name}_compared")),
                     "accuracy": rate(int(getattr(row, f"{name}_agreed")), int(getattr(row, f"{name}_compared")))}
              for name in IDENTIFIED_FIELDS}
    return {"decided": int(row.decided), "fields": fields}
