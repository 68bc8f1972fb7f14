"""The replay's driver: every planned action at its time, through the service's own operations (the functions
the API's routes call, with the principals a request would resolve to), the clock moved to the action's time and
the timer sweep run up to it first, one commit per action as a request makes. What it did goes to the log."""
from __future__ import annotations

import heapq
import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select

from app.auth.principal import Principal
from app.cases import service as cases
from app.cases.schemas import CaseCreateSchema
from app.casework.models import Case, WorkItem, is_open
from app.database import execute
from app.demo.replay.log import CaseLog, ReplayLog, Step
from app.demo.replay.people import People
from app.demo.replay.plan import CasePlan
from app.engine import clock
from app.errors import ApiError
from app.extensions import db
from app.http import Deferred, load
from app.moments import local_iso
from app.routing.gazetteer import gazetteer
from app.routing.teams import township_team_code
from app.tasks import completion
from app.tasks import service as tasks
from app.timers import desk
from app.timers import service as timers

items_t = WorkItem.__table__
cases_t = Case.__table__
Action = Callable[..., None]
OPEN_ITEMS = select(items_t.c.id, items_t.c.form_file, items_t.c.name, items_t.c.team_code, items_t.c.due_at,
                    items_t.c.created_at, items_t.c.assignee, items_t.c.escalated_item_id,
                    items_t.c.origin_timer, items_t.c.case_id)
OPEN_OF_CASE = OPEN_ITEMS.where(items_t.c.case_id == db.bindparam("case_id"), is_open())
ESCALATIONS_AFTER = OPEN_ITEMS.where(items_t.c.origin_timer.is_not(None), items_t.c.id > db.bindparam("after")) \
    .order_by(items_t.c.id)


def step_kind(form_file: str | None) -> str:
    return PurePosixPath(form_file).name.split(".")[0] if form_file else "step"


