from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from app.auth import audit
from app.cases.present import township_ref
from app.casework.models import WorkItem, is_open
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.routing.models import Team, Township
from app.routing.teams import unit_of


def list_teams(kind: str | None = None, township: str | None = None) -> list[dict[str, Any]]:
    query = select(Team).where(Team.active.is_(True)).order_by(Team.kind, Team.code)
    if kind:
        query = query.where(Team.kind == kind)
    if township:
        query = query.where(Team.township_code == township)
    return [team_answer(t) for t in db.session.execute(query).scalars()]


TEAM_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


def team_answer(team: Team) -> dict[str, Any]:
    return {"code": team.code, "name": team.name, "kind": team.kind, "township": township_ref(team.township_code),
            "county": team.county_code, "unit_of": unit_of(team.code), "active": bool(team.active)}


def create_team(actor: str, code: str, name: str, kind: str, township: str | None) -> dict[str, Any]:
    """A new team (a department the centre passes matters to, a new service team). Routing finds a township's
    team by the township; other teams are chosen by the dispatcher, the pickers and the diagrams."""
    if db.session.get(Team, code) is not None:
        raise Conflict(f"there is a team {code} already", code="exists")
    place = db.session.get(Township, township) if township else None
    if township and place is None:
        raise Invalid(f"no township {township}", {"township": ["no such township code"]})
    if kind == "township" and place is None:
        raise Invalid("a township team belongs to a township", {"township": ["required for a township team"]})
    team = Team(code=code, name=name, kind=kind, township_code=township,
                county_code=place.county_code if place is not None else None, active=True)
    db.session.add(team)
    db.session.flush()
    audit.record("team.created", username=actor, detail=f"{code} ({kind}) {name}"[:256])
    return team_answer(team)


def update_team(actor: str, code: str, name: str | None, active: bool | None) -> dict[str, Any]:
    team = db.session.get(Team, code)
    if team is None:
        raise NotFound(f"no team {code}")
    if active is False and team.active:
        waiting = db.session.execute(select(func.count()).select_from(WorkItem.__table__).where(
            WorkItem.__table__.c.team_code == code, is_open())).scalar_one()
        if waiting:
            raise Conflict(f"team {code} has {waiting} open steps; reassign them before closing the team",
                           code="team_busy")
    changed: list[str] = []
    if name is not None and name != team.name:
        team.name = name
        changed.append("name")
    if active is not None and active != team.active:
        team.active = active
        changed.append("active")
    if changed:
        db.session.flush()
        audit.record("team.updated", username=actor, detail=f"{code}: {', '.join(changed)}")
    return team_answer(team)
