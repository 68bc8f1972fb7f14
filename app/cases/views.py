"""The case page: details, open steps, the timeline, and the BPMN diagram with its progress marked."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from app.auth import permissions, policy
from app.auth.models import User
from app.auth.permissions import caller
from app.cases import service
from app.errors import NotFound
from app.extensions import db
from app.vendor import available

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
    actors = {e["actor"] for e in events if e["actor"]}
    names = dict(db.session.execute(select(User.username, User.display_name).where(User.username.in_(actors))).all()) \
        if actors else {}
    diagram = service.diagram(principal, case_no)
    return render_template("cases/case.html", case=case, events=events, actor_names=names, diagram=diagram,
                           viewer=available("bpmn-js"))
