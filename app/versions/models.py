from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime


class ProcessVersion(db.Model):  # type: ignore[name-defined]
    """An immutable deployed bundle (BPMN, DMN, forms), keyed by the hash of its content."""

    __tablename__ = "process_versions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(128))
    files: Mapped[dict[str, str]] = mapped_column(JSON, doc="file name -> UTF-8 text")
    author: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The newest deployment is what new cases use; deploying an older content again rolls back to it.
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    deployed_by: Mapped[str] = mapped_column(String(64))
