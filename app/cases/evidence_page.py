"""The case page's scene: adding a photo (a phone's camera), a document or a video call's link, serving the
stored files and thumbnails to those who may see the case, inviting a remote expert and the expert's advice."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases import attachments, experts, service
from app.errors import ApiError, NotFound
from app.extensions import csrf, db
from app.http import large_body
from app.web import page_message

bp = Blueprint("evidence", __name__)
large_body("evidence.upload", attachments.upload_limit)


@bp.post("/cases/<case_no>/attachments")
@permissions.page(policy.works_on_steps)
def upload(case_no: str) -> Response:
    def add() -> str:
        # Checked here rather than before every request: by now the route's own size limit applies (app.http).
        csrf.protect()
        if request.form.get("video_url"):
            added = attachments.add_link(caller(), case_no, request.form.get("video_url"), request.form.get("note"),
                                         service.visible_case)
        else:
            sent = request.files.get("file")
            if sent is None:
                raise NoFile()
            added = attachments.add_file(caller(), case_no, sent.filename, sent.stream, request.form.get("note"),
                                         service.visible_case)
        return str(_("Added: %(name)s", name=added["name"]))

    return _acted(case_no, "evidence", add)


@bp.get("/cases/<case_no>/attachments/<int:attachment_id>/<any(file, thumb):which>")
@permissions.page(policy.sees_cases)
def stored(case_no: str, attachment_id: int, which: str) -> Response:
    try:
        case = service.visible_case(caller(), case_no)
    except NotFound:
        abort(404)
    row = attachments.one(case.id, attachment_id)
    relative = (row.thumb_path if which == "thumb" else row.path) if row is not None else None
    if not relative:
        abort(404)
    path = attachments.root() / relative
    if not path.is_file():
        abort(404)
    mimetype = "image/jpeg" if which == "thumb" else row.content_type
    answer = send_file(path, mimetype=mimetype, as_attachment=row.kind != "photo", download_name=row.name,
                       max_age=3600, conditional=True)
    answer.headers["Cache-Control"] = "private, max-age=3600"
    return answer


class NoFile(Exception):
    """The evidence form was sent without a file."""


def _acted(case_no: str, anchor: str, act: Callable[[], str]) -> Response:
    """One act from the case page: one commit, its message (or the refusal's), and back to its section."""
    try:
        done = act()
        db.session.commit()
        flash(done, "ok")
    except NoFile:
        flash(_("Choose a photo or a document first."), "error")
    except RequestEntityTooLarge:
        db.session.rollback()
        flash(_("The file is too large (at most %(mb)d MB).", mb=attachments.upload_limit() // (1024 * 1024)), "error")
    except ApiError as err:
        db.session.rollback()
        if isinstance(err, NotFound):
            abort(404)
        flash(page_message(err), "error")
    return redirect(url_for("cases.case_page", case_no=case_no, _anchor=anchor))


@bp.post("/cases/<case_no>/experts")
@permissions.page(policy.can_invite_experts)
def invite(case_no: str) -> Response:
    form = request.form
    def invite_one() -> str:
        experts.invite(caller(), case_no, form.get("username", "")[:64], form.get("field", ""),
                       form.get("video_url"), service.visible_case)
        return str(_("The expert is invited; they see this case now."))

    return _acted(case_no, "experts", invite_one)


@bp.post("/cases/<case_no>/advice")
@permissions.page(policy.gives_advice)
def advise(case_no: str) -> Response:
    def advise_on() -> str:
        experts.advise(caller(), case_no, request.form.get("advice"), service.visible_case)
        return str(_("Your advice is recorded."))

    return _acted(case_no, "experts", advise_on)
