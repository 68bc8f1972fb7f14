"""My queue: the team's open work items and the user's claimed ones, most urgent first."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from app.tasks import service
from app.web import session_principal

bp = Blueprint("tasks", __name__)


@bp.get("/")
@login_required
def queue() -> str:
    principal = session_principal()
    assert principal is not None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    scope = "all" if principal.oversees_all else "team"
    items, total = service.list_items(principal, {"scope": scope, "page": page, "per_page": 50})
    return render_template("tasks/queue.html", items=items, total=total, page=page)
