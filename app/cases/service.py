"""The case aggregate: intake, lookup, lists, timeline, diagram."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, exists, func, or_, select

from app.auth import policy
from app.auth.principal import Principal
from app.cases import duplicates, identification, present, record
from app.cases.masking import Mask
from app.cases.models import CaseExpert
from app.casework import operations
from app.casework.models import ENDED_STATUSES, OPEN_STATES, Case, CaseEvent, WorkItem
from app.casework.unit import CaseUnit
from app.database import execute
from app.engine import clock
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.routing.gazetteer import gazetteer, match_category
from app.routing.models import Team
from app.versions.service import bundle_for, current_version_key

cases_t = Case.__table__
items_t = WorkItem.__table__
events_t = CaseEvent.__table__
teams_t = Team.__table__

CASE_COLUMNS = [c for c in cases_t.c if c.name != "workflow_state"]
experts_t = CaseExpert.__table__


def _case_query() -> Any:
    return select(*CASE_COLUMNS, teams_t.c.name.label("team_name")).select_from(
        cases_t.outerjoin(teams_t, teams_t.c.code == cases_t.c.team_code))


def _item_query() -> Any:
    return select(items_t, teams_t.c.name.label("team_name")).select_from(
        items_t.outerjoin(teams_t, teams_t.c.code == items_t.c.team_code))


def _visible(principal: Principal) -> Any:
    """SQL condition: cases this principal may see."""
    if policy.sees_all_cases(principal):
        return True
    teams = list(principal.teams)
    # A team's cases, the cases one registered oneself (a walk-in at a service station), and an expert's
    # invitations.
    return or_(cases_t.c.team_code.in_(teams), cases_t.c.opened_by == principal.username,
               exists().where(items_t.c.case_id == cases_t.c.id, items_t.c.team_code.in_(teams)),
               exists().where(experts_t.c.case_id == cases_t.c.id, experts_t.c.username == principal.username))


def _unknown(field: str, label: str, value: str) -> dict[str, str]:
    return {"field": field, "code": f"unknown_{field}",
            "message": f"{field}: 未识别的{label}“{value}”，已留空，由分流员确定 (unknown {field}, left unset for the "
                       f"dispatcher)"}


def _normalise_place_and_category(payload: dict[str, Any]) -> tuple[str | None, str | None, list[dict[str, str]]]:
    """Codes for what intake sent by code or name; what is not recognised becomes a warning, never a refusal."""
    warnings: list[dict[str, str]] = []
    place = gazetteer().match(payload["township"]) if payload.get("township") else None
    if payload.get("township") and place is None:
        warnings.append(_unknown("township", "镇街", payload["township"]))
    category = match_category(payload["category"]) if payload.get("category") else None
    if payload.get("category") and category is None:
        warnings.append(_unknown("category", "事项类别", payload["category"]))
    return (place.code if place else None), (category.code if category else None), warnings


# Core on the session's connection: the case tables are written by the unit of work's Core statements only, so
# there is never an ORM object to flush first, and intake skips the ORM's per-statement work.
_BY_REF = select(cases_t.c.case_no).where(cases_t.c.channel == bindparam("channel"),
                                         cases_t.c.external_ref == bindparam("external_ref"))


def _find_by_ref(channel: str, external_ref: str | None) -> Any:
    if not external_ref:
        return None
    return execute(_BY_REF, {"channel": channel, "external_ref": external_ref}).first()


def open_case(principal: Principal, payload: dict[str, Any], ignored_fields: list[str]) -> tuple[str, bool]:
    """Open a case and start its workflow. Returns (case_no, created); a repeated channel+external_ref
    returns the existing case and changes nothing."""
    if not policy.can_open_case(principal):
        raise Forbidden("opening cases needs the intake, dispatcher or caseworker role")
    channel, external_ref = payload["channel"], payload.get("external_ref")
    existing = _find_by_ref(channel, external_ref)
    if existing is not None:
        return existing.case_no, False

    township, category, warnings = _normalise_place_and_category(payload)
    ignored_fields = [*ignored_fields, *(f"channel_details.{k}" for k in payload.get("ignored_details") or [])]
    warnings += [{"field": name, "code": "ignored_field",
                  "message": f"{name}: 不认识的字段，已忽略 (unknown field, ignored)"} for name in ignored_fields]
    version_key = current_version_key()
    now = clock.now()
    reporter = payload.get("reporter") or {}
    row = {
        "case_no": "tmp-" + uuid.uuid4().hex[:24], "channel": channel, "external_ref": external_ref,
        "status": "open", "description": payload["description"], "category": category,
        "township_code": township, "team_code": None, "reporter_name": reporter.get("name"),
        "reporter_phone": reporter.get("phone"), "address": payload.get("address"), "lat": payload.get("lat"),
        "lon": payload.get("lon"), "occurred_at": payload.get("occurred_at"), "opened_at": now,
        "channel_details": payload.get("channel_details"), "called_at": payload.get("called_at"),
        "suggestion": identification.at_intake(payload["description"], payload.get("address")),
        "possible_duplicates": duplicates.find(db.session, now, reporter.get("phone"), township,
                                               payload["description"]),
        "opened_by": principal.username, "updated_at": now, "warnings": warnings,
        "process_version": version_key, "workflow_state": b"", "lock_version": 0, "completed_elements": [],
    }
    case_no = operations.open_case(
        row, bundle_for(version_key),
        lambda number: {"case_no": number, "channel": channel, "category": category, "township": township},
        actor=principal.username, summary=f"受理：{channel} 渠道登记",
        data={"channel": channel, "external_ref": external_ref, "warnings": warnings, "process_version": version_key})
    if case_no is None:
        # The same matter arrived concurrently through the same channel: the other request owns it.
        existing = _find_by_ref(channel, external_ref)
        if existing is None:
            raise Conflict("the case could not be stored; send it again", code="case_changed")
        return existing.case_no, False
    return case_no, True


def _case_row(principal: Principal, case_no: str) -> Any:
    row = db.session.execute(_case_query().where(cases_t.c.case_no == case_no, _visible(principal))).first()
    if row is None:
        raise NotFound(f"no case {case_no}")
    return row


def visible_case(principal: Principal, case_no: str) -> Any:
    """The case's row when the principal may see the case; 404 otherwise."""
    return _case_row(principal, case_no)


