from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import BigId, UTCDateTime

CHANNELS = ("110", "12345", "online", "market", "walk_in")
STATUSES = ("open", "in_progress", "mediation", "judicial_confirmation", "callback", "closed",
            "returned_to_police")


class Case(db.Model):  # type: ignore[name-defined]
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("channel", "external_ref"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_ref: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(32), index=True)
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    township_code: Mapped[str | None] = mapped_column(ForeignKey("townships.code"), index=True)
    team_code: Mapped[str | None] = mapped_column(String(64), index=True)
    reporter_name: Mapped[str | None] = mapped_column(String(64))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(256))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    opened_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    process_version: Mapped[str] = mapped_column(ForeignKey("process_versions.key"))
    workflow_state: Mapped[bytes] = mapped_column(LargeBinary, doc="SpiffWorkflow state only, zlib-compressed JSON")
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    completed_elements: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A timer that could not fire: the case waits for a supervisor (or a fixed diagram) instead.
    error_element: Mapped[str | None] = mapped_column(String(128))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class CaseEvent(db.Model):  # type: ignore[name-defined]
    """The append-only audit timeline: one row per state change."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(48))
    summary: Mapped[str] = mapped_column(String(512))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
