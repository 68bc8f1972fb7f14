from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.cases.present import township_ref
from app.extensions import db
from app.routing.models import Team
from app.routing.teams import unit_of


def list_teams(kind: str | None = None, township: str | None = None) -> list[dict[str, Any]]:
    query = select(Team).where(Team.active.is_(True)).order_by(Team.kind, Team.code)
    if kind:
        query = query.where(Team.kind == kind)
    if township:
        query = query.where(Team.township_code == township)
    return [{"code": t.code, "name": t.name, "kind": t.kind, "township": township_ref(t.township_code),
             "county": t.county_code, "unit_of": unit_of(t.code)} for t in db.session.execute(query).scalars()]