def intake_answer(principal: Principal, case_no: str) -> dict[str, Any]:
    """The answer to an intake: the case as the caller may see it; for a repeated channel + external_ref
    that the caller may not see, only its number and state (nothing personal, no description)."""
    try:
        return get_case(principal, case_no)
    except NotFound:
        row = db.session.execute(select(cases_t.c.case_no, cases_t.c.status, cases_t.c.channel,
                                        cases_t.c.external_ref, cases_t.c.opened_at)
                                 .where(cases_t.c.case_no == case_no)).one()
        return present.case_receipt(row)


def get_case(principal: Principal, case_no: str) -> dict[str, Any]:
    """The case and its open work items, masked for the principal's roles."""
    row = _case_row(principal, case_no)
    items = db.session.execute(
        _item_query().where(items_t.c.case_id == row.id, items_t.c.state.in_(OPEN_STATES))
        .order_by(items_t.c.due_at, items_t.c.id)
    ).all()
    now = clock.now()
    out = present.case(row, [present.work_item(i, now) for i in items], mask=Mask.for_principal(principal))
    out["linked_duplicates"] = list(db.session.execute(
        select(cases_t.c.case_no).where(cases_t.c.duplicate_of == row.case_no).order_by(cases_t.c.id)).scalars())
    return out


def link_duplicate(principal: Principal, case_no: str, primary_no: str, note: str) -> dict[str, Any]:
    """Link a case to the primary case of the same matter (the dispatcher's or a supervisor's call)."""
    if not policy.can_link_duplicates(principal):
        raise Forbidden("linking duplicates needs the dispatcher or supervisor role")
    row = _case_row(principal, case_no)
    if primary_no == row.case_no:
        raise Invalid("a case cannot be its own primary", {"primary": ["another case's number"]})
    primary = db.session.execute(select(cases_t.c.case_no, cases_t.c.duplicate_of, cases_t.c.status)
                                 .where(cases_t.c.case_no == primary_no, _visible(principal))).first()
    if primary is None:
        raise Invalid(f"no case {primary_no}", {"primary": ["no such case"]})
    if primary.duplicate_of:
        raise Invalid(f"{primary_no} is itself a duplicate of {primary.duplicate_of}; link to that one",
                      {"primary": [f"link to {primary.duplicate_of}"]})
    if primary.status in ENDED_STATUSES:
        # Nothing would carry the matter: a new report of an ended one is a case of its own (a repeat complaint).
        raise Invalid(f"{primary_no} is {primary.status}; a new report of an ended matter stays a case of its own",
                      {"primary": ["an open case"]})
    if row.duplicate_of:
        raise Conflict(f"{case_no} is linked to {row.duplicate_of} already", code="already_linked")
    carried = db.session.execute(select(cases_t.c.case_no).where(cases_t.c.duplicate_of == row.case_no)
                                 .limit(1)).scalar()
    if carried:
        # Its duplicates would be left carried by a closed case: link the other way round instead.
        raise Conflict(f"{case_no} carries duplicates ({carried}); link {primary_no} to {case_no} instead",
                       code="carries_duplicates")
    if row.status in ENDED_STATUSES:
        raise Conflict(f"{case_no} is {row.status}; only an open case can be linked", code="case_closed")
    unit = CaseUnit.load(row.id, clock.now())
    with operations.engine_refusals("the link"):
        operations.link_duplicate(unit, primary_no, principal.username, note)
    return get_case(principal, case_no)


