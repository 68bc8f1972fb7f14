"""/track: a reporter follows their case with its number and the last four digits of their phone. The lookup
is a POST (the digits stay out of addresses and logs); a tracking link may carry the case number to fill in."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.auth import permissions
from app.public import limits, service

bp = Blueprint("public", __name__)


class TrackForm(FlaskForm):
    case_no = StringField("case_no", validators=[DataRequired(), Length(max=service.CASE_NO_MAX)])
    phone_last4 = StringField("phone_last4", validators=[DataRequired(), Regexp(r"^[0-9]{4}$")])


def _page(form: TrackForm, *, found: dict[str, Any] | None = None, error: str | None = None,
          status: int = 200) -> Response:
    body = render_template("public/track.html", form=form, found=found, error=error)
    return Response(body, status=status, mimetype="text/html", headers={"Cache-Control": "no-store"})


def _throttled(limit: RequestLimit) -> Response:
    page = _page(TrackForm(), error=_("Too many tries from this network. Please try again later, or call 12345."),
                 status=429)
    page.headers["Retry-After"] = str(limits.retry_after(limit))
    return page


@bp.route("/track", methods=["GET", "POST"])
@permissions.public
@limits.throttled(["POST"], on_breach=_throttled)
def track_page() -> Response:
    form = TrackForm()
    if request.method == "GET":
        form.case_no.data = (request.args.get("case_no") or "")[:service.CASE_NO_MAX]
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, error=_("Enter the case number and the last four digits of your phone."), status=422)
    row = service.find(form.case_no.data or "", form.phone_last4.data or "")
    if row is None:
        return _page(form, error=_("No case with this number was reported from a phone ending in these digits. "
                                   "Check both and try again."), status=404)
    return _page(form, found=service.citizen_view(row))
