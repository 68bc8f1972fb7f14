"""The case unit of work: the one writer of the case tables.

A unit holds one case as it was read (row and, when the operation needs it, the workflow resumed from its
state), collects the work-item changes of one named operation and its audit event, and saves everything in
the caller's transaction: work-item changes first (each from the state it expects, else 409), then the
workflow under the case's optimistic lock with the work items it implies (steps that stopped waiting are
cancelled, new waiting steps get rows), then exactly one event. Services decide what to change; they never
write these tables themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.casework import one_statement, outbox
from app.casework import statements as sql
from app.casework.models import ENDED_STATUSES, MILESTONES, OPEN_STATES
from app.casework.rows import Claim, case_status, item_row, required_qualification, status_milestones
from app.casework.warm import warm
from app.database import affected, execute
from app.engine import CaseRun, FiredTimer, Snapshot, clock
from app.errors import Conflict
from app.extensions import db
from app.routing.gazetteer import categories, gazetteer
from app.versions.service import bundle_for

STALE = "the case changed while this request was running; reload and try again"


@dataclass(frozen=True)
class CaseRef:
    """The case as an operation read it: enough to write events and item changes, and (with its lock
    version and state) to run and save its workflow."""

    id: int
    case_no: str
    status: str
    lock_version: int | None = None
    process_version: str | None = None
    workflow_state: bytes | None = None

    @classmethod
    def of_item(cls, row: Any) -> CaseRef:
        """The case of a work-item row read with (or without) its case's status, lock version and state."""
        return cls(row.case_id, row.case_no, getattr(row, "case_status", ""), getattr(row, "lock_version", None),
                   getattr(row, "process_version", None), getattr(row, "workflow_state", None))


@dataclass
class Saved:
    status: str
    team_code: str | None = None
    new_items: list[dict[str, Any]] = field(default_factory=list)  # the work-item rows written, with their ids
    cancelled: list[int] = field(default_factory=list)


@dataclass
class _Plan:
    saved: Saved
    case_values: dict[str, Any] | None = None
    gone: list[str] = field(default_factory=list)
    snapshot: Snapshot | None = None
    notices: list[dict[str, Any]] = field(default_factory=list)  # the outbox rows this change owes


@dataclass
class _Event:
    kind: str
    summary: str
    data: dict[str, Any]
    actor: str | None


