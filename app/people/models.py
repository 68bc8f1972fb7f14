from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import BigId, UTCDateTime


class DutyShift(db.Model):  # type: ignore[name-defined]
    """One member on duty for a team from starts_at to ends_at (24-hour teams cover the day in shifts)."""

    __tablename__ = "duty_shifts"
    __table_args__ = (Index("ix_duty_shifts_team_time", "team_code", "ends_at", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_code: Mapped[str] = mapped_column(ForeignKey("teams.code"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
