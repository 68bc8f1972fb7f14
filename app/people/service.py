"""People as the administration keeps them: create, change, deactivate (never delete: the timelines keep the
names of those who acted), reset a password with a forced change at the next sign-in. Every act is one audit
event in the sign-in and account trail (auth_events), in the caller's transaction."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, true, update

from app.auth import audit
from app.auth.audit import real_now
from app.auth.models import QUALIFICATIONS, ROLES, Membership, Qualification, User
from app.auth.passwords import check_policy, hash_password
from app.auth.principal import Principal
from app.auth.service import end_sessions
from app.cases.masking import Mask
from app.casework import operations
from app.casework.models import WorkItem
from app.casework.unit import CaseRef, CaseUnit
from app.engine import clock
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.people import duty, rules, workload
from app.people.models import DutyShift
from app.routing.models import Team

users_t = User.__table__
members_t = Membership.__table__
quals_t = Qualification.__table__
items_t = WorkItem.__table__
# Teammates' phones as the case reads mask a reporter's: the first three and last four digits.
MASKED = Mask(personal=False, own_teams=frozenset())


@dataclass
class Changes:
    """The fields a create or a change sets; None: left as it is."""

    name: str | None = None
    phone: str | None = None
    clear_phone: bool = False
    roles: list[str] | None = None
    teams: list[str] | None = None
    leads: list[str] | None = None
    qualifications: list[str] | None = None
    certificate_no: str | None = None
    active: bool | None = None


def _people(where: Any, order: bool = True) -> list[dict[str, Any]]:
    """People with their teams and qualifications: three queries whatever the number of people."""
    query = select(users_t).where(where)
    if order:
        query = query.order_by(users_t.c.display_name, users_t.c.username)
    users = db.session.execute(query).all()
    ids = [u.id for u in users]
    teams: dict[int, list[dict[str, Any]]] = {}
    quals: dict[int, list[Any]] = {}
    if ids:
        for m in db.session.execute(select(members_t.c.user_id, members_t.c.team_code, members_t.c.is_leader,
                                           Team.name).join(Team, Team.code == members_t.c.team_code)
                                    .where(members_t.c.user_id.in_(ids)).order_by(members_t.c.team_code)):
            teams.setdefault(m.user_id, []).append({"code": m.team_code, "name": m.name, "leader": bool(m.is_leader)})
        for q in db.session.execute(select(quals_t).where(quals_t.c.user_id.in_(ids)).order_by(quals_t.c.code)):
            quals.setdefault(q.user_id, []).append(q)
    return [present(u, teams.get(u.id, []), quals.get(u.id, [])) for u in users]


def present(user: Any, teams: list[dict[str, Any]], quals: list[Any]) -> dict[str, Any]:
    held = [q.code for q in quals]
    certificates = {q.code: q.certificate_no for q in quals if q.certificate_no}
    return {"username": user.username, "name": user.display_name, "phone": user.phone,
            "roles": [r for r in (user.roles or "").split(",") if r], "teams": [t["code"] for t in teams],
            "leads": [t["code"] for t in teams if t["leader"]], "team_details": teams, "qualifications": held,
            "certificate_no": certificates.get("mediator") or next(iter(certificates.values()), None),
            "certificates": certificates, "active": bool(user.active),
            "must_change_password": bool(user.must_change_password), "has_password": bool(user.password_hash),
            "deactivated_at": user.deactivated_at, "created_at": user.created_at}


def list_people(args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    conditions: list[Any] = []
    if args.get("q"):
        text = "%" + args["q"].strip().replace("%", "").replace("_", "") + "%"
        conditions.append(or_(users_t.c.username.like(text), users_t.c.display_name.like(text),
                              users_t.c.phone.like(text)))
    if args.get("team"):
        conditions.append(users_t.c.id.in_(select(members_t.c.user_id).where(members_t.c.team_code == args["team"])))
    if args.get("role"):
        conditions.append(or_(users_t.c.roles == args["role"], users_t.c.roles.like(f"{args['role']},%"),
                              users_t.c.roles.like(f"%,{args['role']}"), users_t.c.roles.like(f"%,{args['role']},%")))
    if args.get("qualification"):
        conditions.append(users_t.c.id.in_(select(quals_t.c.user_id).where(quals_t.c.code == args["qualification"])))
    if args.get("active") is not None:
        conditions.append(users_t.c.active.is_(args["active"]))
    where = and_(true(), *conditions)
    total = db.session.execute(select(func.count()).select_from(users_t).where(where)).scalar_one()
    page, per_page = args.get("page", 1), args.get("per_page", 20)
    ids = db.session.execute(select(users_t.c.id).where(where).order_by(users_t.c.display_name, users_t.c.username)
                             .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return _people(users_t.c.id.in_(list(ids))) if ids else [], total


def get_person(username: str) -> dict[str, Any]:
    found = _people(users_t.c.username == username, order=False)
    if not found:
        raise NotFound(f"no user {username}")
    return found[0]


def _user(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {username}")
    return user


def check(changes: Changes, known_teams: set[str]) -> dict[str, list[str]]:
    """Field problems of a create or change, in the API's words."""
    problems: dict[str, list[str]] = {}
    if changes.roles is not None:
        unknown = [r for r in changes.roles if r not in ROLES]
        if unknown:
            problems["roles"] = [f"unknown role {r}; roles are {', '.join(ROLES)}" for r in unknown]
        elif not changes.roles:
            problems["roles"] = ["at least one role"]
    if changes.teams is not None:
        missing = [t for t in changes.teams if t not in known_teams]
        if missing:
            problems["teams"] = [f"no team with code {t}" for t in missing]
    if changes.leads is not None:
        teams = changes.teams
        outside = [t for t in changes.leads if teams is not None and t not in teams]
        missing = [t for t in changes.leads if t not in known_teams]
        if missing or outside:
            problems["leads"] = [f"no team with code {t}" for t in missing] + [
                f"{t} is not one of the person's teams" for t in outside]
    if changes.qualifications is not None:
        unknown = [q for q in changes.qualifications if q not in QUALIFICATIONS]
        if unknown:
            problems["qualifications"] = [f"unknown qualification {q}; they are {', '.join(QUALIFICATIONS)}"
                                          for q in unknown]
    if changes.phone:
        problem = rules.phone_problem(changes.phone)
        if problem:
            problems["phone"] = [problem]
    return problems


