from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from app.auth.models import ROLES, Membership, User
from app.auth.principal import Principal
from app.engine import clock
from app.errors import Invalid
from app.extensions import db
from app.routing.models import Team

_ITERATIONS = 200_000


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ITERATIONS).hex()
    return f"pbkdf2_sha256${_ITERATIONS}${salt}${digest}"


def check_password(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        _algo, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)


def get_user(username: str) -> User | None:
    return db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def create_user(username: str, roles: list[str], teams: list[str], *, password: str | None = None,
                display_name: str | None = None) -> User:
    """Create a user, or bring an existing one's roles and teams up to date (idempotent)."""
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
        user = User(username=username, display_name=display_name or username, roles=",".join(roles),
                    active=True, created_at=clock.now())
        db.session.add(user)
        db.session.flush()
    else:
        user.roles = ",".join(sorted(set(user.role_list) | set(roles)))
        if display_name:
            user.display_name = display_name
    if password:
        user.password_hash = hash_password(password)
    current = set(db.session.execute(select(Membership.team_code).where(Membership.user_id == user.id)).scalars())
    for team in teams:
        if team not in current:
            db.session.add(Membership(user_id=user.id, team_code=team))
    db.session.flush()
    return user


def principal_for(user_id: int) -> Principal | None:
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    teams = db.session.execute(select(Membership.team_code).where(Membership.user_id == user_id)).scalars()
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     roles=frozenset(user.role_list), teams=frozenset(teams))
