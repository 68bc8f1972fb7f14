"""Evidence from the scene: a case's attachments (photos, documents, a video-call link). The file lives on disk
under ATTACHMENTS_ROOT by its content's hash, never by a name someone sent; this row says what it is."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import BigId, UTCDateTime


class Attachment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # photo, document, video_link
    name: Mapped[str] = mapped_column(String(128))  # as shown: the sent name, checked, or the link's host
    content_type: Mapped[str | None] = mapped_column(String(64))  # sniffed from the content, not from the name
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(256))  # under ATTACHMENTS_ROOT
    thumb_path: Mapped[str | None] = mapped_column(String(256))
    url: Mapped[str | None] = mapped_column(String(2048))  # a video call's link
    note: Mapped[str | None] = mapped_column(String(500))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseExpert(db.Model):  # type: ignore[name-defined]
    """An expert invited to a case: who, in what field, the video call's link, and the advice they recorded."""

    __tablename__ = "case_experts"
    __table_args__ = (Index("ix_case_experts_username", "username", "case_id"),
                      Index("ix_case_experts_case", "case_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    username: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(32))  # lawyer, labour, psychologist, other
    video_url: Mapped[str | None] = mapped_column(String(2048))
    invited_by: Mapped[str] = mapped_column(String(64))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    advice: Mapped[str | None] = mapped_column(String(5000))
    advised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
