"""The administration pages (`/admin`): teams and their members, people, the roster import; a team leader sees
their own teams' members, duty and load and keeps their rota."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from app.auth import permissions, policy
from app.auth.models import QUALIFICATIONS, ROLES, Membership
from app.auth.permissions import caller
from app.engine import clock
from app.errors import ApiError
from app.extensions import db
from app.http import page_arg
from app.moments import SHANGHAI
from app.people import duty, roster, rules, service, workload
from app.people.api import MAX_ROSTER_BYTES
from app.routing.gazetteer import gazetteer
from app.routing.models import TEAM_KINDS, Team
from app.routing.service import TEAM_CODE, create_team, update_team
from app.web import page_message

bp = Blueprint("admin", __name__)
PER_PAGE = 50


def _teams_overview(codes: list[str] | None) -> list[dict[str, Any]]:
    query = select(Team.code, Team.name, Team.kind).where(Team.active.is_(True)).order_by(Team.kind, Team.code)
    if codes is not None:
        query = query.where(Team.code.in_(codes))
    teams = db.session.execute(query).all()
    listed = [t.code for t in teams]
    sizes = dict(db.session.execute(select(Membership.team_code, func.count()).where(Membership.team_code.in_(listed))
                                    .group_by(Membership.team_code)).all()) if listed else {}
    loads = workload.by_team(listed)
    on_duty = duty.on_duty(listed)
    return [{"code": t.code, "name": t.name, "kind": t.kind, "members": sizes.get(t.code, 0),
             "load": loads.get(t.code, workload.Load()), "on_duty": on_duty.get(t.code, [])} for t in teams]


@bp.get("/admin")
@permissions.page(policy.leads_a_team)
def index() -> str:
    principal = caller()
    admin = policy.administers_people(principal)
    kind = request.args.get("kind") if request.args.get("kind") in TEAM_KINDS else None
    teams = _teams_overview(None if admin else sorted(principal.leads))
    if kind:
        teams = [t for t in teams if t["kind"] == kind]
    people: list[dict[str, Any]] = []
    total = 0
    q = (request.args.get("q") or "").strip()[:64]
    page = page_arg(request.args)
    if admin:
        args: dict[str, Any] = {"q": q or None, "page": page, "per_page": PER_PAGE}
        if request.args.get("inactive") == "1":
            args["active"] = False
        people, total = service.list_people(args)
    return render_template("admin/index.html", teams=teams, people=people, total=total, q=q, page=page,
                           pages=max(1, -(-total // PER_PAGE)), admin=admin, kind=kind, kinds=TEAM_KINDS,
                           places=gazetteer().places if admin else [])


@bp.post("/admin/teams/new")
@permissions.page(policy.administers_people)
def new_team() -> Response:
    form = request.form
    code = form.get("code", "").strip().lower()[:64]
    name = form.get("name", "").strip()[:128]
    kind = form.get("kind", "")
    if not TEAM_CODE.match(code) or not name or kind not in TEAM_KINDS:
        flash(_("A team needs a code (lower-case letters, digits and '-'), a name and a kind."), "error")
        return redirect(url_for("admin.index"))
    try:
        create_team(caller().username, code, name, kind, form.get("township") or None)
        db.session.commit()
    except ApiError as err:
        db.session.rollback()
        flash(page_message(err), "error")
        return redirect(url_for("admin.index"))
    flash(_("Team %(name)s created.", name=name), "ok")
    return redirect(url_for("admin.team_page", code=code))


@bp.post("/admin/teams/<string:code>/edit")
@permissions.page(policy.administers_people)
def edit_team(code: str) -> Response:
    action = request.form.get("action", "rename")
    try:
        update_team(caller().username, code, (request.form.get("name") or "").strip()[:128] or None
                    if action == "rename" else None, None if action == "rename" else action == "reopen")
        db.session.commit()
        flash(_("Saved."), "ok")
    except ApiError as err:
        db.session.rollback()
        flash(page_message(err), "error")
    return redirect(url_for("admin.team_page", code=code))


def _check_team(code: str) -> Team:
    team = db.session.get(Team, code)
    if team is None:
        abort(404)
    if not policy.manages_team(caller(), code):
        abort(403, _("Only the team's leader or an administrator manages this team."))
    return team


@bp.get("/admin/teams/<string:code>")
@permissions.page(policy.leads_a_team)
def team_page(code: str) -> str:
    principal = caller()
    team = _check_team(code)
    members = service.team_members(principal, code)
    start = datetime.combine(clock.now().astimezone(SHANGHAI).date(), time(0), SHANGHAI)
    days = [(start + timedelta(days=i)).date() for i in range(7)]
    shifts = duty.shifts(code, start, start + timedelta(days=7))
    by_day: dict[date, list[dict[str, Any]]] = {d: [] for d in days}
    for shift in shifts:
        local = shift["starts_at"].astimezone(SHANGHAI).date()
        by_day.setdefault(local, []).append(shift)
    return render_template("admin/team.html", team=team, members=members, days=days, by_day=by_day,
                           shift_kinds=list(duty.SHIFT_KINDS), today=days[0],
                           admin=policy.administers_people(principal))


@bp.post("/admin/teams/<string:code>/duty")
@permissions.page(policy.leads_a_team)
def add_shift(code: str) -> Response:
    principal = caller()
    _check_team(code)
    form = request.form
    try:
        day = date.fromisoformat(form.get("day", ""))
        start = time.fromisoformat(form["start"]) if form.get("start") else None
        end = time.fromisoformat(form["end"]) if form.get("end") else None
    except (ValueError, KeyError):
        flash(_("Give the shift's date and times."), "error")
        return redirect(url_for("admin.team_page", code=code))
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        flash(_("Give the shift's date and times."), "error")
        return redirect(url_for("admin.team_page", code=code))
    starts_at, ends_at = duty.shift_times(day, form.get("kind", "day"), start, end)
    try:
        shift = duty.add_shift(principal, code, form.get("username", "").strip()[:64], starts_at, ends_at)
        db.session.commit()
        flash(_("%(name)s is on duty from %(start)s.", name=shift["name"],
                start=starts_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")), "ok")
    except ApiError as err:
        db.session.rollback()
        flash(page_message(err), "error")
    return redirect(url_for("admin.team_page", code=code))


@bp.post("/admin/teams/<string:code>/members")
@permissions.page(policy.leads_a_team)
def change_members(code: str) -> Response:
    principal = caller()
    _check_team(code)
    username = request.form.get("username", "").strip()[:64]
    try:
        if request.form.get("action") == "remove":
            person = service.remove_member(principal, code, username)
            flash(_("%(name)s is no longer in the team.", name=person["name"]), "ok")
        else:
            person = service.add_member(principal, code, username)
            flash(_("%(name)s is in the team now.", name=person["name"]), "ok")
        db.session.commit()
    except ApiError as err:
        db.session.rollback()
        flash(page_message(err), "error")
    return redirect(url_for("admin.team_page", code=code))


@bp.post("/admin/teams/<string:code>/duty/<int:shift_id>/remove")
@permissions.page(policy.leads_a_team)
def remove_shift(code: str, shift_id: int) -> Response:
    _check_team(code)
    try:
        duty.remove_shift(caller(), code, shift_id)
        db.session.commit()
        flash(_("The shift is off the rota."), "ok")
    except ApiError as err:
        db.session.rollback()
        flash(page_message(err), "error")
    return redirect(url_for("admin.team_page", code=code))


@bp.route("/admin/import", methods=["GET", "POST"])
@permissions.page(policy.administers_people)
def import_page() -> tuple[str, int] | str:
    outcome = None
    filename = None
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(MAX_ROSTER_BYTES + 1) if upload is not None else b""
        filename = (upload.filename if upload is not None else None) or "roster"
        if not data:
            flash(_("Choose a roster file (XLSX or CSV)."), "error")
            return render_template("admin/import.html", outcome=None, filename=None), 422
        if len(data) > MAX_ROSTER_BYTES:
            flash(_("A roster is 5 MB at most."), "error")
            return render_template("admin/import.html", outcome=None, filename=None), 413
        dry_run = request.form.get("action") != "import"
        outcome = roster.import_roster(caller(), filename, data, dry_run=dry_run)
        if dry_run or outcome.problems:
            db.session.rollback()
            status = 422 if outcome.problems else 200
        else:
            db.session.commit()
    return render_template("admin/import.html", outcome=outcome, filename=filename, columns=column_names(),
                           describe=describe), status


def column_names() -> dict[str, str]:
    return {"username": _("user name"), "name": _("name"), "phone": _("phone"), "team": _("team"),
            "role": _("role"), "qualifications": _("qualifications"), "certificate_no": _("certificate number"),
            "leader": _("leader"), "file": _("file")}


def describe(problem: roster.Problem) -> str:
    """A roster problem in the page's language."""
    value = problem.value
    words = {
        "required": _("required"), "duplicate": _("the same user name as row %(row)s", row=value),
        "bad_phone": _("%(value)s is not a phone number (a mobile number of 11 digits, or a landline with its area "
                       "code such as 0573-82345678)", value=value),
        "unknown_team": _("no team %(value)s: give the team's code or its name as the service lists them",
                          value=value),
        "unknown_role": _("no role %(value)s", value=value),
        "role_not_granted": _("a roster cannot grant the role %(value)s", value=value),
        "unknown_qualification": _("no qualification %(value)s: social worker, counsellor, labour-relations "
                                   "coordinator or people's mediator", value=value),
        "too_long": _("longer than %(value)s characters", value=value),
        "username_rule": _("a user name has letters, digits, '.', '_' and '-' only (64 at most)"),
        "missing_column": _("the header row has no column %(value)s", value=value),
        "unreadable": _("the file is not a readable XLSX or CSV file (%(detail)s)", detail=problem.message),
        "empty": _("the file is empty"), "too_many_rows": _("more than %(value)s rows: split the roster",
                                                           value=value),
        "no_certificate": _("a people's mediator without a certificate number"),
        "case_twin": _("differs from the user %(value)s only in upper and lower case", value=value),
        "unsafe_name": _("the name holds invisible or control characters, or starts with =, +, - or @"),
        "deactivated": _("this person is deactivated; the import does not reactivate anyone"),
    }
    return str(words.get(problem.kind, problem.message))


