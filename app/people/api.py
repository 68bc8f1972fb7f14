"""`/api/v1/users` (administrators), `/api/v1/teams/{code}/members` and a team's duty rota."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from app.apidoc import COMMON, READ_ONE, WRITE, operation
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.auth.principal import Principal
from app.engine import clock
from app.errors import ApiError, Forbidden, NotFound
from app.extensions import db
from app.http import json_body, load, page_of, query
from app.people import duty, roster, service
from app.people.schemas import (
    ImportAnswerSchema,
    ImportArgsSchema,
    ImportRefusedSchema,
    MembersSchema,
    PasswordResetSchema,
    PersonChangeSchema,
    PersonCreateSchema,
    PersonFilterSchema,
    PersonPageSchema,
    PersonSchema,
    ShiftCreateSchema,
    ShiftFilterSchema,
    ShiftPageSchema,
    ShiftSchema,
)
from app.routing.models import Team

blp = Blueprint("api_people", __name__, url_prefix="/api/v1", description="People and teams (人员与队伍)")
MAX_ROSTER_BYTES = 5 * 1024 * 1024

_change = PersonChangeSchema()
_create = PersonCreateSchema()
UPLOAD = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary",
             "description": "XLSX or CSV: username, name, phone, team, role, qualifications, certificate_no"}}}


def _once(values: list[str] | None) -> list[str] | None:
    """A list as a set, in its order: the same team or qualification twice is the same one."""
    return list(dict.fromkeys(values)) if values is not None else None


def changes_of(data: dict[str, Any]) -> service.Changes:
    return service.Changes(
        name=data.get("name"), phone=data.get("phone") or None, clear_phone="phone" in data and not data["phone"],
        roles=_once(data.get("roles")), teams=_once(data.get("teams")), leads=_once(data.get("leads")),
        qualifications=_once(data.get("qualifications")), certificate_no=data.get("certificate_no"),
        active=data.get("active"))


def _committed(body: Any) -> Any:
    db.session.commit()
    return body


@blp.route("/users")
class Users(MethodView):
    @operation(blp, ok={200: PersonPageSchema}, errors=(*COMMON, 400, 422), query=PersonFilterSchema,
               summary="People, by name: their roles, teams, qualifications and whether they are active")
    @permissions.api(policy.administers_people)
    def get(self) -> Any:
        args = query(PersonFilterSchema())
        items, total = service.list_people(args)
        return page_of(items, total, args["page"], args["per_page"])

    @operation(blp, ok={201: PersonSchema}, errors=WRITE, body=PersonCreateSchema,
               summary="Create a person (without a password: a temporary one, changed at the first sign-in)")
    @permissions.api(policy.administers_people)
    def post(self) -> Any:
        data = load(_create, json_body())
        person, temporary = service.create_person(caller(), data["username"], changes_of(data), data.get("password"))
        if temporary:
            person["temporary_password"] = temporary
        return _committed(person), 201, {"Location": url_for("api_people.User", username=data["username"])}


@blp.route("/users/import")
class UsersImport(MethodView):
    @operation(blp, ok={200: ImportAnswerSchema, 422: ImportRefusedSchema}, errors=WRITE, query=ImportArgsSchema,
               body=UPLOAD, content_type="multipart/form-data",
               summary="Import a roster (XLSX or CSV): every problem by row and column; nothing is imported while "
                       "there is one; then all rows in one transaction")
    @permissions.api(policy.administers_people)
    def post(self) -> Any:
        args = query(ImportArgsSchema())
        # In the query (the contract's place) or, as some clients send it, beside the file.
        dry_run = str(args.get("dry_run") or request.form.get("dry_run", "")).lower() in ("1", "true", "yes")
        if request.content_length is not None and request.content_length > MAX_ROSTER_BYTES + 64 * 1024:
            raise ApiError(413, f"a roster is {MAX_ROSTER_BYTES // (1024 * 1024)} MB at most")
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(422, "send the roster as multipart/form-data in a field named 'file'",
                           code="validation_failed", fields={"file": ["required"]})
        data = upload.read(MAX_ROSTER_BYTES + 1)
        if len(data) > MAX_ROSTER_BYTES:
            raise ApiError(413, f"a roster is {MAX_ROSTER_BYTES // (1024 * 1024)} MB at most")
        outcome = roster.import_roster(caller(), upload.filename or "roster", data, dry_run=dry_run)
        body = outcome.as_json()
        if outcome.problems and not dry_run:
            db.session.rollback()
            body["error"] = {"code": "validation_failed", "fields": {},
                             "message": f"the roster has {len(outcome.problems)} problems; nothing was imported"}
            return body, 422
        if dry_run:
            db.session.rollback()
            return body
        return _committed(body)


@blp.route("/users/<username:username>")
class User(MethodView):
    # 405: /users/import is the import's own path (POST only), never a person's.
    @operation(blp, ok={200: PersonSchema}, errors=(*READ_ONE, 400, 405), summary="One person")
    @permissions.api(policy.administers_people)
    def get(self, username: str) -> Any:
        return service.get_person(username)

    @operation(blp, ok={200: PersonSchema}, errors=(*WRITE, 405), body=PersonChangeSchema,
               summary="Change a person: name, phone, roles, teams (and which they lead), qualifications, active")
    @permissions.api(policy.administers_people)
    def patch(self, username: str) -> Any:
        data = load(_change, json_body())
        return _committed(service.update_person(caller(), username, changes_of(data)))


@blp.route("/users/<username:username>/password-reset")
class PasswordReset(MethodView):
    @operation(blp, ok={200: PasswordResetSchema}, errors=WRITE,
               summary="A temporary password (shown once); every session ends, the next sign-in must change it")
    @permissions.api(policy.administers_people)
    def post(self, username: str) -> Any:
        temporary = service.reset_password(caller(), username)
        return _committed({"username": username, "temporary_password": temporary, "must_change_password": True})


def _team(code: str) -> Team:
    team = db.session.get(Team, code)
    if team is None:
        raise NotFound(f"no team {code}")
    return team


def _manager_of(code: str, what: str) -> Principal:
    """The caller, if they lead the team or administer people (404 for no such team, else 403)."""
    principal = caller()
    _team(code)
    if not policy.manages_team(principal, code):
        raise Forbidden(f"only the leader of {code} or an administrator {what}")
    return principal


def check_sees_team(principal: Principal, code: str) -> Team:
    team = _team(code)
    if not (code in principal.teams or principal.has_role("supervisor") or policy.manages_team(principal, code)):
        raise Forbidden(f"only the members of {code}, its leader, supervisors and administrators see its people")
    return team


@blp.route("/teams/<string:code>/members")
class TeamMembers(MethodView):
    @operation(blp, ok={200: MembersSchema}, errors=(*READ_ONE, 400),
               summary="A team's members: qualifications, leader, on duty now, open and overdue items each")
    @permissions.api(policy.sees_team_members)
    def get(self, code: str) -> Any:
        principal = caller()
        check_sees_team(principal, code)
        return service.team_members(principal, code)


@blp.route("/teams/<string:code>/members/<username:username>")
class TeamMember(MethodView):
    @operation(blp, ok={200: PersonSchema}, errors=WRITE,
               summary="Bring an existing person into the team (the team's leader or an administrator)")
    @permissions.api(policy.leads_a_team)
    def put(self, code: str, username: str) -> Any:
        principal = _manager_of(code, "changes its members")
        return _committed(service.add_member(principal, code, username))

    @operation(blp, ok={200: PersonSchema}, errors=WRITE,
               summary="Take a person out of the team: their claimed steps of it go back to its queue")
    @permissions.api(policy.leads_a_team)
    def delete(self, code: str, username: str) -> Any:
        principal = _manager_of(code, "changes its members")
        return _committed(service.remove_member(principal, code, username))


@blp.route("/teams/<string:code>/duty")
class TeamDuty(MethodView):
    @operation(blp, ok={200: ShiftPageSchema}, errors=(*READ_ONE, 400, 422), query=ShiftFilterSchema,
               summary="The team's duty rota: the shifts overlapping [from, to) (default: the next seven days)")
    @permissions.api(policy.sees_team_members)
    def get(self, code: str) -> Any:
        check_sees_team(caller(), code)
        args = query(ShiftFilterSchema())
        since = args.get("from_") or clock.now()
        until = args.get("to") or since + timedelta(days=7)
        if until - since > timedelta(days=62):
            raise ApiError(422, "a rota is read two months at most at a time", code="validation_failed",
                           fields={"to": ["at most 62 days after from"]})
        items = duty.shifts(code, since, until)
        return page_of(items, len(items), 1, max(len(items), 1))

    @operation(blp, ok={201: ShiftSchema}, errors=WRITE, body=ShiftCreateSchema,
               summary="Put a member on duty from starts_at to ends_at (the team's leader or an administrator)")
    @permissions.api(policy.leads_a_team)
    def post(self, code: str) -> Any:
        principal = _manager_of(code, "keeps its rota")
        data = load(ShiftCreateSchema(), json_body())
        shift = duty.add_shift(principal, code, data["username"], data["starts_at"], data["ends_at"])
        db.session.commit()
        return shift, 201


@blp.route("/teams/<string:code>/duty/<id:shift_id>")
class TeamShift(MethodView):
    @operation(blp, ok={200: ShiftSchema}, errors=WRITE,
               summary="Take a shift off the rota (answers the shift removed)")
    @permissions.api(policy.leads_a_team)
    def delete(self, code: str, shift_id: int) -> Any:
        principal = _manager_of(code, "keeps its rota")
        removed = duty.remove_shift(principal, code, shift_id)
        db.session.commit()
        return removed
