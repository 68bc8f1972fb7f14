"""A report: the figures of CONTRACT.md's "Reports" for one period and scope, as of the report's time (the
clock's now). Counts over cases opened in the period (opened, closed, rates, durations) keep changing
while those cases go on; counts of what happened in the period (callback answers, escalations, mediations,
court applications and decisions, reopenings) are of the steps done in it, a reopened case's second round
included."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app import moments
from app.cases import present
from app.database import execute
from app.engine import clock
from app.reports import figures
from app.reports.periods import Period, Scope
from app.routing.gazetteer import categories, gazetteer
from app.routing.models import Team

TO_CLEAR_LIMIT = 500


def build(kind: str, day: date, scope: Scope, now: datetime | None = None) -> dict[str, Any]:
    now = now or clock.now()
    period = Period.containing(kind, day)
    counts = figures.case_counts(period, scope, now)
    townships = figures.by_township(period, scope, now)
    report: dict[str, Any] = {
        "kind": kind, "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "as_of": moments.local_iso(now), "scope": {"kind": scope.kind, "code": scope.code, "name": scope.name},
        "opened": counts["opened"], "returned_to_police": counts["returned_to_police"], "closed": counts["closed"],
        "closed_in_period": counts["closed_in_period"],
        "completion_rate": figures.rate(counts["closed"], counts["opened"] - counts["returned_to_police"]),
        "callbacks": counts["callbacks"],
        "satisfaction_rate": figures.rate(counts["satisfied"], counts["callbacks"]),
        "open_now": counts["open_now"], "overdue_now": sum(t["overdue_now"] for t in townships.values()),
        **figures.durations(period, scope),
        "by_township": _townships(townships, scope), "by_category": _categories(period, scope),
        "escalations": figures.escalations(period, scope),
        "mediation": {"started": counts["mediation_started"],
                      **{o: counts[f"mediation_{o}"] for o in figures.MEDIATION_OUTCOMES}},
        "judicial": {"applied": counts["judicial_applied"],
                     **{d: counts[f"judicial_{d}"] for d in figures.JUDICIAL_DECISIONS}},
        "reopened": counts["reopened"],
    }
    if kind == "daily":
        report.update(_daily(period, scope, now))
    if kind == "weekly":
        report["carried_over"] = counts["carried_over"]
    if kind == "monthly":
        report.update(_monthly(period, scope, now))
    return report


def _townships(counted: dict[str | None, dict[str, int]], scope: Scope) -> list[dict[str, Any]]:
    """Every township of the scope (a heat table has no holes), then the cases with no township yet."""
    places = gazetteer().places
    shown = [p for p in places if scope.townships is None or p.code in scope.townships]
    zero = {"opened": 0, "closed": 0, "overdue_now": 0}
    out = [{"code": p.code, "name": p.full_name, **counted.get(p.code, zero)} for p in shown]
    if scope.townships is None and any(counted.get(None, zero).values()):
        out.append({"code": None, "name": "未定镇街", **counted[None]})
    return out


def category_name(code: str | None) -> str:
    found = categories().get(code) if code else None
    return found.name if found is not None else ("未分类" if code is None else code)


def _categories(period: Period, scope: Scope) -> list[dict[str, Any]]:
    counted = figures.by_category(period, scope)
    ordered = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0] or "~"))
    return [{"code": code, "name": category_name(code), "opened": n} for code, n in ordered]


def team_names(codes: set[str | None]) -> dict[str, str]:
    wanted = [code for code in codes if code]
    if not wanted:
        return {}
    return dict(execute(select(Team.code, Team.name).where(Team.code.in_(wanted))).all())


def _daily(period: Period, scope: Scope, now: datetime) -> dict[str, Any]:
    rows, total = figures.open_items(scope, period.end, TO_CLEAR_LIMIT)
    teams = figures.by_team(scope, now)
    names = team_names({r.team_code for r in rows} | {t.team_code for t in teams})
    to_clear = [{"id": r.id, "case_no": r.case_no, "name": r.name,
                 "team": present.team_ref(r.team_code, names.get(r.team_code)),
                 "assignee": r.assignee, "due_at": moments.local_iso(r.due_at), "overdue": r.due_at < now,
                 "escalation": r.origin_timer is not None} for r in rows]
    by_team = sorted(({"code": t.team_code, "name": names.get(t.team_code, t.team_code or "—"),
                       "open": int(t.open), "overdue": int(t.overdue)} for t in teams),
                     key=lambda t: (-t["overdue"], -t["open"], t["code"] or ""))
    return {"to_clear": to_clear, "to_clear_total": total, "by_team": by_team}


def _monthly(period: Period, scope: Scope, now: datetime) -> dict[str, Any]:
    days = period.days()
    counted = figures.by_day(period, scope)
    by_day = [{"date": d.isoformat(), **counted.get(n, {"opened": 0, "closed": 0})} for n, d in enumerate(days)]
    trend = sorted(({"date": days[int(r.d)].isoformat(), "code": r.category, "opened": int(r.n)}
                    for r in figures.categories_by_day(period, scope)),
                   key=lambda t: (t["date"], t["code"] or "~"))
    breaches = sorted(({"name": r.name, "items": int(r.items), "breached": int(r.breached)}
                       for r in figures.breaches_by_step(period, scope, now)),
                      key=lambda b: (-b["breached"], b["name"]))
    return {"by_day": by_day, "category_trend": trend, "breaches_by_step": breaches,
            "repeat_complaints": figures.repeat_complaints(period, scope),
            "identification": figures.identification(period, scope)}