def list_cases(principal: Principal, filters: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    mask = Mask.for_principal(principal)
    conditions: list[Any] = [_visible(principal)]
    if "status" in filters:
        conditions.append(cases_t.c.status == filters["status"])
    if "channel" in filters:
        conditions.append(cases_t.c.channel == filters["channel"])
    if "township" in filters:
        place = gazetteer().match(filters["township"])
        conditions.append(cases_t.c.township_code == (place.code if place else filters["township"]))
    if "category" in filters:
        found = match_category(filters["category"])
        conditions.append(cases_t.c.category == (found.code if found else filters["category"]))
    if "team" in filters:
        conditions.append(cases_t.c.team_code == filters["team"])
    if filters.get("opened_from") is not None:
        conditions.append(cases_t.c.opened_at >= filters["opened_from"])
    if filters.get("opened_to") is not None:
        conditions.append(cases_t.c.opened_at < filters["opened_to"])
    if filters.get("q"):
        like = "%" + filters["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        searched = [cases_t.c.case_no, cases_t.c.description, cases_t.c.external_ref]
        if mask.personal:
            # Only where the address is shown in full: searching it would spell out a masked one.
            searched.append(cases_t.c.address)
        conditions.append(or_(*(column.like(like, escape="\\") for column in searched)))
    total = db.session.execute(select(func.count()).select_from(cases_t).where(*conditions)).scalar_one()
    page, per_page = filters["page"], filters["per_page"]
    rows = db.session.execute(
        _case_query().where(*conditions).order_by(cases_t.c.opened_at.desc(), cases_t.c.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return [present.case(r, [], mask=mask) for r in rows], total


def list_events(principal: Principal, case_no: str, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    row = _case_row(principal, case_no)
    total = db.session.execute(select(func.count()).where(events_t.c.case_id == row.id)).scalar_one()
    rows = db.session.execute(
        select(events_t).where(events_t.c.case_id == row.id).order_by(events_t.c.at, events_t.c.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    mask = Mask.for_principal(principal)
    return [present.event(r, mask=mask) for r in rows], total


def diagram(principal: Principal, case_no: str) -> dict[str, Any]:
    row = _case_row(principal, case_no)
    bundle = bundle_for(row.process_version)
    items = db.session.execute(
        select(items_t.c.element_id, items_t.c.process_id)
        .where(items_t.c.case_id == row.id, items_t.c.state.in_(OPEN_STATES))
    ).all()
    main = bundle.process_id
    active = sorted({i.element_id for i in items if i.process_id == main})
    sub_active: dict[str, list[str]] = {}
    for i in items:
        if i.process_id != main:
            sub_active.setdefault(i.process_id, []).append(i.element_id)
    if sub_active:
        # A task inside a called process makes its call activity the active step of the main diagram.
        for element_id, called in bundle.call_activities.items():
            if called in sub_active:
                active.append(element_id)
    return {
        "process_id": main,
        "bpmn_xml": bundle.xml_of(main),
        "active": sorted(set(active)),
        "completed": list(row.completed_elements or []),
        "subprocesses": {pid: {"bpmn_xml": bundle.xml_of(pid), "active": sorted(ids),
                               "name": getattr(bundle.subprocess_specs.get(pid), "description", None) or pid}
                         for pid, ids in sub_active.items() if pid in bundle.process_files},
    }



def record_of(principal: Principal, case_no: str) -> list[record.Section]:
    """The case's record (what each finished step recorded) as the principal may read it."""
    row = _case_row(principal, case_no)
    return record.case_record(principal, row.id, row.process_version)
