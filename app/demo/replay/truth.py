"""What the reports must say after a replay, computed from the replay's log alone, in plain Python: the same
definitions as CONTRACT.md's "Reports", counted another way than the service's SQL. The escalations are
predicted, not read: a step still open at the first sweep after its limit gets one."""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from app.cases import present
from app.demo.replay.log import CaseLog, ReplayLog, Step
from app.moments import SHANGHAI, local_iso
from app.reports.periods import Period
from app.reports.service import category_name
from app.routing.gazetteer import gazetteer
from app.routing.teams import standard_teams

ENDED = ("closed", "returned_to_police")
SATISFIED = ("satisfied", "basically_satisfied")
REPEAT_WITHIN = timedelta(days=30)
FIELDS = ("is_police_matter", "category", "township")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _nearest_rank(pairs: list[tuple[datetime, datetime]], p_num: int, p_den: int) -> tuple[datetime, datetime]:
    ordered = sorted(pairs, key=lambda ab: ab[1] - ab[0])
    rank = -(-p_num * len(ordered) // p_den)  # ceil(p·n)
    return ordered[rank - 1]


def predicted_escalation(step: Step, ticks: list[datetime], end: datetime) -> datetime | None:
    """When the sweep opens an escalation for the step: its first sweep after the step's limit, if the step is
    still waiting then (a sweep at the same instant as the step's completion runs first)."""
    if step.kind == "escalation":
        return None
    at = bisect_right(ticks, step.first_due)
    if at == len(ticks):
        return None
    tick = ticks[at]
    return tick if tick <= (step.done_at or end) else None


class Truth:
    def __init__(self, log: ReplayLog) -> None:
        self.log = log
        self.now = log.end
        self.escalations: list[tuple[CaseLog, datetime]] = [
            (case, when) for case in log.cases for step in case.steps.values()
            if (when := predicted_escalation(step, log.ticks, log.end)) is not None]
        self.team_names = {t.code: t.name for t in standard_teams()}
        self.by_phone: dict[str, list[datetime]] = defaultdict(list)
        for case in log.cases:
            if case.phone:
                self.by_phone[case.phone].append(case.opened_at)

    def mismatched_escalations(self) -> list[str]:
        """Cases where the escalations the service opened differ from the predicted ones."""
        predicted = Counter(case.case_no for case, _when in self.escalations)
        seen = Counter(case.case_no for case in self.log.cases for s in case.steps.values() if s.kind == "escalation")
        return sorted(no for no in predicted.keys() | seen.keys() if predicted[no] != seen[no])

    def report(self, kind: str, day: date, townships: set[str] | None = None) -> dict[str, Any]:
        period = Period.containing(kind, day)
        start, end, now = period.start, period.end, self.now

        def within(t: datetime | None) -> bool:
            return t is not None and start <= t < end

        cases = [c for c in self.log.cases if townships is None or c.township in townships]
        opened = [c for c in cases if within(c.opened_at)]
        returned = sum(c.status == "returned_to_police" for c in opened)
        closed = sum(c.status == "closed" for c in opened)
        answers = [a for c in cases for when, a in c.answers if within(when)]
        open_cases = [c for c in cases if c.status not in ENDED]
        overdue = {c.case_no for c in open_cases
                   if any(s.kind != "escalation" and s.due_at < now for s in c.open_steps())}
        response = [(c.called_at or c.opened_at, c.first_response_at) for c in opened if c.first_response_at]
        handling = [(c.opened_at, c.closed_at) for c in opened if c.status == "closed" and c.closed_at]
        report: dict[str, Any] = {
            "kind": kind, "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
            "as_of": local_iso(now), "opened": len(opened), "returned_to_police": returned, "closed": closed,
            "closed_in_period": sum(c.status == "closed" and within(c.closed_at) for c in cases),
            "completion_rate": _rate(closed, len(opened) - returned), "callbacks": len(answers),
            "satisfaction_rate": _rate(sum(a in SATISFIED for a in answers), len(answers)),
            "open_now": len(open_cases), "overdue_now": len(overdue),
            "median_response_minutes": None, "p90_response_minutes": None, "median_handling_hours": None,
        }
        if response:
            for key, (num, den) in (("median_response_minutes", (1, 2)), ("p90_response_minutes", (9, 10))):
                a, b = _nearest_rank(response, num, den)
                report[key] = round((b - a).total_seconds() / 60, 1)
        if handling:
            a, b = _nearest_rank(handling, 1, 2)
            report["median_handling_hours"] = round((b - a).total_seconds() / 3600, 2)
        report["by_township"] = self._townships(opened, open_cases, overdue, townships)
        counted = Counter(c.category for c in opened)
        report["by_category"] = [{"code": code, "name": category_name(code), "opened": n}
                                 for code, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0] or "~"))]
        closings = Counter(action for c in cases for when, action in c.closed_escalations if within(when))
        report["escalations"] = {"opened": sum(within(when) for case, when in self.escalations
                                               if townships is None or case.township in townships),
                                 **{a: closings[a] for a in ("remind", "reassign", "extend", "take_over")}}
        def begun(kind: str) -> int:
            return sum(s.kind == kind and within(s.created_at) for c in cases for s in c.steps.values())

        outcomes = Counter(o for c in cases for when, o in c.outcomes if within(when))
        report["mediation"] = {"started": begun("mediate"),
                               **{o: outcomes[o] for o in ("agreement", "no_agreement", "withdrawn")}}
        decisions = Counter(d for c in cases for when, d in c.decisions if within(when))
        report["judicial"] = {"applied": begun("judicial"), **{d: decisions[d] for d in ("confirmed", "rejected")}}
        report["reopened"] = sum(within(c.reopened_at) for c in cases)
        if kind == "daily":
            report.update(self._daily(cases, end))
        if kind == "weekly":
            report["carried_over"] = sum(c.opened_at < start and (c.closed_at is None or c.closed_at >= start)
                                         for c in cases)
        if kind == "monthly":
            report.update(self._monthly(period, cases, opened, within))
        return report

    def _townships(self, opened: list[CaseLog], open_cases: list[CaseLog], overdue: set[str],
                   townships: set[str] | None) -> list[dict[str, Any]]:
        rows: dict[str | None, dict[str, int]] = defaultdict(lambda: {"opened": 0, "closed": 0, "overdue_now": 0})
        for c in opened:
            rows[c.township]["opened"] += 1
            rows[c.township]["closed"] += c.status == "closed"
        for c in open_cases:
            rows[c.township]["overdue_now"] += c.case_no in overdue
        out = [{"code": p.code, "name": p.full_name, **rows.get(p.code, {"opened": 0, "closed": 0, "overdue_now": 0})}
               for p in gazetteer().places if townships is None or p.code in townships]
        if townships is None and None in rows and any(rows[None].values()):
            out.append({"code": None, "name": "未定镇街", **rows[None]})
        return out

    def _daily(self, cases: list[CaseLog], end: datetime) -> dict[str, Any]:
        due = sorted(((c, s) for c in cases for s in c.open_steps() if s.due_at < end),
                     key=lambda cs: (cs[1].due_at, cs[1].item_id))
        to_clear = [{"id": s.item_id, "case_no": c.case_no, "name": s.name,
                     "team": present.team_ref(s.team, self.team_names.get(s.team or "")),
                     "assignee": s.assignee, "due_at": local_iso(s.due_at), "overdue": s.due_at < self.now,
                     "escalation": s.kind == "escalation"} for c, s in due[:500]]
        teams: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
        for c in cases:
            for s in c.open_steps():
                teams[s.team][0] += 1
                teams[s.team][1] += s.kind != "escalation" and s.due_at < self.now
        ordered = sorted(teams.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0] or ""))
        by_team = [{"code": code, "name": self.team_names.get(code or "", code or "—"), "open": n, "overdue": late}
                   for code, (n, late) in ordered]
        return {"to_clear": to_clear, "to_clear_total": len(due), "by_team": by_team}

    def _monthly(self, period: Period, cases: list[CaseLog], opened: list[CaseLog], within: Any) -> dict[str, Any]:
        def local_day(t: datetime) -> str:
            return t.astimezone(SHANGHAI).date().isoformat()

        days = {d.isoformat(): {"opened": 0, "closed": 0} for d in period.days()}
        trend: Counter[tuple[str, str | None]] = Counter()
        for c in opened:
            days[local_day(c.opened_at)]["opened"] += 1
            trend[(local_day(c.opened_at), c.category)] += 1
        for c in cases:
            if c.status == "closed" and within(c.closed_at):
                assert c.closed_at is not None
                days[local_day(c.closed_at)]["closed"] += 1
        steps: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for c in cases:
            for s in c.steps.values():
                if s.kind == "escalation" or not within(s.created_at):
                    continue
                steps[s.name][0] += 1
                late = (s.done_at is not None and s.done_at > s.due_at) or (s.done_at is None and s.due_at < self.now)
                steps[s.name][1] += late
        repeats = sum(1 for c in opened if c.phone and any(
            t < c.opened_at and c.opened_at - t <= REPEAT_WITHIN for t in self.by_phone[c.phone]))
        decided = [c for c in cases if within(c.identified_at)]
        fields = {}
        for name in FIELDS:
            compared = [c.agreed[name] for c in decided if c.agreed.get(name) is not None]
            agreed = sum(bool(v) for v in compared)
            fields[name] = {"agreed": agreed, "compared": len(compared), "accuracy": _rate(agreed, len(compared))}
        return {
            "by_day": [{"date": d, **v} for d, v in days.items()],
            "category_trend": [{"date": d, "code": code, "opened": n}
                               for (d, code), n in sorted(trend.items(), key=lambda kv: (kv[0][0], kv[0][1] or "~"))],
            "breaches_by_step": sorted(({"name": name, "items": n, "breached": late}
                                        for name, (n, late) in steps.items()),
                                       key=lambda b: (-b["breached"], b["name"])),
            "repeat_complaints": repeats,
            "identification": {"decided": len(decided), "fields": fields},
        }


def expectations(log: ReplayLog, daily_limit: int = 62) -> dict[str, Any]:
    """Every day's (the last ``daily_limit`` days'), week's and month's city report of the replay's span."""
    truth = Truth(log)
    first = log.start.astimezone(SHANGHAI).date()
    last = (log.end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
    months = sorted({d.replace(day=1) for d in days})
    return {
        "as_of": local_iso(log.end), "start": local_iso(log.start), "cases": len(log.cases),
        "failures": log.failures, "escalation_mismatches": truth.mismatched_escalations(),
        "daily": {d.isoformat(): truth.report("daily", d) for d in days[-daily_limit:]},
        "weekly": {w.isoformat(): truth.report("weekly", w) for w in weeks},
        "monthly": {m.isoformat(): truth.report("monthly", m) for m in months},
    }
