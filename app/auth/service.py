"""Users, their roles and teams, passwords, and the principal a request acts as."""
from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select, update

from app.auth import audit
from app.auth.audit import real_now
from app.auth.models import QUALIFICATIONS, ROLES, Membership, Qualification, User, WebSession
from app.auth.passwords import check_password, check_policy, hash_password
from app.auth.principal import Principal
from app.engine import clock
from app.errors import Invalid
from app.extensions import db
from app.routing.models import Team

__all__ = ["check_password", "create_user", "get_user", "principal_for", "set_password"]


def get_user(username: str) -> User | None:
    return db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def _bump(user: User) -> None:
    user.auth_version = (user.auth_version or 1) + 1


def end_sessions(user_id: int) -> None:
    db.session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                       .values(ended_at=real_now()))


def set_password(user: User, password: str, *, actor: str | None = None) -> None:
    """Check the policy, store the new hash and end every signed-in session of the user."""
    check_policy(password, user.username, user.display_name)
    user.password_hash = hash_password(password)
    user.password_changed_at = real_now()
    user.must_change_password = False
    _bump(user)
    db.session.flush()
    end_sessions(user.id)
    audit.record("password.changed", username=user.username, user_id=user.id, detail=f"by {actor or user.username}")


def create_user(username: str, roles: list[str], teams: list[str], *, password: str | None = None,
                display_name: str | None = None, qualifications: dict[str, str | None] | None = None,
                leads: list[str] | None = None, phone: str | None = None) -> User:
    """Create a user, or bring an existing one's roles, teams and qualifications up to date (idempotent).
    ``qualifications``: code → certificate number (or None); ``leads``: teams of ``teams`` they lead."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise Invalid(f"unknown role {', '.join(unknown)}; roles are {', '.join(ROLES)}",
                      {"role": [f"must be one of {', '.join(ROLES)}"]})
    if not roles:
        raise Invalid("a user needs at least one role", {"role": ["required"]})
    known_teams = set(db.session.execute(select(Team.code).where(Team.code.in_(teams))).scalars())
    missing = [t for t in teams if t not in known_teams]
    if missing:
        raise Invalid(f"unknown team {', '.join(missing)}", {"team": [f"no team with code {m}" for m in missing]})
    user = get_user(username)
    if user is None:
        if password:
            check_policy(password, username, display_name)
        user = User(username=username, display_name=display_name or username, roles=",".join(roles),
                    active=True, created_at=clock.now(), auth_version=1)
        db.session.add(user)
        db.session.flush()
        if password:
            user.password_hash = hash_password(password)
            user.password_changed_at = real_now()
    else:
        new_roles = ",".join(sorted(set(user.role_list) | set(roles)))
        if new_roles != user.roles:
            user.roles = new_roles
            _bump(user)
        if display_name:
            user.display_name = display_name
        # Loading the demo again must not end everyone's sessions: only a different password is a change.
        if password and not check_password(user.password_hash, password):
            set_password(user, password)
    current = set(db.session.execute(select(Membership.team_code).where(Membership.user_id == user.id)).scalars())
    added = [t for t in teams if t not in current]
    for team in added:
        db.session.add(Membership(user_id=user.id, team_code=team))
    if added:
        _bump(user)
    if qualifications:
        add_qualifications(user, qualifications)
    if leads:
        db.session.flush()
        for membership in db.session.execute(select(Membership).where(
                Membership.user_id == user.id, Membership.team_code.in_(leads))).scalars():
            if not membership.is_leader:
                membership.is_leader = True
                _bump(user)
    if phone and not user.phone:
        user.phone = phone
    db.session.flush()
    return user


def add_qualifications(user: User, qualifications: dict[str, str | None]) -> None:
    unknown = [q for q in qualifications if q not in QUALIFICATIONS]
    if unknown:
        raise Invalid(f"unknown qualification {', '.join(unknown)}",
                      {"qualifications": [f"must be one of {', '.join(QUALIFICATIONS)}"]})
    held = {q.code: q for q in db.session.execute(select(Qualification).where(Qualification.user_id == user.id))
            .scalars()}
    for code, certificate in qualifications.items():
        if code not in held:
            db.session.add(Qualification(user_id=user.id, code=code, certificate_no=certificate))
            _bump(user)
        elif certificate and held[code].certificate_no != certificate:
            held[code].certificate_no = certificate


def credential(principal: Principal, qualification: str | None) -> dict[str, Any] | None:
    """The qualification a step required, as this person holds it: what goes on the record they sign."""
    if qualification is None:
        return None
    certificate = db.session.execute(select(Qualification.certificate_no).where(
        Qualification.user_id == principal.user_id, Qualification.code == qualification)).scalar()
    return {"qualification": qualification, "name": principal.display_name, "certificate_no": certificate}


class _PrincipalCache:
    """Principals keyed by (user id, auth_version): any change to a user bumps the version, so a cached
    entry is never used after it went stale, in any process."""

    def __init__(self) -> None:
        self._entries: dict[tuple[int, int], Principal] = {}
        self._lock = threading.Lock()

    def get(self, user_id: int, version: int) -> Principal | None:
        found = self._entries.get((user_id, version))
        if found is not None:
            return found
        principal = principal_for(user_id)
        if principal is not None:
            with self._lock:
                if len(self._entries) > 10_000:
                    self._entries.clear()
                self._entries[(user_id, version)] = principal
        return principal

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def principal_for(user_id: int) -> Principal | None:
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    teams = db.session.execute(select(Membership.team_code, Membership.is_leader)
                               .where(Membership.user_id == user_id)).all()
    held = db.session.execute(select(Qualification.code).where(Qualification.user_id == user_id)).scalars()
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     roles=frozenset(user.role_list), teams=frozenset(t.team_code for t in teams),
                     qualifications=frozenset(held), leads=frozenset(t.team_code for t in teams if t.is_leader),
                     must_change_password=bool(user.must_change_password))


principals = _PrincipalCache()
