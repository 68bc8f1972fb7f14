"""Evidence from the scene: photos taken with a phone's camera, documents, a video call's link. A file's type is
sniffed from its content (filetype), never taken from its name; images are decoded in full (a truncated one is
refused), turned upright and written again without their metadata (the GPS position a phone puts in a photo),
with a thumbnail; files are stored under ATTACHMENTS_ROOT by their content's hash. Refused input stores nothing.
Adding one is one transaction with one audit event (the unit of work's, app.casework.operations)."""
from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import filetype
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import insert, select, update

from app.auth import policy
from app.auth.principal import Principal
from app.cases.models import Attachment
from app.casework import operations
from app.casework.unit import CaseRef, CaseUnit
from app.engine import clock
from app.errors import ApiError, Forbidden, Invalid
from app.extensions import db

attachments_t = Attachment.__table__
# What may be attached: photos and PDF documents (by the content's signature).
ALLOWED = {"image/jpeg": ("photo", "jpg", "JPEG"), "image/png": ("photo", "png", "PNG"),
           "image/webp": ("photo", "webp", "WEBP"), "application/pdf": ("document", "pdf", None)}
THUMB_PIXELS = 320
REFUSED_TYPE = "a JPEG, PNG or WebP photo or a PDF document"


def upload_limit() -> int:
    """A request carrying an attachment may be this large (the form's other fields included)."""
    return int(current_app.config["ATTACHMENT_MAX_BYTES"]) + 64 * 1024


def root() -> Path:
    return Path(current_app.config["ATTACHMENTS_ROOT"])


def _checked_name(name: str | None) -> str:
    text = unicodedata.normalize("NFC", (name or "").strip())
    if not text:
        raise ApiError(422, "the file has no name", code="file_name", fields={"file": ["a file name is needed"]})
    if any(ch in text for ch in "/\\\x00") or ".." in text or any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ApiError(422, "the file name may not name a folder or a path", code="file_name", fields={"file": [
            "a plain file name, without /, \\\\ or .."]})
    return text[-128:]


def _image(data: bytes, pil_format: str) -> tuple[bytes, bytes]:
    """The photo written again upright without metadata, and its thumbnail; Invalid when it does not decode."""
    Image.MAX_IMAGE_PIXELS = int(current_app.config["ATTACHMENT_MAX_PIXELS"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # a truncated file fails here
                upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as err:
        raise ApiError(422, "the photo is damaged or incomplete", code="file_damaged",
                       fields={"file": [f"the image does not decode: {err}"[:200]]}) from None
    if pil_format == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    clean = io.BytesIO()
    # Written from the pixels alone: no EXIF (GPS, camera, time), no XMP, no comments.
    upright.save(clean, format=pil_format, **({"quality": 90} if pil_format in ("JPEG", "WEBP") else {}))
    thumb = upright.convert("RGB")
    thumb.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
    small = io.BytesIO()
    thumb.save(small, format="JPEG", quality=80)
    return clean.getvalue(), small.getvalue()


def _pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise ApiError(422, "the PDF is damaged or incomplete", code="file_damaged",
                       fields={"file": ["the document does not end as a PDF does"]})


def _write(relative: str, content: bytes) -> None:
    target = root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return  # the same content is stored already (named by its hash)
    temporary = target.with_suffix(target.suffix + ".part")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def _case(principal: Principal, case_no: str, visible: Any) -> Any:
    if not policy.works_on_steps(principal):
        raise Forbidden("adding evidence needs a role that works on the case's steps")
    return visible(principal, case_no)


def _recorded(principal: Principal, case: Any, row: dict[str, Any]) -> dict[str, Any]:
    row.update(case_id=case.id, added_by=principal.username, added_at=clock.now())
    attachment_id = db.session.execute(insert(attachments_t).values(**row).returning(attachments_t.c.id)).scalar_one()
    unit = CaseUnit(CaseRef(case.id, case.case_no, case.status))
    operations.record_attachment(unit, attachment_id, row["kind"], row["name"], principal.username)
    return {"id": attachment_id, **row}


def add_file(principal: Principal, case_no: str, name: str | None, stream: Any, note: str | None,
             visible: Any) -> dict[str, Any]:
    case = _case(principal, case_no, visible)
    limit = int(current_app.config["ATTACHMENT_MAX_BYTES"])
    shown = _checked_name(name)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"the file is larger than {limit // (1024 * 1024)} MB", code="file_size",
                       fields={"file": [f"at most {limit} bytes"]})
    if not data:
        raise ApiError(422, "the file is empty", code="file_damaged", fields={"file": ["empty"]})
    sniffed = filetype.guess_mime(data)
    if sniffed not in ALLOWED:
        raise ApiError(422, f"this file is not {REFUSED_TYPE}", code="file_type", fields={"file": [
            f"{REFUSED_TYPE}; this one is {sniffed or 'of no known type'}, whatever its name says"]})
    kind, extension, pil_format = ALLOWED[sniffed]
    thumb = None
    if pil_format is not None:
        data, thumb = _image(data, pil_format)
    else:
        _pdf(data)
    digest = hashlib.sha256(data).hexdigest()
    path = f"{case.id}/{digest}.{extension}"
    thumb_path = f"{case.id}/{digest}.thumb.jpg" if thumb is not None else None
    _write(path, data)
    if thumb is not None and thumb_path is not None:
        _write(thumb_path, thumb)
    return _recorded(principal, case, {"kind": kind, "name": shown, "content_type": sniffed, "size": len(data),
                                       "sha256": digest, "path": path, "thumb_path": thumb_path, "url": None,
                                       "note": (note or "").strip()[:500] or None})


def video_link(url: str | None) -> str:
    """A video call's link as given, when it is an http(s) address; Invalid naming `video_url` otherwise."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(text) > 2048:
        raise Invalid("the video call's link is not a web address", {"video_url": ["an http(s) address"]})
    return text


def add_link(principal: Principal, case_no: str, url: str | None, note: str | None, visible: Any) -> dict[str, Any]:
    case = _case(principal, case_no, visible)
    text = video_link(url)
    host = urlsplit(text).hostname or ""
    return _recorded(principal, case, {"kind": "video_link", "name": host[:128], "content_type": None,
                                       "size": None, "sha256": None, "path": None, "thumb_path": None, "url": text,
                                       "note": (note or "").strip()[:500] or None})


def of_case(case_id: int) -> list[Any]:
    return list(db.session.execute(select(attachments_t).where(attachments_t.c.case_id == case_id)
                                   .order_by(attachments_t.c.id)).all())


def one(case_id: int, attachment_id: int) -> Any:
    return db.session.execute(select(attachments_t).where(attachments_t.c.case_id == case_id,
                                                          attachments_t.c.id == attachment_id)).first()


def forget(case_id: int) -> list[Path]:
    """Retention: the case's evidence rows keep only that evidence was added (kind, size, who, when); the files
    they name are returned, for the caller to delete once the change is committed."""
    files = [root() / p for r in of_case(case_id) for p in (r.path, r.thumb_path) if p]
    db.session.execute(update(attachments_t).where(attachments_t.c.case_id == case_id).values(
        name="—", note=None, url=None, path=None, thumb_path=None, sha256=None))
    return files
