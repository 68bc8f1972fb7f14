"""/intake: staff register a walk-in or a phone matter on a page (CONTRACT.md, "More pages"). The page posts
the same fields as POST /api/v1/cases, read by the same schema, and opens the case through the same service."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app import moments
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases import channels, service
from app.cases.schemas import CaseCreateSchema
from app.casework.models import CHANNELS
from app.errors import Invalid
from app.extensions import db
from app.http import load
from app.routing.gazetteer import category_leaves, gazetteer
from app.routing.suggestions.suggest import suggest

bp = Blueprint("intake", __name__)
TIMES = ("occurred_at", "called_at", "posted_at")


def _time(text: str) -> str | None:
    """A datetime-local value (no offset) as the API writes times: RFC 3339 in Asia/Shanghai."""
    when = moments.parse_local(text) if text else None
    if when is None:
        return text or None  # the schema says what is wrong with it, next to the field
    return when.isoformat(timespec="seconds")


def _payload(form: Any) -> dict[str, Any]:
    channel = form.get("channel", "")
    payload: dict[str, Any] = {"channel": channel, "description": form.get("description", "").strip(),
                               "reporter": {"name": form.get("reporter_name", "").strip() or None,
                                            "phone": form.get("reporter_phone", "").strip() or None}}
    for key in ("township", "category", "address"):
        if form.get(key, "").strip():
            payload[key] = form[key].strip()
    if form.get("occurred_at"):
        payload["occurred_at"] = _time(form["occurred_at"])
    # The channel's own reference, or this page's submission id: a double click registers the matter once.
    payload["external_ref"] = form.get("external_ref", "").strip() or form.get("submission") or None
    schema = channels.SCHEMAS.get(channel)
    if schema is not None:
        typed = {k: form.get(f"details-{k}", "").strip() for k in schema().fields}
        details = {k: (_time(v) if k in TIMES else v) for k, v in typed.items() if v}
        if details:
            payload["channel_details"] = details
    return payload


def _render(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200,
            suggestion: dict[str, Any] | None = None) -> tuple[str, int]:
    fields_by_channel = {c: list(s().fields) for c, s in channels.SCHEMAS.items()}
    return render_template("cases/intake.html", values=values, errors=errors, channels=CHANNELS,
                           fields_by_channel=fields_by_channel, detail_labels=channels.labels(),
                           townships=gazetteer().places, categories=category_leaves(), suggestion=suggestion,
                           submission=values.get("submission") or f"web-{uuid.uuid4().hex}"), status


@bp.get("/intake")
@permissions.page(policy.can_open_case)
def intake_page() -> tuple[str, int]:
    return _render({"channel": request.args.get("channel") or "walk_in"}, {})


@bp.post("/intake")
@permissions.page(policy.can_open_case)
def register() -> Response | tuple[str, int]:
    form = request.form
    payload = _payload(form)
    if form.get("preview"):
        return _preview(form.to_dict(), payload)
    try:
        data = load(CaseCreateSchema(), payload)
        case_no, created = service.open_case(caller(), data, [])
        db.session.commit()
    except Invalid as err:
        db.session.rollback()
        return _render(form.to_dict(), err.fields, status=422)
    flash(_("Registered as case %(no)s.", no=case_no) if created else
          _("Already registered as case %(no)s; nothing was added.", no=case_no), "ok")
    return redirect(url_for("cases.case_page", case_no=case_no))


def _preview(values: dict[str, Any], payload: dict[str, Any]) -> tuple[str, int]:
    """"识别" before saving: the suggestion beside the form, its township and category selected where the
    form left them empty (marked as suggested). Nothing is stored."""
    text = payload.get("description") or ""
    if not text:
        return _render(values, {"description": [_("Write what happened first.")]}, status=422)
    found = suggest(text[:10_000], (payload.get("address") or "")[:256] or None)
    filled = []
    if not values.get("township") and found["township"]:
        values["township"] = found["township"]["code"]
        filled.append(_("Township"))
    if not values.get("category") and found["categories"]:
        values["category"] = found["categories"][0]["code"]
        filled.append(_("Category"))
    values["prefilled"] = filled
    return _render(values, {}, suggestion=found)
