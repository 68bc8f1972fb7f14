"""Open311 GeoReport v2 over the service's own cases. Services are the category leaves; a posted request is a
case like any other (channel `online`, through the intake every door uses, idempotent); `service_request_id`
is the case number. Reading is open to anyone, so it shows only online posts (public by nature) and of them
nothing personal: no name, phone, address, coordinates or description, only what a reporter's view shows."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app import moments
from app.auth import policy
from app.auth.principal import Principal
from app.auth.tokens import resolve
from app.cases import service as cases
from app.cases.schemas import CaseCreateSchema
from app.casework.models import ENDED_STATUSES, Case
from app.database import execute
from app.engine import clock
from app.errors import ApiError
from app.http import load
from app.public.service import official_reply, status_names
from app.routing.gazetteer import Category, categories, category_leaves, gazetteer
from app.routing.models import Team

JURISDICTION = "jiaxing"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DESCRIPTION_MAX = 4000  # the spec's limit for a request's description
MAX_SPAN = timedelta(days=90)  # the spec's default window, and the longest a search may span
MAX_RESULTS = 1000
# The parameter an app may send its own request id in (the case's external_ref: a repeat is the same case).
CLIENT_ID_PARAMS = ("request_id", "client_request_id", "external_id", "external_ref")
POLICE_NOTICE = "属于警情的事项请直接拨打 110 报警；本渠道受理后将转交公安机关。"
ACCEPTED_NOTICE = "诉求已受理，可凭受理编号和手机号码后四位在 /track 查询办理进度。"
cases_t = Case.__table__


class Refused(Exception):
    """An Open311 error: the status and the description the spec's error list carries."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def check_jurisdiction(value: str | None) -> None:
    if value and value.strip().lower() != JURISDICTION:
        raise Refused(404, f"jurisdiction_id not found: this endpoint serves '{JURISDICTION}'")


def discovery(base_url: str) -> dict[str, Any]:
    changeset = "2026-12-01T00:00:00+08:00"
    return {"changeset": changeset, "contact": "嘉兴市民声一键办服务中心（12345）",
            "key_service": "api_key: an intake token issued by the service's administrators "
                           "(flask --app app users token NAME)",
            "endpoints": [{"specification": SPECIFICATION, "url": base_url, "changeset": changeset,
                           "type": "production", "formats": ["application/json", "text/xml"]}]}


def _service(leaf: Category) -> dict[str, Any]:
    group = categories().get(leaf.group)
    keywords = [leaf.group_name] if leaf.group_name and leaf.group_name != leaf.name else []
    return {"service_code": leaf.code, "service_name": leaf.name,
            "description": leaf.description or (group.description if group else "") or leaf.name,
            "metadata": True, "type": "realtime", "keywords": ",".join(keywords), "group": leaf.group_name}


def services() -> list[dict[str, Any]]:
    return [_service(leaf) for leaf in category_leaves()]


def leaf(code: str) -> Category:
    found = categories().get(code)
    if found is None or not found.leaf:
        raise Refused(404, f"service_code not found: {code}")
    return found


def definition(code: str) -> dict[str, Any]:
    """The attributes a request of this service may carry: where in Jiaxing, and when it happened."""
    found = leaf(code)
    townships = [{"key": p.code, "name": p.full_name} for p in gazetteer().places]
    return {"service_code": found.code, "attributes": [
        {"variable": True, "code": "township", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "镇（街道）", "order": 1, "description": "事发地所在的镇（街道）",
         "values": townships},
        {"variable": True, "code": "occurred_at", "datatype": "datetime", "required": False,
         "datatype_description": "W3C date-time, e.g. 2026-12-01T09:30:00+08:00", "order": 2,
         "description": "事情发生的时间", "values": []},
    ]}


# --- reading requests ------------------------------------------------------------------------------------

REQUEST = select(cases_t.c.id, cases_t.c.case_no, cases_t.c.status, cases_t.c.category, cases_t.c.team_code,
                 cases_t.c.opened_at, cases_t.c.updated_at, cases_t.c.external_ref) \
    .where(cases_t.c.channel == "online")


def _request(row: Any, team_names: dict[str, str]) -> dict[str, Any]:
    category = categories().get(row.category) if row.category else None
    notes = status_names().get(row.status, row.status)
    reply = official_reply(row.id) if row.status in ENDED_STATUSES else None
    return {"service_request_id": row.case_no, "status": "closed" if row.status in ENDED_STATUSES else "open",
            "status_notes": f"{notes}。{reply[0]}" if reply else notes,
            "service_name": category.name if category else None, "service_code": row.category,
            "agency_responsible": team_names.get(row.team_code or ""), "service_notice": None,
            "requested_datetime": moments.local_iso(row.opened_at),
            "updated_datetime": moments.local_iso(row.updated_at), "token": row.external_ref}


def _team_names() -> dict[str, str]:
    return dict(execute(select(Team.code, Team.name)).all())


def one_request(request_id: str) -> list[dict[str, Any]]:
    row = execute(REQUEST.where(cases_t.c.case_no == request_id[:32])).first()
    if row is None:
        raise Refused(404, f"service_request_id not found: {request_id[:32]}")
    return [_request(row, _team_names())]