def _known_teams(changes: Changes) -> set[str]:
    wanted = set(changes.teams or []) | set(changes.leads or [])
    if not wanted:
        return set()
    return set(db.session.execute(select(Team.code).where(Team.code.in_(wanted))).scalars())


def _bump(user_id: int) -> None:
    db.session.execute(update(users_t).where(users_t.c.id == user_id)
                       .values(auth_version=users_t.c.auth_version + 1))


def set_teams(user_id: int, teams: list[str], leads: list[str] | None, *, replace: bool) -> bool:
    """The person's teams (all of them, or these added) and which they lead. Returns whether anything changed."""
    current = {m.team_code: bool(m.is_leader) for m in db.session.execute(
        select(members_t.c.team_code, members_t.c.is_leader).where(members_t.c.user_id == user_id))}
    wanted = set(teams) | (set() if replace else set(current))
    lead = set(leads) if leads is not None else {t for t, leader in current.items() if leader}
    gone = [t for t in current if t not in wanted]
    added = [t for t in wanted if t not in current]
    relead = [t for t in wanted if t in current and current[t] != (t in lead)]
    if gone:
        db.session.execute(delete(members_t).where(members_t.c.user_id == user_id, members_t.c.team_code.in_(gone)))
    if added:
        db.session.execute(insert(members_t), [{"user_id": user_id, "team_code": t, "is_leader": t in lead}
                                               for t in sorted(added)])
    for team in relead:
        db.session.execute(update(members_t).where(members_t.c.user_id == user_id, members_t.c.team_code == team)
                           .values(is_leader=team in lead))
    return bool(gone or added or relead)


def set_qualifications(user_id: int, codes: list[str], certificate_no: str | None) -> bool:
    current = {q.code: q.certificate_no for q in db.session.execute(
        select(quals_t.c.code, quals_t.c.certificate_no).where(quals_t.c.user_id == user_id))}
    gone = [c for c in current if c not in codes]
    added = [c for c in codes if c not in current]
    if gone:
        db.session.execute(delete(quals_t).where(quals_t.c.user_id == user_id, quals_t.c.code.in_(gone)))
    if added:
        db.session.execute(insert(quals_t), [{"user_id": user_id, "code": c, "certificate_no": certificate_no}
                                             for c in added])
    recertified = certificate_no is not None and any(current[c] != certificate_no for c in codes if c in current)
    if recertified:
        db.session.execute(update(quals_t).where(quals_t.c.user_id == user_id, quals_t.c.code.in_(codes))
                           .values(certificate_no=certificate_no))
    return bool(gone or added or recertified)


