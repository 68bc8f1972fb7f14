"""The named operations on a case. Each takes what its service decided, changes the workflow and the work items
through one unit of work, records one audit event and saves. Nothing else writes the case tables."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.casework import anonymise as anonymised
from app.casework import statements as sql
from app.casework.rows import Claim, milestone_parts
from app.casework.unit import CaseRef, CaseUnit, Saved
from app.database import execute
from app.engine import CaseRun, EngineError, ProcessBundle, TaskNotReady
from app.errors import Conflict, Invalid
from app.extensions import db
from app.moments import SHANGHAI
from app.routing.lanes import lane_role

MOVED_ON = "the case has moved on: this step is no longer waiting"


@contextmanager
def engine_refusals(where: str = "a step") -> Iterator[None]:
    """What the engine refuses, as the contract's answers: a step that stopped waiting is a 409, a diagram
    that cannot run on (a failing script, condition or decision) a 422 naming the element."""
    try:
        yield
    except TaskNotReady:
        raise Conflict(MOVED_ON, code="case_changed") from None
    except EngineError as err:
        raise Invalid(f"the process could not continue at {err.element_id or where}: {err}",
                      {err.element_id or "process": [str(err)]}) from err


def case_number(opened_at: datetime, case_id: int) -> str:
    return f"MS{opened_at.astimezone(SHANGHAI):%Y%m%d}{case_id:06d}"


def open_case(row: dict[str, Any], bundle: ProcessBundle, start_data: Callable[[str], dict[str, Any]], *,
              actor: str, summary: str, data: dict[str, Any]) -> str | None:
    """Insert the case and start its workflow. None when a case with the same channel and external_ref
    was stored meanwhile (the other request owns the matter)."""
    now: datetime = row["opened_at"]
    try:
        with db.session.begin_nested():
            case_id = execute(sql.INSERT_CASE, row).scalar_one()  # bound, not literal: the statement stays cached
    except IntegrityError:
        return None
    case_no = case_number(now, case_id)
    with engine_refusals("the start"):
        run = CaseRun.start(bundle, start_data(case_no))
    unit = CaseUnit.started(CaseRef(case_id, case_no, row["status"], 0, row["process_version"]), run, now)
    unit.set_case_values(case_no=case_no)
    unit.record("case.opened", summary, data, actor)
    unit.save()
    return case_no


def complete(unit: CaseUnit, item: Any, data: dict[str, Any], actor: str, *, keeps_case: bool = False,
             case_values: dict[str, Any] | None = None, clears: list[str] | None = None,
             qualifications: frozenset[str] = frozenset(), credential: dict[str, Any] | None = None) -> Saved:
    """``keeps_case``: the actor is a member of the step's team, so its next step of the team is theirs (if
    it needs a qualification, one of ``qualifications``). ``case_values``: columns of the case the step decided
    beside its workflow (the identification). ``credential``: the qualification the step required, as the
    actor holds it (their name and certificate number go on the record, e.g. a mediation agreement)."""
    value = _milestones(unit, item, data)
    kept = {**data, "qualified_by": credential} if credential else data
    unit.change_item("complete", item.id, "someone else completed this work item a moment ago",
                     finishes=item.task_id, assignee=item.assignee or actor, completed_at=unit.now,
                     completed_by=actor, result_data=kept, milestone_value=value)
    with engine_refusals():
        # ``clears``: the form's fields left empty that must not keep an earlier round's value in the case.
        unit.run.complete(item.task_id, {**dict.fromkeys(clears or []), **data})
    if keeps_case:
        unit.carry_claim(Claim(item.team_code, item.lane, actor, qualifications))
    if case_values:
        unit.set_case_values(**case_values)
    unit.record("task.completed", f"完成：{item.name}",
                {"work_item": item.id, "element_id": item.element_id, "team": item.team_code, "data": data,
                 **({"qualified_by": credential} if credential else {})}, actor)
    return unit.save()


def _milestones(unit: CaseUnit, item: Any, data: dict[str, Any]) -> str | None:
    """What finishing this step marks on the case: a team's first response, and the step's `milestone`
    property ("mediation:outcome": the mediation's time and its outcome). Returns the value the work item keeps."""
    if lane_role(item.lane) == "caseworker":
        unit.responded()
    try:
        name, field = milestone_parts(unit.run.properties(item.task_id).get("milestone"))
    except TaskNotReady:
        return None  # the engine refuses the completion itself, with its own answer
    if not name:
        return None
    value = data.get(field) if field else None
    unit.milestone(name, value)
    return value[:64] if isinstance(value, str) else None


def claim(unit: CaseUnit, item: Any, actor: str, refused: str) -> Saved:
    unit.change_item("claim", item.id, refused, assignee=actor, claimed_at=unit.now)
    if lane_role(item.lane) == "caseworker":
        unit.responded()
    unit.record("task.claimed", f"签收：{item.name}", {"work_item": item.id, "element_id": item.element_id}, actor)
    return unit.save()


def release(unit: CaseUnit, item: Any, actor: str) -> Saved:
    unit.change_item("release", item.id, "the work item changed meanwhile; reload it", b_was=item.assignee)
    unit.record("task.released", f"退回队列：{item.name}",
                {"work_item": item.id, "element_id": item.element_id, "was_assignee": item.assignee}, actor)
    return unit.save()


def fire_timers(case_id: int, now: datetime) -> int:
    """Fire the due timers of one case and save; returns how many fired. Raises EngineError."""
    unit = CaseUnit.load(case_id, now)
    run = unit.run
    fired = run.fire_timers()
    if not fired:
        # Nothing was due after all (the row's time was stale): correct the index, no state changed.
        execute(sql.CORRECT_TIMER_INDEX, {"b_id": case_id, "next_timer_at": run.snapshot().next_timer_at})
        return 0
    unit.fired(fired)
    unit.record("timer.fired", "计时器触发：" + "、".join(f.name for f in fired),
                {"timers": [{"element_id": f.element_id, "name": f.name, "step": f.host_element_id,
                             "interrupting": f.interrupting, "due_at": f.due_at.isoformat() if f.due_at else None}
                            for f in fired]}, None)
    unit.save()
    return len(fired)


def repair(case_id: int, stored: dict[str, tuple[int, str]], findings: list[str], actor: str,
           now: datetime) -> Saved:
    """`flask check --repair`: the status, timer index and work items written again from the workflow state,
    which is the truth they are derived from; the findings go into the audit event."""
    unit = CaseUnit.load(case_id, now)
    unit.rederive_items(stored)
    unit.record("case.repaired", f"一致性修复：{len(findings)} 项", {"findings": findings}, actor)
    return unit.save()


def anonymise(case_id: int, key: str, rows: Rows, actor: str, now: datetime, why: dict[str, Any]) -> Saved:
    """Retention: the case, its workflow's data, its work items' forms, its timeline and its outbox rewritten
    without what identifies a person (casework.anonymise: codes stay, typed text and names go); the figures
    the reports count (times, outcomes, category, township, team, the reporter's pseudonym) stay."""
    unit = CaseUnit.load(case_id, now)
    unit.run.scrub_data(anonymised.kept)
    case = rows.case
    unit.set_case_values(
        reporter_name=None, reporter_phone=anonymised.pseudonym(case.reporter_phone, key), address=None, lat=None,
        lon=None, description="（已匿名）", channel_details=anonymised.kept(case.channel_details),
        suggestion=None if case.suggestion is None else {**anonymised.kept(case.suggestion), "evidence": []},
        identification=anonymised.kept(case.identification), warnings=anonymised.kept(case.warnings or []),
        anonymised_at=now)
    unit.rewrite_rows(sql.SCRUB_ITEM, [{"b_id": i.id, "form_data": anonymised.kept(i.form_data or {}),
                                        "result_data": anonymised.kept(i.result_data)} for i in rows.items])
    unit.rewrite_rows(sql.SCRUB_EVENT, [{"b_id": e.id, "data": anonymised.kept(e.data or {}),
                                         "summary": ANONYMOUS_SUMMARIES.get(e.kind, e.summary)} for e in rows.events])
    unit.rewrite_rows(sql.SCRUB_NOTICE, [{"b_id": n.id, "data": anonymised.kept(n.data or {})} for n in rows.notices])
    unit.record("case.anonymised", "保存期满，个人信息已匿名", why, actor)
    return unit.save()


# Summaries that quote what a person typed or named (the rest are the step's name and a verb).
ANONYMOUS_SUMMARIES = {"attachment.added": "添加附件", "case.opened": "受理"}


@dataclass(frozen=True)
class Rows:
    """A case's stored rows as retention read them (the case row, its items, events and outbox rows)."""
    case: Any
    items: list[Any]
    events: list[Any]
    notices: list[Any]


def park_failed_timer(case_id: int, now: datetime, err: EngineError) -> None:
    element = err.element_id or "timer"
    unit = CaseUnit.load(case_id, now)
    unit.park(element, str(err))
    unit.record("timer.failed", f"计时器执行出错：{element}", {"element_id": element, "message": str(err)}, None)
    unit.save()


def move_to_version(unit: CaseUnit, target: ProcessBundle, target_key: str, changed_steps: list[str],
                    actor: str) -> Saved:
    """Move a running case to another version of its process; raises EngineError when it fails there."""
    unit.run.migrate(target)
    limits = unit.run.adopt_limits(target)
    unit.set_case_values(process_version=target_key)
    unit.restate_waiting_items()
    old = unit.case.process_version or ""
    unit.record("case.migrated", f"流程版本迁移：{old[:8]} → {target_key[:8]}",
                {"from": old, "to": target_key, "changed_steps": changed_steps, "new_limits": limits}, actor)
    return unit.save()


def link_duplicate(unit: CaseUnit, primary: str, actor: str, note: str) -> Saved:
    """The case is the same matter as ``primary``: its workflow ends, its waiting steps are cancelled and the
    primary carries the matter from now on."""
    unit.run.cancel()
    unit.set_case_values(duplicate_of=primary)
    unit.record("case.linked", f"并入主件：{primary}", {"primary": primary, "note": note}, actor)
    return unit.save()


def record_attachment(unit: CaseUnit, attachment_id: int, kind: str, name: str, actor: str) -> Saved:
    """Evidence added to the case (its row is the attachments service's): who added what, in the timeline."""
    unit.record("attachment.added", f"添加附件：{name}"[:512],
                {"attachment": attachment_id, "kind": kind, "name": name}, actor)
    return unit.save()


def invite_expert(unit: CaseUnit, expert_id: int, username: str, field: str, actor: str) -> Saved:
    """An expert brought into the case (专家团一键连线); their invitation row is the experts service's."""
    unit.record("expert.invited", f"邀请专家：{username}（{field}）"[:512],
                {"case_expert": expert_id, "expert": username, "field": field}, actor)
    return unit.save()


def record_advice(unit: CaseUnit, expert_id: int, actor: str) -> Saved:
    unit.record("expert.advised", "专家提出意见", {"case_expert": expert_id}, actor)
    return unit.save()
