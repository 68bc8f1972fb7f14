"""Turning rows into the contract's JSON shapes (times in Asia/Shanghai, personal data masked by role)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.cases.masking import Mask
from app.engine import clock
from app.moments import local_iso
from app.routing.gazetteer import categories, gazetteer

MILESTONE_FIELDS = ("first_response_at", "handled_at", "mediation_started_at", "mediated_at", "mediation_outcome",
                    "judicial_applied_at", "judged_at", "judicial_decision", "callback_at", "satisfaction",
                    "reopened_at")
# Answers carry datetimes; the read schemas (fields.LocalTime) and the pages' when() write them out.
iso = local_iso


def township_ref(code: str | None) -> dict[str, str] | None:
    if not code:
        return None
    place = gazetteer().by_code.get(code)
    return {"code": code, "name": place.name if place else code, "county": place.county_name if place else None}  # type: ignore[dict-item]


def team_ref(code: str | None, name: str | None) -> dict[str, str] | None:
    return {"code": code, "name": name or code} if code else None


def work_item(row: Any, now: datetime | None = None) -> dict[str, Any]:
    now = now or clock.now()
    open_ = row.state in ("open", "claimed")
    return {
        "id": row.id,
        "case_no": row.case_no,
        "element_id": row.element_id,
        "name": row.name,
        "lane": row.lane,
        "team": team_ref(row.team_code, row.team_name),
        "assignee": row.assignee,
        "state": row.state,
        "due_at": row.due_at,
        "overdue": bool(open_ and row.due_at is not None and row.due_at < now),
        "created_at": row.created_at,
        "completed_at": row.completed_at,
        "completed_by": row.completed_by,
        "round": getattr(row, "round", None) or 1,
        "reminder": getattr(row, "reminder", None) if open_ else None,
        "qualification": getattr(row, "qualification", None),
    }


def case(row: Any, open_items: list[dict[str, Any]], *, mask: Mask) -> dict[str, Any]:
    warnings = row.warnings or []
    category = categories().get(row.category) if row.category else None
    return {
        "case_no": row.case_no,
        "status": row.status,
        "channel": row.channel,
        "external_ref": row.external_ref,
        "description": row.description,
        "category": row.category,
        "category_name": category.name if category else None,
        "category_group": category.group if category else None,
        "township": township_ref(row.township_code),
        "team": team_ref(row.team_code, row.team_name),
        "reporter": {
            "name": mask.name(row.reporter_name),
            "phone": mask.phone(row.reporter_phone),
        },
        "address": mask.address(row.address),
        "lat": row.lat,
        "lon": row.lon,
        "occurred_at": row.occurred_at,
        "channel_details": mask.channel_details(getattr(row, "channel_details", None)),
        "called_at": getattr(row, "called_at", None),
        "possible_duplicates": list(getattr(row, "possible_duplicates", None) or []),
        "duplicate_of": getattr(row, "duplicate_of", None),
        "suggestion": mask.suggestion(getattr(row, "suggestion", None), row.address, row.description),
        "identification": getattr(row, "identification", None),
        "opened_at": row.opened_at,
        "closed_at": row.closed_at,
        "milestones": {name: getattr(row, name, None) for name in MILESTONE_FIELDS},
        "process_version": row.process_version,
        "error": ({"element_id": row.error_element, "message": row.error_message, "at": row.error_at}
                  if row.error_at is not None else None),
        "warnings": [w["message"] for w in warnings],
        "warning_details": warnings,
        "open_tasks": open_items,
    }


def event(row: Any, *, mask: Mask) -> dict[str, Any]:
    return {"id": row.id, "at": row.at, "actor": row.actor, "kind": row.kind, "summary": row.summary,
            "data": mask.event_data(row.data or {})}


def case_receipt(row: Any) -> dict[str, Any]:
    """What a repeated intake tells a caller who may not see the case: that it is there, and its state."""
    return {"case_no": row.case_no, "status": row.status, "channel": row.channel, "external_ref": row.external_ref,
            "opened_at": row.opened_at, "duplicate": True}