def temporary_password() -> str:
    # Four groups of five from an alphabet without look-alikes (0/O, 1/l/I): read out on the phone, typed once.
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def create_person(actor: Principal, username: str, changes: Changes, password: str | None) -> tuple[dict[str, Any],
                                                                                                 str | None]:
    """A new user; without a password, a temporary one (returned once) that must be changed at sign-in."""
    problems = check(changes, _known_teams(changes))
    name_problem = rules.username_problem(username)
    if name_problem:
        problems["username"] = [name_problem]
    if not changes.roles:
        problems.setdefault("roles", ["at least one role"])
    if problems:
        raise Invalid("the user does not pass validation: " + "; ".join(
            f"{k}: {', '.join(v)}" for k, v in sorted(problems.items())), problems)
    same = db.session.execute(select(users_t.c.username).where(
        func.lower(users_t.c.username) == username.lower())).scalar()
    if same is not None:
        # Admin beside admin would be a look-alike in every timeline and picker.
        raise Conflict(f"there is a user {same} already" + ("" if same == username else " (only the case differs)"),
                       code="exists")
    if password:
        check_policy(password, username, changes.name)
    temporary = None if password else temporary_password()
    user = User(username=username, display_name=changes.name or username, roles=",".join(changes.roles or []),
                active=True, created_at=clock.now(), auth_version=1, phone=changes.phone,
                password_hash=hash_password(password or temporary or ""), password_changed_at=real_now(),
                must_change_password=temporary is not None)
    db.session.add(user)
    db.session.flush()
    set_teams(user.id, changes.teams or [], changes.leads, replace=True)
    set_qualifications(user.id, changes.qualifications or [], changes.certificate_no)
    audit.record("user.created", username=username, user_id=user.id,
                 detail=f"by {actor.username}; roles={user.roles}; teams={','.join(changes.teams or [])}")
    return get_person(username), temporary


def update_person(actor: Principal, username: str, changes: Changes) -> dict[str, Any]:
    user = _user(username)
    problems = check(changes, _known_teams(changes))
    if changes.leads is not None and changes.teams is None:
        current = set(db.session.execute(select(members_t.c.team_code).where(members_t.c.user_id == user.id))
                      .scalars())
        outside = [t for t in changes.leads if t not in current]
        if outside:
            problems.setdefault("leads", []).extend(f"{t} is not one of the person's teams" for t in outside)
    if user.id == actor.user_id:
        if changes.active is False:
            problems["active"] = ["you cannot deactivate yourself; ask another administrator"]
        if changes.roles is not None and "admin" in user.role_list and "admin" not in changes.roles:
            problems["roles"] = ["you cannot take the admin role from yourself; ask another administrator"]
    if problems:
        raise Invalid("the change does not pass validation: " + "; ".join(
            f"{k}: {', '.join(v)}" for k, v in sorted(problems.items())), problems)
    changed: list[str] = []
    if changes.name is not None and changes.name != user.display_name:
        user.display_name = changes.name
        changed.append("name")
    if changes.clear_phone or (changes.phone is not None and changes.phone != user.phone):
        user.phone = None if changes.clear_phone else changes.phone
        changed.append("phone")
    if changes.roles is not None and set(changes.roles) != set(user.role_list):
        user.roles = ",".join(sorted(set(changes.roles)))
        changed.append("roles")
    if (changes.teams is not None or changes.leads is not None) and set_teams(
            user.id, changes.teams if changes.teams is not None else [], changes.leads,
            replace=changes.teams is not None):
        changed.append("teams")
    if changes.qualifications is not None or changes.certificate_no is not None:
        held = changes.qualifications if changes.qualifications is not None else list(db.session.execute(
            select(quals_t.c.code).where(quals_t.c.user_id == user.id)).scalars())
        if set_qualifications(user.id, held, changes.certificate_no):
            changed.append("qualifications")
    if changes.active is not None and changes.active != user.active:
        _set_active(actor, user, changes.active)
        changed.append("active")
    if changed:
        user.auth_version = (user.auth_version or 1) + 1
        db.session.flush()
        audit.record("user.updated", username=username, user_id=user.id,
                     detail=f"by {actor.username}; changed {', '.join(changed)}")
    return get_person(username)


def _set_active(actor: Principal, user: User, active: bool) -> None:
    user.active = active
    user.deactivated_at = None if active else real_now()
    if active:
        audit.record("user.reactivated", username=user.username, user_id=user.id, detail=f"by {actor.username}")
        return
    db.session.flush()
    end_sessions(user.id)
    released = release_claims(user.username, actor.username)
    audit.record("user.deactivated", username=user.username, user_id=user.id,
                 detail=f"by {actor.username}; {released} claimed steps back to their teams' queues")


