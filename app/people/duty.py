"""A team's duty rota: who is on duty when (24-hour teams cover the day in shifts). The queue shows who is on duty
now, and a new step's notice to its team goes to the members on duty."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select

from app.auth import audit
from app.auth.models import Membership, User
from app.auth.principal import Principal
from app.engine import clock
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.moments import SHANGHAI
from app.people.models import DutyShift

shifts_t = DutyShift.__table__
users_t = User.__table__
MAX_SHIFT = timedelta(hours=48)
# The shifts a rota page offers (local times; a night shift ends the next morning).
SHIFT_KINDS = {"day": (time(8), time(20)), "night": (time(20), time(8)), "full": (time(0), time(0))}


def shift_times(day: date, kind: str, start: time | None = None, end: time | None = None) -> tuple[datetime, datetime]:
    """A shift's start and end (UTC-aware) from a local date and a kind, or from its own start and end times."""
    begins, ends = SHIFT_KINDS.get(kind, (start or time(8), end or time(20)))
    starts_at = datetime.combine(day, begins, SHANGHAI)
    ends_at = datetime.combine(day, ends, SHANGHAI)
    if ends_at <= starts_at:
        ends_at += timedelta(days=1)
    return starts_at, ends_at


def _row(r: Any, now: datetime) -> dict[str, Any]:
    return {"id": r.id, "team": r.team_code, "username": r.username, "name": r.display_name,
            "starts_at": r.starts_at, "ends_at": r.ends_at, "now": r.starts_at <= now < r.ends_at}


def _query() -> Any:
    return select(shifts_t.c.id, shifts_t.c.team_code, shifts_t.c.starts_at, shifts_t.c.ends_at, users_t.c.username,
                  users_t.c.display_name, users_t.c.phone).join(users_t, users_t.c.id == shifts_t.c.user_id)


def shifts(team_code: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The team's shifts that overlap [since, until), earliest first."""
    now = clock.now()
    rows = db.session.execute(_query().where(shifts_t.c.team_code == team_code, shifts_t.c.ends_at > since,
                                             shifts_t.c.starts_at < until)
                              .order_by(shifts_t.c.starts_at, users_t.c.display_name)).all()
    return [_row(r, now) for r in rows]


def on_duty(team_codes: list[str], at: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """Per team, its active members on duty at ``at`` (default: now), with their phones and until when."""
    if not team_codes:
        return {}
    at = at or clock.now()
    out: dict[str, list[dict[str, Any]]] = {}
    for r in db.session.execute(_query().where(shifts_t.c.team_code.in_(team_codes), shifts_t.c.starts_at <= at,
                                               shifts_t.c.ends_at > at, users_t.c.active.is_(True))
                                .order_by(users_t.c.display_name)):
        out.setdefault(r.team_code, []).append({"username": r.username, "name": r.display_name, "phone": r.phone,
                                                "until": r.ends_at})
    return out


def add_shift(actor: Principal, team_code: str, username: str, starts_at: datetime,
              ends_at: datetime) -> dict[str, Any]:
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    member = user is not None and db.session.execute(select(Membership.user_id).where(
        Membership.user_id == user.id, Membership.team_code == team_code)).first() is not None
    if user is None or not member:
        raise Invalid(f"{username} is not a member of team {team_code}", {"username": ["not a member of the team"]})
    if not user.active:
        raise Invalid(f"{username} is deactivated", {"username": ["deactivated"]})
    if ends_at <= starts_at:
        raise Invalid("a shift ends after it starts", {"ends_at": ["must be after starts_at"]})
    if ends_at - starts_at > MAX_SHIFT:
        raise Invalid("a shift lasts 48 hours at most", {"ends_at": ["at most 48 hours after starts_at"]})
    overlap = db.session.execute(select(shifts_t.c.id).where(
        shifts_t.c.team_code == team_code, shifts_t.c.user_id == user.id, shifts_t.c.starts_at < ends_at,
        shifts_t.c.ends_at > starts_at)).first()
    if overlap is not None:
        raise Conflict(f"{username} is on duty for {team_code} in that time already (shift {overlap.id})",
                       code="overlapping_shift")
    row = DutyShift(team_code=team_code, user_id=user.id, starts_at=starts_at, ends_at=ends_at,
                    created_by=actor.username, created_at=audit.real_now())
    db.session.add(row)
    db.session.flush()
    audit.record("duty.added", username=username, user_id=user.id,
                 detail=f"by {actor.username}; {team_code} {starts_at.isoformat()} – {ends_at.isoformat()}")
    found = db.session.execute(_query().where(shifts_t.c.id == row.id)).one()
    return _row(found, clock.now())


def remove_shift(actor: Principal, team_code: str, shift_id: int) -> dict[str, Any]:
    found = db.session.execute(_query().where(shifts_t.c.id == shift_id, shifts_t.c.team_code == team_code)).first()
    if found is None:
        raise NotFound(f"no shift {shift_id} in team {team_code}")
    db.session.execute(delete(shifts_t).where(shifts_t.c.id == shift_id))
    audit.record("duty.removed", username=found.username,
                 detail=f"by {actor.username}; {team_code} {found.starts_at.isoformat()} – {found.ends_at.isoformat()}")
    return _row(found, clock.now())