class CaseUnit:
    def __init__(self, case: CaseRef, now: datetime | None = None) -> None:
        self.case = case
        self.now = now or clock.now()
        self._run: CaseRun | None = None
        self._waiting_before: set[str] = set()
        self._changes: list[tuple[str, dict[str, Any], str]] = []
        self._finished: set[str] = set()
        self._restate = False
        self._event: _Event | None = None
        self._case_values: dict[str, Any] = {}
        self._fired: list[FiredTimer] = []
        self._parked: dict[str, Any] | None = None
        self._carried: Claim | None = None
        self._first_response: datetime | None = None
        self._milestones: dict[str, Any] = {}
        self._scrubs: list[tuple[Any, list[dict[str, Any]]]] = []

    @classmethod
    def load(cls, case_id: int, now: datetime | None = None) -> CaseUnit:
        row = execute(
            select(sql.cases_t.c.id, sql.cases_t.c.case_no, sql.cases_t.c.status, sql.cases_t.c.lock_version,
                   sql.cases_t.c.process_version, sql.cases_t.c.workflow_state).where(sql.cases_t.c.id == case_id)
        ).one()
        return cls(CaseRef(**row._mapping), now)

    @classmethod
    def started(cls, case: CaseRef, run: CaseRun, now: datetime) -> CaseUnit:
        unit = cls(case, now)
        unit._run = run
        return unit

    # --- what an operation changes ------------------------------------------------------------------

    @property
    def run(self) -> CaseRun:
        """The case's workflow, resumed on first use; a unit that used it saves it."""
        if self._run is None:
            if self.case.lock_version is None or self.case.workflow_state is None or not self.case.process_version:
                raise RuntimeError("this unit was read without its workflow")
            state = self.case.workflow_state
            self._run = warm.take(state) or CaseRun.resume(bundle_for(self.case.process_version), state)
            self._waiting_before = self._run.ready_task_ids()
        return self._run

    def change_item(self, change: str, item_id: int, refused: str, *, finishes: str | None = None,
                    **values: Any) -> None:
        """One of the named work-item changes (statements.ITEM_CHANGES); ``refused`` is the 409's message
        when the item is no longer in the state the change starts from. ``finishes``: the task this change
        closes itself (a completion), so the save need not cancel it."""
        if any(queued["b_item"] == item_id for _c, queued, _r in self._changes):
            # PostgreSQL's one-statement save applies one change per row; a second would be skipped silently.
            raise RuntimeError(f"work item {item_id} has a change in this unit already: combine them")
        self._changes.append((change, {"b_item": item_id, **values}, refused))
        if finishes is not None:
            self._finished.add(finishes)

    def carry_claim(self, claim: Claim) -> None:
        """The person who completed a step keeps the case: its next step of the same team is theirs."""
        self._carried = claim

    def restate_waiting_items(self) -> None:
        """After a move to another version: the open steps take the new version's names, lanes and forms."""
        self._restate = True

    def rederive_items(self, stored: dict[str, tuple[int, str]]) -> None:
        """A repair: the work items stored open (``stored``: each step's row, its id and state) stand for what
        waited before, so that the save cancels those whose step no longer waits and writes the waiting steps
        that have none; a waiting step whose row was closed gets that row opened again."""
        ready = self.run.ready_task_ids()
        self._waiting_before = {task for task, (_id, state) in stored.items() if state in OPEN_STATES}
        for task in sorted(ready - self._waiting_before):
            if task in stored:
                self.change_item("reopen", stored[task][0], "the work item changed meanwhile; check again")
                self._waiting_before.add(task)

    def rewrite_rows(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        """Retention: rows of this case's tables written again without what identifies a person
        (statements.SCRUB_*), in the save's transaction."""
        if rows:
            self._scrubs.append((statement, rows))

    def set_case_values(self, **values: Any) -> None:
        self._case_values.update(values)

    def responded(self) -> None:
        """A township or specialised team signed for or finished a step: the case's first response, if first."""
        self._first_response = self.now

    def milestone(self, name: str, value: Any) -> None:
        """A step marked `milestone` finished: its time, and the value of the field the property names."""
        if name not in MILESTONES:
            return  # a designer's name this service keeps no column for
        time_column, value_column = MILESTONES[name]
        self._milestones[time_column] = self.now
        if value_column is not None:
            self._milestones[value_column] = value if isinstance(value, str) else None

    def fired(self, timers: list[FiredTimer]) -> None:
        self._fired = timers

    def park(self, element_id: str, message: str) -> None:
        """The case's timer cannot fire: keep the error on the case and stop sweeping it."""
        self._parked = {"error_element": element_id, "error_message": message}

    def record(self, kind: str, summary: str, data: dict[str, Any], actor: str | None) -> None:
        if self._event is not None:
            raise RuntimeError(f"one event per unit: {self._event.kind} is recorded already")
        # The column holds 512 characters; what people typed is whole in the event's data.
        self._event = _Event(kind, summary if len(summary) <= 512 else summary[:511] + "…", data, actor)

    # --- writing -----------------------------------------------------------------------------------

    def save(self) -> Saved:
        if self._event is None:
            raise RuntimeError("a change without an audit event")
        plan = self._plan()
        if db.session.get_bind().dialect.name == "postgresql" and not self._restate and self._parked is None \
                and not self._scrubs:
            saved = self._save_in_one_statement(plan)
        else:
            saved = self._save_in_steps(plan)
        if self._run is not None and plan.case_values is not None:
            warm.keep(plan.case_values["workflow_state"], self._run)
        return saved

    def _plan(self) -> _Plan:
        """What the workflow implies for the case row and its work items (nothing written yet)."""
        plan = _Plan(saved=Saved(status=self.case.status))
        run = self._run
        if run is None:
            return plan
        lock = self._lock()
        snapshot = run.snapshot()
        status = case_status(snapshot, self.case.status)
        team_code = snapshot.variables.get("team_code")
        team_code = team_code if isinstance(team_code, str) else None
        # The dispatcher's routing decision is the case's category and township from then on.
        township = snapshot.variables.get("township")
        category = snapshot.variables.get("category")
        plan.case_values = {
            "b_id": self.case.id, "b_lock": lock,
            "workflow_state": run.dump(), "lock_version": lock + 1, "status": status,
            "next_timer_at": snapshot.next_timer_at, "completed_elements": snapshot.completed_elements,
            "updated_at": self.now, "team_code": team_code,
            "township_code": township if isinstance(township, str) and township in gazetteer().by_code else None,
            "category": category if isinstance(category, str) and category in categories() else None,
            # An ended case saved again (a repair, retention) keeps the day it was closed.
            "closed_at": self.now if snapshot.completed and self.case.status not in ENDED_STATUSES else None,
            "first_response_at": self._first_response,
            **{column: self._milestones.get(column) for column in sql.MILESTONE_COLUMNS},
            **status_milestones(self.case.status, status, self.now),
        }
        waiting = {t.task_id for t in snapshot.ready}
        plan.gone = sorted(self._waiting_before - waiting - self._finished)
        created = [t for t in snapshot.ready if t.task_id not in self._waiting_before]
        if created:
            escalates = self._escalated_items()
            case_no = self._case_values.get("case_no", self.case.case_no)
            plan.saved.new_items = [item_row(self.case.id, case_no, t, run.bundle, self.now,
                                             escalates.get(t.origin_timer) if t.origin_timer else None,
                                             self._carried)
                                    for t in created]
        plan.saved.status, plan.saved.team_code, plan.snapshot = status, team_code, snapshot
        plan.notices = self._notices(lock + 1, status, team_code, snapshot, plan.saved.new_items)
        return plan

    def _notices(self, version: int, status: str, team_code: str | None, snapshot: Snapshot,
                 new_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self._event is not None
        recorded = self._event.data.get("data") if self._event.kind == "task.completed" else None
        reply = recorded.get("official_reply") if isinstance(recorded, dict) else None
        channel = snapshot.variables.get("channel")
        return outbox.owed(case_id=self.case.id, case_no=self._case_values.get("case_no", self.case.case_no),
                           version=version, event_kind=self._event.kind, before=self.case.status, after=status,
                           team=team_code, channel=channel if isinstance(channel, str) else None,
                           reply=reply.strip() if isinstance(reply, str) and reply.strip() else None,
                           new_items=new_items, now=self.now)

    def _event_row(self, data: dict[str, Any]) -> dict[str, Any]:
        assert self._event is not None
        return {"case_id": self.case.id, "at": self.now, "actor": self._event.actor, "kind": self._event.kind,
                "summary": self._event.summary, "data": data}

    def _event_data(self, plan: _Plan) -> dict[str, Any]:
        assert self._event is not None
        data = dict(self._event.data)
        if plan.case_values is not None:
            data["status"] = plan.saved.status
        return data

    def _save_in_steps(self, plan: _Plan) -> Saved:
        for change, values, refused in self._changes:
            if affected(execute(sql.ITEM_CHANGES[change], values)) != 1:
                raise Conflict(refused, code="not_open")
        saved = plan.saved
        data = self._event_data(plan)
        if plan.case_values is not None:
            statement, values = sql.SAVE_CASE, plan.case_values
            if self._case_values:
                statement, extra = sql.save_case_setting(self._case_values)
                values = {**values, **extra}
            if affected(execute(statement, values)) != 1:
                raise Conflict(STALE, code="case_changed")
            if plan.gone:
                saved.cancelled = list(execute(sql.CANCEL_ITEMS, {
                    "b_case": self.case.id, "b_tasks": plan.gone, "completed_at": self.now,
                    "b_changed": [values["b_item"] for _c, values, _r in self._changes]}).scalars())
            if saved.new_items:
                ids = execute(sql.INSERT_ITEMS, saved.new_items).scalars().all()
                for row, item_id in zip(saved.new_items, ids, strict=True):
                    row["id"] = item_id
                data["next"] = [{"work_item": r["id"], "element_id": r["element_id"], "name": r["name"],
                                 "team": r["team_code"]} for r in saved.new_items]
            if saved.cancelled:
                data["cancelled_items"] = saved.cancelled
            if plan.notices:
                execute(sql.INSERT_NOTICES, plan.notices)
        elif self._parked is not None:
            self._save_parked(self._parked)
        elif self._first_response is not None:
            execute(sql.FIRST_RESPONSE, {"b_id": self.case.id, "first_response_at": self._first_response})
        if self._restate and plan.snapshot is not None:
            for task in plan.snapshot.ready:
                execute(sql.RESTATE_ITEM, {"b_case": self.case.id, "b_task": task.task_id, "name": task.name,
                                           "lane": task.lane, "process_id": task.process_id,
                                           "form_file": task.properties.get("formJsonSchemaFilename"),
                                           "ui_file": task.properties.get("formUiSchemaFilename"),
                                           "qualification": required_qualification(task.properties)})
        for statement, rows in self._scrubs:
            execute(statement, rows)
        execute(sql.INSERT_EVENT, self._event_row(data))
        return saved

    def _save_in_one_statement(self, plan: _Plan) -> Saved:
        saved = plan.saved
        outcome = one_statement.run(one_statement.Save(
            changes=[(change, values) for change, values, _refused in self._changes],
            case_values=plan.case_values, case_extra=self._case_values, case_id=self.case.id, gone=plan.gone,
            first_response=self._first_response if plan.case_values is None else None,
            new_rows=saved.new_items, event=self._event_row(self._event_data(plan)), now=self.now,
            notices=plan.notices))
        for (_change, _values, refused), matched in zip(self._changes, outcome.changes_matched, strict=True):
            if not matched:
                raise Conflict(refused, code="not_open")
        if plan.case_values is not None and not outcome.saved:
            raise Conflict(STALE, code="case_changed")
        for row in saved.new_items:
            row["id"] = outcome.created[row["task_id"]]
        saved.cancelled = outcome.cancelled
        return saved

    def _lock(self) -> int:
        if self.case.lock_version is None:
            raise RuntimeError("this unit was read without the case's lock version")
        return self.case.lock_version

    def _save_parked(self, parked: dict[str, Any]) -> None:
        lock = self._lock()
        changed = affected(execute(sql.PARK_CASE, {
            "b_id": self.case.id, "b_lock": lock, "lock_version": lock + 1, "updated_at": self.now,
            "error_at": self.now, **parked}))
        if changed != 1:
            raise Conflict(STALE, code="case_changed")

    def _escalated_items(self) -> dict[str, int | None]:
        """For timers that fired in this unit: the work item each one escalates (the step it watched)."""
        covered = sorted({t for f in self._fired for t in f.covered_task_ids})
        if not covered:
            return {}
        ids = {r.task_id: r.id for r in execute(
            sql.ITEM_IDS_OF_TASKS, {"b_case": self.case.id, "b_tasks": covered})}
        return {f.element_id: next((ids[t] for t in f.covered_task_ids if t in ids), None) for f in self._fired}
