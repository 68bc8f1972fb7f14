"""Many waiting cases fast: copies of one real case (its workflow state and work items) under new numbers."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from app.casework.models import Case, WorkItem
from app.extensions import db


def clone_case(app: Any, case_no: str, copies: int) -> list[str]:
    cases_t, items_t = Case.__table__, WorkItem.__table__
    numbers = []
    with app.app_context(), db.engine.begin() as conn:
        source = conn.execute(select(cases_t).where(cases_t.c.case_no == case_no)).mappings().one()
        items = conn.execute(select(items_t).where(items_t.c.case_id == source["id"])).mappings().all()
        for n in range(copies):
            row = {k: v for k, v in source.items() if k != "id"}
            row["case_no"] = f"{case_no[:10]}9{n:05d}"
            row["external_ref"] = f"{source['external_ref']}-copy{n}"
            new_id = conn.execute(insert(cases_t).values(**row).returning(cases_t.c.id)).scalar_one()
            conn.execute(insert(items_t), [
                {**{k: v for k, v in item.items() if k != "id"}, "case_id": new_id, "case_no": row["case_no"]}
                for item in items])
            numbers.append(row["case_no"])
    return numbers
