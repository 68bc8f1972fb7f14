"""The papers parties sign on site, from the case's own form data: the people's mediation agreement
(人民调解协议书) and the joint application for its judicial confirmation (司法确认申请书). They come from the
case's latest mediation that reached an agreement, read as the case record reads it: a role that may not read
that step gets no paper (404), personal fields are masked for roles that do not see personal data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.auth.principal import Principal
from app.cases.masking import Mask
from app.cases.record import readable_step
from app.casework.models import Case, WorkItem
from app.errors import NotFound
from app.extensions import db
from app.routing.models import Team
from app.versions.service import bundle_for

KINDS = ("agreement", "judicial-application")
ROLE_NAMES = {"applicant": "申请人", "respondent": "被申请人", "other": "其他当事人"}
items_t = WorkItem.__table__
cases_t = Case.__table__
teams_t = Team.__table__


@dataclass
class Party:
    role: str
    name: str
    id_number: str
    phone: str
    address: str


@dataclass
class Paper:
    kind: str
    case_no: str
    description: str
    team_name: str
    mediator: str | None  # the username of who recorded the agreement
    agreed_at: datetime
    summary: str
    amount: float | None
    parties: list[Party] = field(default_factory=list)
    court_name: str | None = None
    masked: bool = False
    # The people's mediator as they held the qualification when they recorded it (name, certificate number).
    mediator_name: str | None = None
    mediator_certificate: str | None = None


def _party(raw: dict[str, Any], mask: Mask, in_full: bool) -> Party:
    def personal(value: Any) -> str:
        text = str(value or "")
        return text if in_full else (mask.name(text) or "")

    return Party(ROLE_NAMES.get(str(raw.get("role") or ""), "当事人"), str(raw.get("name") or ""),
                 personal(raw.get("id_number")), personal(raw.get("phone")), personal(raw.get("address")))


def paper(principal: Principal, case_no: str, kind: str, visible: Any) -> Paper:
    """``visible``: the case row as the caller may see it (the case service's visibility check)."""
    case = visible(principal, case_no)
    mediation = db.session.execute(
        select(items_t.c.result_data, items_t.c.completed_at, items_t.c.completed_by, items_t.c.team_code,
               items_t.c.lane, items_t.c.form_file, teams_t.c.name.label("team_name"))
        .select_from(items_t.outerjoin(teams_t, teams_t.c.code == items_t.c.team_code))
        .where(items_t.c.case_id == case.id, items_t.c.state == "completed", items_t.c.milestone == "mediation",
               items_t.c.milestone_value == "agreement")
        .order_by(items_t.c.completed_at.desc(), items_t.c.id.desc())).first()
    if mediation is None:
        raise NotFound(f"case {case_no} has no mediation agreement")
    mask = Mask.for_principal(principal)
    schema = bundle_for(case.process_version).form(mediation.form_file) if mediation.form_file else {}
    if not readable_step(mask, principal, schema if isinstance(schema, dict) else {}, mediation.team_code,
                     mediation.lane):
        raise NotFound(f"case {case_no} has no mediation agreement you may read")
    in_full = mask.personal or principal.has_role("court")
    data = mediation.result_data or {}
    court = None
    if kind == "judicial-application":
        court = db.session.execute(
            select(teams_t.c.name).select_from(items_t.join(teams_t, teams_t.c.code == items_t.c.team_code))
            .where(items_t.c.case_id == case.id, items_t.c.milestone == "judicial")
            .order_by(items_t.c.id.desc())).scalar()
    amount = data.get("amount")
    signed: dict[str, Any] = data["qualified_by"] if isinstance(data.get("qualified_by"), dict) else {}
    return Paper(kind, case.case_no, case.description if in_full else "", mediation.team_name or "",
                 mediation.completed_by, mediation.completed_at, str(data.get("agreement_summary") or ""),
                 float(amount) if isinstance(amount, int | float) else None,
                 [_party(p, mask, in_full) for p in data.get("parties") or [] if isinstance(p, dict)],
                 court, masked=not in_full, mediator_name=signed.get("name"),
                 mediator_certificate=signed.get("certificate_no"))


def agreement_reached(case_no: str) -> bool:
    """Whether the case has a mediation that reached an agreement (its papers can be printed)."""
    return db.session.execute(
        select(items_t.c.id).select_from(items_t.join(cases_t, cases_t.c.id == items_t.c.case_id))
        .where(cases_t.c.case_no == case_no, items_t.c.milestone == "mediation",
               items_t.c.milestone_value == "agreement", items_t.c.state == "completed").limit(1)).first() is not None