def release_claims(username: str, actor: str, team_code: str | None = None) -> int:
    """The person's claimed steps (of every team, or of this one) go back to the queues, each a case change of its
    own (the case's timeline says who released it)."""
    conditions = [items_t.c.assignee == username, items_t.c.state == "claimed"]
    if team_code is not None:
        conditions.append(items_t.c.team_code == team_code)
    rows = db.session.execute(select(items_t.c.id, items_t.c.case_id, items_t.c.case_no, items_t.c.name,
                                     items_t.c.element_id, items_t.c.assignee, items_t.c.lane)
                              .where(*conditions)).all()
    for row in rows:
        operations.release(CaseUnit(CaseRef.of_item(row)), row, actor)
    return len(rows)


def reset_password(actor: Principal, username: str) -> str:
    """A temporary password, shown once to the administrator: every session of the user ends and the next
    sign-in leads to the password page (API tokens are credentials of their own: revoke them apart)."""
    user = _user(username)
    temporary = temporary_password()
    user.password_hash = hash_password(temporary)
    user.password_changed_at = real_now()
    user.must_change_password = True
    user.auth_version = (user.auth_version or 1) + 1
    db.session.flush()
    end_sessions(user.id)
    audit.record("password.reset", username=username, user_id=user.id, detail=f"by {actor.username}")
    return temporary


def team_members(principal: Principal, team_code: str) -> dict[str, Any]:
    """A team's members with their qualifications, who is on duty now and what each holds; phones in full for an
    administrator, a supervisor and the team's leader (they call them), masked for the other members."""
    team = db.session.get(Team, team_code)
    if team is None:
        raise NotFound(f"no team {team_code}")
    in_full = principal.has_role("supervisor") or team_code in principal.leads
    people = _people(users_t.c.id.in_(select(members_t.c.user_id).where(members_t.c.team_code == team_code)))
    on_duty = {p["username"] for p in duty.on_duty([team_code]).get(team_code, [])}
    loads = workload.by_member([team_code])
    items = [{"username": p["username"], "name": p["name"],
              "phone": p["phone"] if in_full else MASKED.phone(p["phone"]), "roles": p["roles"],
              "qualifications": p["qualifications"], "leader": team_code in p["leads"], "active": p["active"],
              "on_duty": p["username"] in on_duty,
              "load": loads.get(p["username"], workload.Load()).as_json()} for p in people]
    items.sort(key=lambda m: (not m["active"], not m["on_duty"], not m["leader"], m["name"]))
    return {"team": {"code": team.code, "name": team.name, "kind": team.kind},
            "load": workload.by_team([team_code]).get(team_code, workload.Load()).as_json(),
            "items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


def add_member(actor: Principal, team_code: str, username: str) -> dict[str, Any]:
    """A team's leader (or an admin) brings an existing, active person into the team; roles stay the
    administrator's to give."""
    user = _user(username)
    if not user.active:
        raise Invalid(f"{username} is deactivated", {"username": ["deactivated"]})
    if db.session.get(Team, team_code) is None:
        raise NotFound(f"no team {team_code}")
    if set_teams(user.id, [team_code], None, replace=False):
        _bump(user.id)
        audit.record("team.member_added", username=username, user_id=user.id,
                     detail=f"by {actor.username}; {team_code}")
    return get_person(username)


def remove_member(actor: Principal, team_code: str, username: str) -> dict[str, Any]:
    """Out of the team: their claimed steps of the team go back to its queue, their shifts on its rota end."""
    user = _user(username)
    if user.id == actor.user_id and team_code in actor.leads and not actor.has_role("admin"):
        raise Invalid("a leader cannot take themselves out of their team; ask an administrator",
                      {"username": ["yourself"]})
    member = db.session.execute(select(members_t.c.user_id).where(members_t.c.user_id == user.id,
                                                                  members_t.c.team_code == team_code)).first()
    if member is None:
        raise NotFound(f"{username} is not a member of {team_code}")
    db.session.execute(delete(members_t).where(members_t.c.user_id == user.id, members_t.c.team_code == team_code))
    released = release_claims(username, actor.username, team_code)
    shifts = DutyShift.__table__
    db.session.execute(delete(shifts).where(shifts.c.user_id == user.id, shifts.c.team_code == team_code,
                                            shifts.c.ends_at > clock.now()))
    _bump(user.id)
    audit.record("team.member_removed", username=username, user_id=user.id,
                 detail=f"by {actor.username}; {team_code}; {released} claimed steps back to the queue")
    return get_person(username)
