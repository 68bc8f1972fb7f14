"""Possible duplicates at intake: the same reporter's phone within 7 days, or the same township and a similar
text within 24 hours (one matter often arrives by 110 and 12345 at once). Flagged on the case for the
dispatcher; never merged by the machine."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select

from app.casework.models import Case

cases_t = Case.__table__
SAME_PHONE = timedelta(days=7)
SAME_PLACE = timedelta(hours=24)
SIMILAR = 0.5  # share of the shorter text's character pairs found in the other
MOST = 5


def _pairs(text: str) -> set[str]:
    """Character bigrams of the text's letters and digits: Chinese has no spaces to split words on."""
    kept = "".join(ch for ch in text if ch.isalnum())
    return {kept[i:i + 2] for i in range(len(kept) - 1)}


def similarity(a: str, b: str) -> float:
    pa, pb = _pairs(a), _pairs(b)
    if not pa or not pb:
        return 0.0
    return len(pa & pb) / min(len(pa), len(pb))


def find(db_session: Any, now: datetime, phone: str | None, township: str | None, description: str) -> list[str]:
    """Case numbers of the possible duplicates, newest first."""
    conditions = []
    if phone:
        conditions.append(and_(cases_t.c.reporter_phone == phone, cases_t.c.opened_at >= now - SAME_PHONE))
    if township:
        conditions.append(and_(cases_t.c.township_code == township, cases_t.c.opened_at >= now - SAME_PLACE))
    if not conditions:
        return []
    rows = db_session.execute(
        select(cases_t.c.case_no, cases_t.c.reporter_phone, cases_t.c.township_code, cases_t.c.description,
               cases_t.c.opened_at)
        .where(or_(*conditions), ~cases_t.c.case_no.like("tmp-%"))
        .order_by(cases_t.c.opened_at.desc()).limit(200)
    ).all()
    found = []
    for r in rows:
        same_phone = bool(phone) and r.reporter_phone == phone and r.opened_at >= now - SAME_PHONE
        same_place = (bool(township) and r.township_code == township and r.opened_at >= now - SAME_PLACE
                      and similarity(r.description, description) >= SIMILAR)
        if same_phone or same_place:
            found.append(r.case_no)
    return found[:MOST]