class Driver:
    def __init__(self, plans: list[CasePlan], people: People, start: datetime, end: datetime, seed: int,
                 progress: Callable[[int], None] | None = None) -> None:
        self.plans = plans
        self.people = people
        self.log = ReplayLog(start=start, end=end)
        self.seed = seed
        self.progress = progress or (lambda _n: None)
        self._queue: list[tuple[datetime, int, Action, tuple[Any, ...]]] = []
        self._order = itertools.count()
        self._by_id: dict[int, tuple[CaseLog, CasePlan]] = {}
        # Seconds spent per kind of action (and in the sweep), for the benchmark's breakdown.
        self.seconds: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self._last_escalation = int(execute(select(db.func.coalesce(db.func.max(items_t.c.id), 0))).scalar_one())
        places = [p.code for p in gazetteer().places]
        self._next_township = {township_team_code(a): township_team_code(b)
                               for a, b in zip(places, places[1:] + places[:1], strict=True)}

    # --- the loop ----------------------------------------------------------------------------------

    def at(self, when: datetime, action: Action, *args: Any) -> None:
        heapq.heappush(self._queue, (when, next(self._order), action, args))

    def run(self) -> ReplayLog:
        for plan in self.plans:
            self.at(plan.opened_at, self._open, plan)
        while self._queue and self._queue[0][0] < self.log.end:
            when, _order, action, args = heapq.heappop(self._queue)
            self._sweep(when)
            clock.set(when)
            began = time.perf_counter()
            try:
                action(when, *args)
                db.session.commit()
            except (ApiError, LookupError) as err:
                db.session.rollback()
                self.log.failures.append(f"{when.isoformat()} {action.__name__}: {err}")
            self.seconds[action.__name__.lstrip("_")] += time.perf_counter() - began
            self.counts[action.__name__.lstrip("_")] += 1
        self._sweep(self.log.end)
        clock.set(None)
        return self.log

    def _sweep(self, when: datetime) -> None:
        if self.log.ticks and when <= self.log.ticks[-1]:
            return
        began = time.perf_counter()
        fired = timers.tick(when)
        self.log.ticks.append(when)
        kind = "sweep (firing)" if fired.timers else "sweep (nothing due)"
        self.seconds[kind] += time.perf_counter() - began
        self.counts[kind] += 1
        if fired.timers:
            self._escalations_since(when)

    def _escalations_since(self, when: datetime) -> None:
        for row in execute(ESCALATIONS_AFTER, {"after": self._last_escalation}).all():
            self._last_escalation = max(self._last_escalation, row.id)
            found = self._by_id.get(row.case_id)
            if found is None:
                continue  # a case the replay did not open
            case, plan = found
            step = self._step(row)
            case.steps[row.id] = step
            self.at(when + plan.supervisor_after, self._supervise, case, plan, step)

    # --- reading what the service did ------------------------------------------------------------

    @staticmethod
    def _step(row: Any) -> Step:
        return Step(item_id=row.id, kind=step_kind(row.form_file), name=row.name, team=row.team_code,
                    created_at=row.created_at, due_at=row.due_at, first_due=row.due_at,
                    escalates=row.escalated_item_id, assignee=row.assignee)

    def _refresh(self, case: CaseLog, when: datetime) -> None:
        """The case's open steps as the service has them now: new ones are added, those gone are done."""
        open_rows = {r.id: r for r in execute(OPEN_OF_CASE, {"case_id": case.case_id})}
        for item_id, step in case.steps.items():
            row = open_rows.get(item_id)
            if row is None:
                if step.done_at is None:
                    step.done_at = when
                continue
            step.due_at, step.team, step.assignee = row.due_at, row.team_code, row.assignee
        for item_id, row in open_rows.items():
            if item_id not in case.steps:
                case.steps[item_id] = self._step(row)

    @staticmethod
    def _waiting(case: CaseLog, kind: str) -> Step:
        for step in case.open_steps():
            if step.kind == kind:
                return step
        raise LookupError(f"case {case.case_no} has no open {kind} step")

    def _complete(self, principal: Principal, step: Step, data: dict[str, Any]) -> None:
        completion.complete(principal, step.item_id, Deferred(lambda: {"data": data}))

    # --- the actions --------------------------------------------------------------------------------

    def _open(self, when: datetime, plan: CasePlan) -> None:
        called_at = when - plan.called_before if plan.called_before is not None else None
        payload: dict[str, Any] = {
            "channel": plan.channel, "external_ref": f"REPLAY-{self.seed}-{self.log.end:%Y%m%d%H%M}-{plan.n:06d}",
            "reporter": {"name": plan.reporter_name, "phone": plan.phone}, "description": plan.description,
        }
        if plan.intake_township:
            payload["township"] = plan.intake_township
        if plan.address:
            payload["address"] = plan.address
        if called_at is not None:
            payload["channel_details"] = {"called_at": local_iso(called_at)}
        # Through the API's own schema: the payload is what an integrating 110 or 12345 system would send.
        case_no, _created = cases.open_case(self.people.desks["intake"], load(CaseCreateSchema(), payload), [])
        row = execute(select(cases_t.c.id, cases_t.c.suggestion).where(cases_t.c.case_no == case_no)).one()
        case = CaseLog(n=plan.n, case_no=case_no, case_id=row.id, opened_at=when, called_at=called_at,
                       phone=plan.phone, township=plan.intake_township, suggestion=row.suggestion)
        self.log.cases.append(case)
        self._by_id[row.id] = (case, plan)
        self._refresh(case, when)
        self.at(when + plan.route_after, self._route, case, plan, 1)
        self.progress(1)

    def _route(self, when: datetime, case: CaseLog, plan: CasePlan, round_: int) -> None:
        step = self._waiting(case, "route")
        if plan.police:
            data: dict[str, Any] = {"is_police_matter": True, "category": plan.category}
        else:
            township = plan.township if round_ == 1 else (plan.second_township or plan.township)
            data = {"is_police_matter": False, "category": plan.category, "township": township}
            if plan.place and round_ == 1:
                data["place"] = plan.place
        self._complete(self.people.desks["dispatcher"], step, data)
        case.identified_at, case.agreed = when, agreement(case.suggestion, data)
        case.category = plan.category
        if plan.police:
            case.status, case.closed_at = "returned_to_police", when
        else:
            case.township, case.status = data["township"], "in_progress"
            claim_after = plan.claim_after if plan.claim_after is not None and plan.claim_after < plan.handle_after \
                else None
            if claim_after is not None:
                self.at(when + claim_after, self._claim, case, "handle")
            self.at(when + plan.handle_after, self._handle, case, plan)
        self._refresh(case, when)

    def _claim(self, when: datetime, case: CaseLog, kind: str) -> None:
        step = self._waiting(case, kind)
        if step.assignee:
            return  # someone holds it already (a supervisor took it over)
        tasks.claim(self.people.member(step.team), step.item_id)
        case.respond(when)
        self._refresh(case, when)

    def _handle(self, when: datetime, case: CaseLog, plan: CasePlan) -> None:
        step = self._waiting(case, "handle")
        result = plan.result if case.handled_rounds == 0 else "resolved"
        data: dict[str, Any] = {"result": result}
        if result == "resolved":
            data["measures"] = "到场核实，当场协调处理，双方认可。"
        if result == "wrong_team":
            data["wrong_team_reason"] = "事发地不在本镇街"
        self._complete(self.people.acting(step.assignee, step.team), step, data)
        case.respond(when)
        case.handled_rounds += 1
        if result == "resolved":
            case.status = "callback"
            self.at(when + plan.callback_after, self._callback, case, plan)
        elif result == "needs_mediation":
            case.status = "mediation"
            case.mediation_started_at = case.mediation_started_at or when
            self.at(when + plan.mediate_after, self._mediate, case, plan)
        else:
            case.status = "open"
            self.at(when + timedelta(minutes=5), self._route, case, plan, 2)
        self._refresh(case, when)

    def _mediate(self, when: datetime, case: CaseLog, plan: CasePlan) -> None:
        step = self._waiting(case, "mediate")
        data: dict[str, Any] = {"outcome": plan.outcome,
                                "apply_judicial_confirmation": plan.judicial and plan.outcome == "agreement"}
        if plan.outcome == "agreement":
            data["agreement_summary"] = "双方自愿达成调解协议，当场履行。"
        self._complete(self.people.acting(step.assignee, step.team), step, data)
        case.respond(when)
        case.mediated_at, case.mediation_outcome = when, plan.outcome
        case.outcomes.append((when, plan.outcome))
        if data["apply_judicial_confirmation"]:
            case.status = "judicial_confirmation"
            case.judicial_applied_at = case.judicial_applied_at or when
            self.at(when + plan.court_after, self._court, case, plan)
        else:
            case.status = "callback"
            self.at(when + plan.callback_after, self._callback, case, plan)
        self._refresh(case, when)

    def _court(self, when: datetime, case: CaseLog, plan: CasePlan) -> None:
        step = self._waiting(case, "judicial")
        self._complete(self.people.member(step.team), step,
                       {"decision": plan.decision, "ruling_no": f"（{when.year}）浙0411民特{plan.n + 1}号"})
        case.judged_at, case.judicial_decision, case.status = when, plan.decision, "callback"
        case.decisions.append((when, plan.decision))
        self.at(when + plan.callback_after, self._callback, case, plan)
        self._refresh(case, when)

    def _callback(self, when: datetime, case: CaseLog, plan: CasePlan) -> None:
        step = self._waiting(case, "callback")
        answer = plan.satisfaction[min(case.callbacks_done, len(plan.satisfaction) - 1)]
        self._complete(self.people.desks["callback"], step, {"satisfaction": answer})
        case.callback_at, case.satisfaction = when, answer
        case.answers.append((when, answer))
        case.callbacks_done += 1
        if answer == "unsatisfied":
            case.status, case.reopened_at = "in_progress", when
            self.at(when + timedelta(minutes=20), self._claim, case, "handle")
            self.at(when + timedelta(hours=3), self._handle, case, plan)
        else:
            case.status, case.closed_at = "closed", when
        self._refresh(case, when)

    def _supervise(self, when: datetime, case: CaseLog, plan: CasePlan, escalation: Step) -> None:
        if escalation.done_at is not None:
            return
        target = case.steps.get(escalation.escalates) if escalation.escalates is not None else None
        waiting = target is not None and target.done_at is None
        action = plan.escalation_action if waiting and target is not None and target.kind == "handle" else "remind"
        args: dict[str, Any] = {"note": "请抓紧办理并反馈"}
        if action == "extend":
            args["due_at"] = when + timedelta(days=2)
        if action == "reassign":
            assert target is not None
            successor = self._next_township.get(target.team or "")
            if successor is None:
                action = "take_over"  # a specialised team's matter stays in its hands: the supervisor takes it
            else:
                args["team"] = successor
        desk.act(self.people.desks["supervisor"], escalation.item_id, action, args)
        case.closed_escalations.append((when, action))
        self._refresh(case, when)


def agreement(suggestion: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, bool | None]:
    """What the route step's decision agrees with in the suggestion, as a dispatcher's page would count it:
    the police question always; category and township when the matter is not police work."""
    if not suggestion:
        return {}
    agreed: dict[str, bool | None] = {"is_police_matter": bool(suggestion.get("is_police_matter"))
                                      == bool(data["is_police_matter"])}
    if data["is_police_matter"]:
        return agreed
    top = (suggestion.get("categories") or [{}])[0].get("code")
    agreed["category"] = top == data.get("category")
    agreed["township"] = (suggestion.get("township") or {}).get("code") == data.get("township")
    return agreed
