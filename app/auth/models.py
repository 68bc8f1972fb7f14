from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime

# monitor: a metrics scraper's account (Prometheus), which reads /metrics and nothing else.
ROLES = ("intake", "dispatcher", "caseworker", "court", "callback", "supervisor", "designer", "expert", "monitor",
         "admin")
# 三师一员: the qualifications a step may require of whoever decides it (a user task's `qualification`
# property); a people's mediator holds a certificate whose number goes on the agreements they record.
QUALIFICATIONS = ("social_worker", "counsellor", "labour_coordinator", "mediator")


class User(db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    roles: Mapped[str] = mapped_column(String(256), doc="comma-separated role names")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped whenever roles, teams, the password or the active flag change: cached principals keyed by it
    # go stale at once in every process.
    auth_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone: Mapped[str | None] = mapped_column(String(32))
    # Set by an administrator's password reset: the next sign-in leads to the password page and nowhere else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Deactivated rather than deleted: the timelines keep the name of whoever acted.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


class Membership(db.Model):  # type: ignore[name-defined]
    __tablename__ = "team_memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team_code: Mapped[str] = mapped_column(ForeignKey("teams.code"), primary_key=True, index=True)
    # A team leader keeps the team's duty rota and sees its members' load.
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Qualification(db.Model):  # type: ignore[name-defined]
    __tablename__ = "qualifications"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    certificate_no: Mapped[str | None] = mapped_column(String(64))


class ApiToken(db.Model):  # type: ignore[name-defined]
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # sha256 of the token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class WebSession(db.Model):  # type: ignore[name-defined]
    """A signed-in browser. The cookie carries a random id whose hash is looked up here, so signing out,
    a password change or an expiry ends a session everywhere, copied cookies included."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))


class AuthEvent(db.Model):  # type: ignore[name-defined]
    """The sign-in and token audit trail (case changes have their own timeline in case_events)."""

    __tablename__ = "auth_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    token_id: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(256))