def _moment(name: str, text: str | None) -> datetime | None:
    if not text:
        return None
    parsed = moments.parse(text.strip())
    if parsed is None:
        raise Refused(400, f"{name}: not a W3C date-time (such as 2026-12-01T00:00:00+08:00)")
    return parsed


def _listed(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def requests(args: dict[str, str]) -> list[dict[str, Any]]:
    """GET requests: by id (a comma list, which overrides every other filter), or by service codes, status and
    the requested time (the last 90 days unless given; a search spans 90 days at most), newest first."""
    query = REQUEST.order_by(cases_t.c.opened_at.desc(), cases_t.c.id.desc()).limit(MAX_RESULTS)
    ids = _listed(args.get("service_request_id"))
    if ids:
        query = query.where(cases_t.c.case_no.in_([i[:32] for i in ids[:MAX_RESULTS]]))
    else:
        codes = _listed(args.get("service_code"))
        for code in codes:
            leaf(code)
        statuses = _listed(args.get("status"))
        if any(s not in ("open", "closed") for s in statuses):
            raise Refused(400, "status: open or closed (comma separated)")
        end = _moment("end_date", args.get("end_date")) or clock.now()
        start = _moment("start_date", args.get("start_date")) or end - MAX_SPAN
        if end < start:
            raise Refused(400, "end_date: earlier than start_date")
        if end - start > MAX_SPAN:
            raise Refused(400, "start_date, end_date: a search may not span more than 90 days")
        query = query.where(cases_t.c.opened_at >= start, cases_t.c.opened_at <= end)
        if codes:
            query = query.where(cases_t.c.category.in_(codes))
        if statuses == ["open"]:
            query = query.where(cases_t.c.status.not_in(ENDED_STATUSES))
        elif statuses == ["closed"]:
            query = query.where(cases_t.c.status.in_(ENDED_STATUSES))
    names = _team_names()
    return [_request(row, names) for row in execute(query)]


def token(token_id: str) -> list[dict[str, Any]]:
    row = execute(select(cases_t.c.case_no, cases_t.c.external_ref).where(
        cases_t.c.channel == "online", cases_t.c.external_ref == token_id[:128])).first()
    if row is None:
        raise Refused(404, f"token not found: {token_id[:128]}")
    return [{"service_request_id": row.case_no, "token": row.external_ref}]


# --- posting a request -----------------------------------------------------------------------------------

@dataclass
class Posted:
    body: list[dict[str, Any]]
    created: bool


def caller(api_key: str | None) -> Principal:
    principal = resolve(api_key.strip()[:256]) if api_key and api_key.strip() else None
    if principal is None or not policy.can_open_case(principal):
        raise Refused(403, "api_key invalid or missing: send an intake token as api_key")
    return principal


def _external_ref(principal: Principal, form: dict[str, str]) -> str:
    given = next((form[p].strip() for p in CLIENT_ID_PARAMS if (form.get(p) or "").strip()), None)
    if given:
        return given[:128]
    # No id of its own: the same post sent again (a retry after a timeout) is the same case.
    canonical = "\x1f".join(f"{k}={form[k]}" for k in sorted(form) if k not in ("api_key", "jurisdiction_id"))
    return "o311-" + hashlib.sha256(f"{principal.username}\x1e{canonical}".encode()).hexdigest()[:40]


def _payload(form: dict[str, str], found: Category) -> dict[str, Any]:
    description = (form.get("description") or "").strip()
    if not description:
        raise Refused(400, "description: required (what happened, where, what is asked)")
    if len(description) > DESCRIPTION_MAX:
        raise Refused(400, f"description: at most {DESCRIPTION_MAX} characters")
    lat, lon, address = form.get("lat"), form.get("long"), (form.get("address_string") or "").strip()
    if not address and not (lat and lon):
        raise Refused(400, "location: send lat and long, or address_string")
    name = "".join(part.strip() for part in (form.get("last_name") or "", form.get("first_name") or ""))
    payload: dict[str, Any] = {
        "channel": "online", "description": description, "category": found.code,
        "reporter": {"name": name or None, "phone": (form.get("phone") or "").strip() or None},
        "channel_details": {"platform": "Open311"},
    }
    if address:
        payload["address"] = address
    if lat and lon:
        try:
            payload["lat"], payload["lon"] = float(lat), float(lon)
        except ValueError:
            raise Refused(400, "lat, long: decimal degrees (WGS84)") from None
    if form.get("attribute[township]"):
        payload["township"] = form["attribute[township]"]
    if form.get("attribute[occurred_at]"):
        payload["occurred_at"] = form["attribute[occurred_at]"]
    return payload


def post(form: dict[str, str]) -> Posted:
    check_jurisdiction(form.get("jurisdiction_id"))
    principal = caller(form.get("api_key"))
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Refused(400, "service_code: required (GET services lists them)")
    found = leaf(code)
    payload = _payload(form, found)
    payload["external_ref"] = _external_ref(principal, form)
    try:
        data = load(CaseCreateSchema(), payload)
    except ApiError as err:
        raise Refused(400, "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(err.fields.items()))
                      or err.message) from None
    case_no, created = cases.open_case(principal, data, [])
    notice = POLICE_NOTICE if found.police else ACCEPTED_NOTICE
    return Posted([{"service_request_id": case_no, "service_notice": notice,
                    "account_id": (form.get("account_id") or "").strip()[:64] or None,
                    "token": payload["external_ref"]}], created)
