"""The case page: details, open steps, the timeline, and the BPMN diagram with its progress marked."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases import attachments, channels, experts, papers, service, timeline
from app.casework.models import CHANNELS, STATUSES
from app.errors import ApiError, Invalid, NotFound
from app.extensions import db
from app.http import page_arg
from app.moments import SHANGHAI
from app.routing.gazetteer import category_leaves, gazetteer
from app.routing.models import Team
from app.vendor import available
from app.versions.service import bundle_for
from app.web import page_message, person, when

bp = Blueprint("cases", __name__)


@bp.get("/cases/<case_no>")
@permissions.page(policy.sees_cases)
def case_page(case_no: str) -> str:
    principal = caller()
    try:
        case = service.get_case(principal, case_no)
    except NotFound:
        abort(404)
    events, _total = service.list_events(principal, case_no, 1, 500)
    case_id = service.visible_case(principal, case_no).id
    diagram = service.diagram(principal, case_no)
    steps = bundle_for(case["process_version"]).user_tasks() if case["process_version"] else {}
    teams: dict[str, str] = {}

    def team(code: str | None) -> str:
        if not teams:  # read only when an event names a team (a reassignment)
            teams.update({c: n for c, n in db.session.execute(select(Team.code, Team.name))})
        return teams.get(code or "", code or "")

    for e in events:
        e["line"] = timeline.text(e, steps, person, team, when)
    may_link = policy.can_link_duplicates(principal) and not case["duplicate_of"] and case["status"] not in (
        "closed", "returned_to_police")
    return render_template("cases/case.html", case=case, events=events, diagram=diagram,
                           detail_labels=channels.labels(), sections=service.record_of(principal, case_no),
                           viewer=available("bpmn-js"), may_link=may_link,
                           papers_ready=papers.agreement_reached(case_no),
                           evidence=attachments.of_case(case_id), may_attach=policy.works_on_steps(principal),
                           experts=experts.of_case(case_id), expert_fields=experts.FIELDS,
                           invitable=experts.available() if policy.can_invite_experts(principal) else [])


@bp.get("/cases/<case_no>/papers/<any(agreement, 'judicial-application'):kind>")
@permissions.page(policy.sees_cases)
def paper_page(case_no: str, kind: str) -> str:
    """A paper to print on A4 and sign on site: the mediation agreement or the judicial-confirmation application."""
    try:
        found = papers.paper(caller(), case_no, kind, service.visible_case)
    except NotFound:
        abort(404)
    return render_template("cases/paper.html", paper=found, shanghai=SHANGHAI)


@bp.post("/cases/<case_no>/link")
@permissions.page(policy.can_link_duplicates)
def link(case_no: str) -> Response:
    """The dispatcher links this case to its primary: the same operation as POST /api/v1/cases/{no}/link."""
    primary = (request.form.get("primary_other") or request.form.get("primary") or "").strip()[:32]
    try:
        if not primary:
            raise Invalid(_("Choose the primary case."), {"primary": ["required"]})
        service.link_duplicate(caller(), case_no, primary, request.form.get("note", "").strip()[:2000])
        db.session.commit()
        flash(_("Linked to %(no)s; that case carries the matter now.", no=primary), "ok")
    except ApiError as err:
        db.session.rollback()
        if isinstance(err, NotFound):
            abort(404)
        flash(page_message(err), "error")
    return redirect(url_for("cases.case_page", case_no=case_no))


PER_PAGE = 20


def _day(text: str | None, *, end: bool = False) -> datetime | None:
    """A date from the filter form as the start (or the end) of that day in Asia/Shanghai."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    start = datetime.combine(day, time(), tzinfo=SHANGHAI)
    return start + timedelta(days=1) if end else start


@bp.get("/cases")
@permissions.page(policy.sees_cases)
def list_page() -> str:
    """Staff search and list: the filters of GET /api/v1/cases, text search and paging."""
    args = request.args
    filters: dict[str, Any] = {key: args[key].strip()[:64] for key in ("status", "township", "category", "channel")
                               if args.get(key, "").strip()}
    if args.get("q", "").strip():
        filters["q"] = args["q"].strip()[:200]
    filters["opened_from"], filters["opened_to"] = _day(args.get("opened_from")), _day(args.get("opened_to"), end=True)
    page = page_arg(args)
    filters.update(page=page, per_page=PER_PAGE)
    items, total = service.list_cases(caller(), filters)
    return render_template("cases/list.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), args=args, statuses=STATUSES, channels=CHANNELS,
                           townships=gazetteer().places, categories=category_leaves())
