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

from app.casework import statements as sql
from app.casework.rows import case_status, item_row
from app.database import affected
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


@dataclass
class Saved:
    status: str
    team_code: str | None = None
    new_items: list[dict[str, Any]] = field(default_factory=list)  # the work-item rows written, with their ids
    cancelled: list[int] = field(default_factory=list)
    snapshot: Snapshot | None = None


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
        self._restated: list[dict[str, Any]] = []
        self._event: _Event | None = None
        self._case_values: dict[str, Any] = {}
        self._fired: list[FiredTimer] = []
        self._parked: dict[str, Any] | None = None

    @classmethod
    def load(cls, case_id: int, now: datetime | None = None) -> CaseUnit:
        row = db.session.execute(
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
            self._run = CaseRun.resume(bundle_for(self.case.process_version), self.case.workflow_state)
            self._waiting_before = self._run.ready_task_ids()
        return self._run

    def change_item(self, change: str, item_id: int, refused: str, **values: Any) -> None:
        """One of the named work-item changes (statements.ITEM_CHANGES); ``refused`` is the 409's message
        when the item is no longer in the state the change starts from."""
        self._changes.append((change, {"b_item": item_id, **values}, refused))

    def restate_waiting_items(self) -> None:
        """After a move to another version: the open steps take the new version's names, lanes and forms."""
        for task in self.run.snapshot().ready:
            self._restated.append({"b_case": self.case.id, "b_task": task.task_id, "name": task.name,
                                   "lane": task.lane, "process_id": task.process_id,
                                   "form_file": task.properties.get("formJsonSchemaFilename"),
                                   "ui_file": task.properties.get("formUiSchemaFilename")})

    def set_case_values(self, **values: Any) -> None:
        self._case_values.update(values)

    def fired(self, timers: list[FiredTimer]) -> None:
        self._fired = timers

    def park(self, element_id: str, message: str) -> None:
        """The case's timer cannot fire: keep the error on the case and stop sweeping it."""
        self._parked = {"error_element": element_id, "error_message": message}

    def record(self, kind: str, summary: str, data: dict[str, Any], actor: str | None) -> None:
        if self._event is not None:
            raise RuntimeError(f"one event per unit: {self._event.kind} is recorded already")
        self._event = _Event(kind, summary, data, actor)

    # --- writing -----------------------------------------------------------------------------------

    def save(self) -> Saved:
        if self._event is None:
            raise RuntimeError("a change without an audit event")
        for change, values, refused in self._changes:
            if affected(db.session.execute(sql.ITEM_CHANGES[change], values)) != 1:
                raise Conflict(refused, code="not_open")
        saved = Saved(status=self.case.status)
        data = dict(self._event.data)
        if self._run is not None:
            saved = self._save_workflow(self._run)
            data["status"] = saved.status
            if saved.new_items:
                data["next"] = [{"work_item": r["id"], "element_id": r["element_id"], "name": r["name"],
                                 "team": r["team_code"]} for r in saved.new_items]
            if saved.cancelled:
                data["cancelled_items"] = saved.cancelled
        elif self._parked is not None:
            self._save_parked(self._parked)
        for values in self._restated:
            db.session.execute(sql.RESTATE_ITEM, values)
        db.session.execute(sql.INSERT_EVENT, {"case_id": self.case.id, "at": self.now, "actor": self._event.actor,
                                              "kind": self._event.kind, "summary": self._event.summary,
                                              "data": data})
        return saved

    def _lock(self) -> int:
        if self.case.lock_version is None:
            raise RuntimeError("this unit was read without the case's lock version")
        return self.case.lock_version

    def _save_parked(self, parked: dict[str, Any]) -> None:
        lock = self._lock()
        changed = affected(db.session.execute(sql.PARK_CASE, {
            "b_id": self.case.id, "b_lock": lock, "lock_version": lock + 1, "updated_at": self.now,
            "error_at": self.now, **parked}))
        if changed != 1:
            raise Conflict(STALE, code="case_changed")

    def _save_workflow(self, run: CaseRun) -> Saved:
        lock = self._lock()
        snapshot = run.snapshot()
        status = case_status(snapshot, self.case.status)
        team_code = snapshot.variables.get("team_code")
        team_code = team_code if isinstance(team_code, str) else None
        # The dispatcher's routing decision is the case's category and township from then on.
        township = snapshot.variables.get("township")
        category = snapshot.variables.get("category")
        values: dict[str, Any] = {
            "b_id": self.case.id, "b_lock": lock,
            "workflow_state": run.dump(), "lock_version": lock + 1, "status": status,
            "next_timer_at": snapshot.next_timer_at, "completed_elements": snapshot.completed_elements,
            "updated_at": self.now, "team_code": team_code,
            "township_code": township if isinstance(township, str) and township in gazetteer().by_code else None,
            "category": category if isinstance(category, str) and category in categories() else None,
            "closed_at": self.now if snapshot.completed else None,
        }
        statement = sql.SAVE_CASE.values(**self._case_values) if self._case_values else sql.SAVE_CASE
        if affected(db.session.execute(statement, values)) != 1:
            raise Conflict(STALE, code="case_changed")

        waiting = {t.task_id for t in snapshot.ready}
        gone = sorted(self._waiting_before - waiting)
        cancelled: list[int] = []
        if gone:
            cancelled = list(db.session.execute(sql.CANCEL_ITEMS, {
                "b_case": self.case.id, "b_tasks": gone, "completed_at": self.now}).scalars())
        created = [t for t in snapshot.ready if t.task_id not in self._waiting_before]
        new_items: list[dict[str, Any]] = []
        if created:
            escalates = self._escalated_items()
            case_no = self._case_values.get("case_no", self.case.case_no)
            new_items = [item_row(self.case.id, case_no, t, run.bundle, self.now,
                                  escalates.get(t.origin_timer) if t.origin_timer else None) for t in created]
            ids = db.session.execute(sql.INSERT_ITEMS, new_items).scalars().all()
            for row, item_id in zip(new_items, ids, strict=True):
                row["id"] = item_id
        return Saved(status=status, team_code=team_code, new_items=new_items, cancelled=cancelled,
                     snapshot=snapshot)

    def _escalated_items(self) -> dict[str, int | None]:
        """For timers that fired in this unit: the work item each one escalates (the step it watched)."""
        covered = sorted({t for f in self._fired for t in f.covered_task_ids})
        if not covered:
            return {}
        ids = {r.task_id: r.id for r in db.session.execute(
            sql.ITEM_IDS_OF_TASKS, {"b_case": self.case.id, "b_tasks": covered})}
        return {f.element_id: next((ids[t] for t in f.covered_task_ids if t in ids), None) for f in self._fired}