def _team_choices() -> list[tuple[str, str, str]]:
    return [(t.code, t.name, t.kind) for t in db.session.execute(
        select(Team.code, Team.name, Team.kind).where(Team.active.is_(True)).order_by(Team.kind, Team.name))]


def _changes_from(form: Any) -> service.Changes:
    phone = rules.normal_phone(form.get("phone", ""))
    teams = list(dict.fromkeys(t for t in form.getlist("teams") if t))[:100]
    return service.Changes(name=form.get("name", "").strip()[:rules.NAME_MAX] or None, phone=phone or None,
                           clear_phone=not phone, roles=list(dict.fromkeys(r for r in form.getlist("roles") if r)),
                           teams=teams, leads=[t for t in form.getlist("leads") if t in teams],
                           qualifications=list(dict.fromkeys(q for q in form.getlist("qualifications") if q)),
                           certificate_no=form.get("certificate_no", "").strip()[:rules.CERTIFICATE_MAX] or None)


def _person_form(person: dict[str, Any] | None, errors: dict[str, list[str]], status: int = 200,
                 temporary: str | None = None) -> tuple[str, int]:
    return render_template("admin/person.html", person=person, errors=errors, roles=ROLES,
                           qualifications=QUALIFICATIONS, teams=_team_choices(), temporary=temporary,
                           load=workload.by_member(usernames=[person["username"]]).get(person["username"])
                           if person else None), status


