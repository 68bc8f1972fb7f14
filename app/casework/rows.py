"""What the unit of work derives from a workflow when it saves: the case's status and the rows of new work items."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.casework.models import ENDED_STATUSES, REOPENED_FROM, STATUS_MILESTONES
from app.engine import ProcessBundle, ReadyTask, Snapshot
from app.routing.lanes import lane_role, lane_team

# Every work item has a limit (the contract says so, and queues sort by it): a step whose diagram draws no
# timer and no dueIn gets this one.
DEFAULT_LIMIT = timedelta(hours=24)


def case_status(snapshot: Snapshot, current: str) -> str:
    if snapshot.completed:
        return snapshot.end_status or "closed"
    for task in snapshot.ready:
        status = task.properties.get("caseStatus")
        if status:
            return status
    return current


def status_milestones(before: str, after: str, now: datetime) -> dict[str, datetime | None]:
    """The status milestones a save marks (every column named, None where this save marks nothing)."""
    marked: dict[str, datetime | None] = {
        column: now if after == status and before != status else None
        for column, (status, _first) in STATUS_MILESTONES.items()}
    reopened = before == REOPENED_FROM and after not in (REOPENED_FROM, *ENDED_STATUSES)
    marked["reopened_at"] = now if reopened else None
    return marked


def starting_data(schema: dict[str, Any], task_data: dict[str, Any]) -> dict[str, Any]:
    """The values a form opens with: the task's current values for the form's own fields, else a text field's
    `x-template` (the wording a designer gives, such as the official reply's; never a decision's default)."""
    props = schema.get("properties") or {}
    out = {name: task_data[name] for name in props if name in task_data and task_data[name] is not None}
    for name, prop in props.items():
        template = prop.get("x-template") if isinstance(prop, dict) else None
        if name not in out and isinstance(template, str) and prop.get("type") == "string":
            out[name] = template
    return out


def required_qualification(properties: dict[str, str]) -> str | None:
    return (properties.get("qualification") or "").strip()[:32] or None


@dataclass(frozen=True)
class Claim:
    """A step completed by a person: the next step of the same team and lane is theirs at once (unless it needs
    a qualification they do not hold: then it waits in the team's queue for a holder)."""

    team_code: str | None
    lane: str | None
    username: str
    qualifications: frozenset[str] = frozenset()


def item_row(case_id: int, case_no: str, task: ReadyTask, bundle: ProcessBundle, now: datetime,
             escalated_item_id: int | None, carried: Claim | None = None) -> dict[str, Any]:
    form_file = task.properties.get("formJsonSchemaFilename")
    schema = bundle.form(form_file) or {}
    team_code = task.team_code or lane_team(task.lane, task.data)
    # A step that comes again starts from an empty form: the last round's answers are in the case's record,
    # one tap from being sent again is exactly what must not happen.
    starting = starting_data(schema, task.data) if isinstance(schema, dict) and task.round == 1 else {}
    needs = required_qualification(task.properties)
    carries = (carried is not None and carried.team_code is not None and carried.team_code == team_code
               and lane_role(carried.lane) == lane_role(task.lane) and task.origin_timer is None
               and (needs is None or needs in carried.qualifications))
    return {
        "case_id": case_id, "case_no": case_no, "task_id": task.task_id, "process_id": task.process_id,
        "element_id": task.element_id, "name": task.name, "lane": task.lane, "team_code": team_code,
        "assignee": carried.username if carries and carried else None, "state": "claimed" if carries else "open",
        "due_at": task.due_at or now + DEFAULT_LIMIT, "created_at": now,
        "claimed_at": now if carries else None, "completed_at": None, "completed_by": None, "result_data": None,
        "form_file": form_file, "ui_file": task.properties.get("formUiSchemaFilename"),
        "form_data": starting, "origin_timer": task.origin_timer, "escalated_item_id": escalated_item_id,
        "round": task.round, "reminder": None,
        "milestone": milestone_parts(task.properties.get("milestone"))[0][:64] or None, "milestone_value": None,
        "qualification": needs,
    }


def milestone_parts(prop: str | None) -> tuple[str, str]:
    """A step's `milestone` property as (name, field): ("mediation", "outcome") of "mediation:outcome"."""
    name, _sep, field = (prop or "").partition(":")
    return name.strip(), field.strip()
