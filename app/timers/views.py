"""The supervisor's desk page: escalations, most overdue first, and the four actions."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.auth import permissions, policy
from app.auth.permissions import caller
from app.errors import ApiError
from app.extensions import db
from app.http import page_arg
from app.moments import SHANGHAI
from app.routing.service import list_teams
from app.timers import desk
from app.web import page_message

bp = Blueprint("supervisor", __name__)


@bp.get("/supervisor")
@permissions.page(policy.can_supervise)
def desk_page() -> str:
    principal = caller()
    page = page_arg(request.args)
    board = desk.list_escalations(principal, page, 50)
    return render_template("supervisor/desk.html", board=board, teams=list_teams())


def _form_args(action: str) -> dict[str, object]:
    args: dict[str, object] = {"note": request.form.get("note", "").strip()[:2000]}
    if action == "reassign":
        target = request.form.get("target", "").strip()
        if target:
            args["team"] = target.removeprefix("team:")
        if request.form.get("username", "").strip():
            args["username"] = request.form["username"].strip()[:64]
    if action == "extend":
        text = request.form.get("due_at", "").strip()
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise ApiError(422, _("Give the new limit as a date and time."), fields={"due_at": ["required"]}) from None
        args["due_at"] = when if when.tzinfo else when.replace(tzinfo=SHANGHAI)
    return args


@bp.post("/supervisor/escalations/<id:escalation_id>/<action>")
@permissions.page(policy.can_supervise)
def act(escalation_id: int, action: str) -> Response:
    principal = caller()
    if action not in desk.ACTIONS:
        abort(404)
    try:
        result = desk.act(principal, escalation_id, action, _form_args(action))
        db.session.commit()
        labels = {"remind": _("Remind"), "reassign": _("Reassign"), "extend": _("Extend"),
                  "take_over": _("Take over")}
        flash(_("Done: %(action)s on case %(case)s.", action=labels[action], case=result["case_no"]), "ok")
    except ApiError as err:
        db.session.rollback()
        flash(page_message(err), "error")
    return redirect(url_for("supervisor.desk_page"))
