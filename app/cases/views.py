"""The case page: details, open steps, the timeline, and the BPMN diagram with its progress marked."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, render_template
from flask_babel import format_datetime
from sqlalchemy import select

from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases import channels, service, timeline
from app.errors import NotFound
from app.extensions import db
from app.routing.models import Team
from app.vendor import available
from app.versions.service import bundle_for
from app.web import person

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
    diagram = service.diagram(principal, case_no)
    steps = bundle_for(case["process_version"]).user_tasks() if case["process_version"] else {}
    teams: dict[str, str] = {}

    def team(code: str | None) -> str:
        if not teams:  # read only when an event names a team (a reassignment)
            teams.update({c: n for c, n in db.session.execute(select(Team.code, Team.name))})
        return teams.get(code or "", code or "")

    def when(value: datetime | None) -> str:
        return format_datetime(value, "yyyy-MM-dd HH:mm") if value is not None else ""

    for e in events:
        e["line"] = timeline.text(e, steps, person, team, when)
    return render_template("cases/case.html", case=case, events=events, diagram=diagram,
                           detail_labels=channels.labels(), sections=service.record_of(principal, case_no),
                           viewer=available("bpmn-js"))