@bp.route("/admin/people/new", methods=["GET", "POST"])
@permissions.page(policy.administers_people)
def new_person() -> tuple[str, int] | Response:
    if request.method == "GET":
        return _person_form(None, {})
    username = request.form.get("username", "").strip()[:64]
    changes = _changes_from(request.form)
    try:
        person, temporary = service.create_person(caller(), username, changes, None)
        db.session.commit()
    except ApiError as err:
        db.session.rollback()
        draft = {"username": username, "name": changes.name or "", "phone": request.form.get("phone", ""),
                 "roles": changes.roles or [], "teams": changes.teams or [], "leads": changes.leads or [],
                 "qualifications": changes.qualifications or [], "certificate_no": changes.certificate_no,
                 "active": True, "new": True}
        return _person_form(draft, err.fields or {"_form": [page_message(err)]}, 422)
    flash(_("%(name)s can sign in with the temporary password below; they choose their own at once.",
            name=person["name"]), "ok")
    return _person_form(person, {}, 201, temporary)


@bp.route("/admin/people/<string:username>", methods=["GET", "POST"])
@permissions.page(policy.administers_people)
def person_page(username: str) -> tuple[str, int] | Response:
    principal = caller()
    try:
        person = service.get_person(username)
    except ApiError:
        abort(404)
    if request.method == "GET":
        return _person_form(person, {})
    action = request.form.get("action", "save")
    try:
        if action == "reset":
            temporary = service.reset_password(principal, username)
            db.session.commit()
            flash(_("Password reset. Every session of %(name)s has ended.", name=person["name"]), "ok")
            return _person_form(service.get_person(username), {}, 200, temporary)
        if action in ("deactivate", "reactivate"):
            service.update_person(principal, username, service.Changes(active=action == "reactivate"))
            db.session.commit()
            flash(_("%(name)s is deactivated: no sign-in, no token; their name stays on what they did.",
                    name=person["name"]) if action == "deactivate" else
                  _("%(name)s is active again.", name=person["name"]), "ok")
            return redirect(url_for("admin.person_page", username=username))
        service.update_person(principal, username, _changes_from(request.form))
        db.session.commit()
    except ApiError as err:
        db.session.rollback()
        return _person_form(person, err.fields or {"_form": [page_message(err)]}, 422)
    flash(_("Saved."), "ok")
    return redirect(url_for("admin.person_page", username=username))
