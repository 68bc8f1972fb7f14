"""A reporter's view of their case: found by its number and the last four digits of the phone it was reported
from, and told in plain words — its status, the dated steps it went through, the official reply. Nothing
personal and nothing the staff wrote about it: no name, phone, address or description, no step's notes."""
from __future__ import annotations

import hmac
import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.casework.models import Case, CaseEvent, WorkItem
from app.database import execute
from app.routing.gazetteer import categories
from app.routing.models import Team

LAST4 = re.compile(r"^[0-9]{4}$")
CASE_NO_MAX = 32
cases_t = Case.__table__
events_t = CaseEvent.__table__
items_t = WorkItem.__table__

CASE = select(cases_t.c.id, cases_t.c.case_no, cases_t.c.status, cases_t.c.reporter_phone, cases_t.c.opened_at,
              cases_t.c.closed_at, cases_t.c.category, cases_t.c.team_code, cases_t.c.first_response_at,
              cases_t.c.duplicate_of)
EVENTS = select(events_t.c.at, events_t.c.kind, events_t.c.data).order_by(events_t.c.at, events_t.c.id)
DONE_STEPS = select(items_t.c.completed_at, items_t.c.result_data).where(items_t.c.completed_at.is_not(None)) \
    .order_by(items_t.c.completed_at.desc(), items_t.c.id.desc())
TEAM_NAMES = select(Team.code, Team.name)


def status_names() -> dict[str, str]:
    """The status as a reporter is told it (the staff's words, such as routing, are not theirs)."""
    return {"open": _("Registered, being passed to the right team"), "in_progress": _("Being handled"),
            "mediation": _("In mediation"), "judicial_confirmation": _("Awaiting the court's confirmation"),
            "callback": _("Handled, callback to come"), "closed": _("Case closed"),
            "returned_to_police": _("Handed to the police")}


def last_digits(phone: str | None) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def find(case_no: str, phone_last4: str) -> Any | None:
    """The case when the pair matches; None for an unknown number and for a wrong phone alike."""
    if not case_no or len(case_no) > CASE_NO_MAX:
        return None
    row = execute(CASE.where(cases_t.c.case_no == case_no.strip().upper())).first()
    expected = last_digits(row.reporter_phone) if row is not None else ""
    # Compared in constant time, and compared even for an unknown number: the answer's timing tells nothing.
    matches = hmac.compare_digest((expected or "----").encode(), phone_last4.encode())
    return row if row is not None and expected and matches else None


def _status_step(status: str, before: str | None, team: str | None) -> str | None:
    if status == "in_progress":
        if before == "callback":
            return str(_("Handled again after your callback answer"))
        return str(_("Handed to %(team)s", team=team) if team else _("Handed to the team that handles it"))
    wording = {
        "mediation": _("The parties are being brought together for mediation"),
        "judicial_confirmation": _("The mediation agreement was sent to the court for judicial confirmation"),
        "callback": _("Handled; we will call you back to ask whether you are satisfied"),
        "closed": _("The case was closed"),
        "returned_to_police": _("Handed to the police (110), as it is police work"),
    }
    return wording.get(status)


def steps(row: Any, team_names: dict[str, str]) -> list[dict[str, Any]]:
    """The case's way as its reporter is told it: from the audit timeline's status changes only."""
    out: list[dict[str, Any]] = []
    status: str | None = None

    def add(at: datetime, name: str) -> None:
        out.append({"at": at, "name": name})

    for event in execute(EVENTS.where(events_t.c.case_id == row.id)):
        data = event.data or {}
        if event.kind == "case.opened":
            add(event.at, _("Your matter was registered"))
        elif event.kind == "case.linked":
            add(event.at, _("Handled together with case %(no)s, the same matter", no=str(data.get("primary") or "")))
        after = data.get("status")
        if isinstance(after, str) and after != status:
            teams = [str(n["team"]) for n in data.get("next") or [] if isinstance(n, dict) and n.get("team")]
            team = team_names.get(teams[0] if teams else str(row.team_code or ""))
            said = _status_step(after, status, team) if event.kind != "case.opened" else None
            if said:
                add(event.at, said)
            status = after
    if row.first_response_at is not None:
        add(row.first_response_at, _("A caseworker took it up"))
    out.sort(key=lambda s: s["at"])
    return out


def official_reply(case_id: int) -> tuple[str, datetime] | None:
    """The latest official reply recorded on a step (a form's `official_reply` field), and when."""
    for row in execute(DONE_STEPS.where(items_t.c.case_id == case_id)):
        text = (row.result_data or {}).get("official_reply")
        if isinstance(text, str) and text.strip():
            return text.strip(), row.completed_at
    return None


def citizen_view(row: Any) -> dict[str, Any]:
    category = categories().get(row.category) if row.category else None
    reply = official_reply(row.id)
    return {
        "case_no": row.case_no,
        "status": row.status,
        "status_name": status_names().get(row.status, row.status),
        "opened_at": row.opened_at,
        "closed_at": row.closed_at,
        "category": {"code": category.code, "name": category.name} if category else None,
        "steps": steps(row, dict(execute(TEAM_NAMES).all())),
        "reply": reply[0] if reply else None,
        "reply_at": reply[1] if reply else None,
    }
