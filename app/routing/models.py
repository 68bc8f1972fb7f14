from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# department: a government department a matter can be passed to (market regulation, human resources).
TEAM_KINDS = ("township", "specialised", "department", "dispatch", "court", "callback", "supervision")


class Township(db.Model):  # type: ignore[name-defined]
    __tablename__ = "townships"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    county_code: Mapped[str] = mapped_column(String(32), index=True)
    county_name: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))


class Team(db.Model):  # type: ignore[name-defined]
    __tablename__ = "teams"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    township_code: Mapped[str | None] = mapped_column(ForeignKey("townships.code"), index=True)
    county_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
