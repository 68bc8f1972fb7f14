"""How loaded a team and its members are: open and overdue work items, counted in SQL over the open items'
partial index (no rows are loaded to count them)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select

from app.casework.models import WorkItem, is_open
from app.engine import clock
from app.extensions import db

items_t = WorkItem.__table__


@dataclass(frozen=True)
class Load:
    open: int = 0
    overdue: int = 0
    unclaimed: int = 0

    def as_json(self) -> dict[str, int]:
        return {"open": self.open, "overdue": self.overdue, "unclaimed": self.unclaimed}


def _overdue() -> Any:
    return func.sum(case((items_t.c.due_at < clock.now(), 1), else_=0))


def by_team(team_codes: list[str]) -> dict[str, Load]:
    """Per team: its open items, how many are overdue, how many nobody has claimed yet."""
    if not team_codes:
        return {}
    rows = select(items_t.c.team_code, func.count(), _overdue(),
                  func.sum(case((items_t.c.state == "open", 1), else_=0))) \
        .where(is_open(), items_t.c.team_code.in_(team_codes)).group_by(items_t.c.team_code)
    return {code: Load(int(n), int(late or 0), int(free or 0)) for code, n, late, free in db.session.execute(rows)}


def by_member(team_codes: list[str] | None = None, usernames: list[str] | None = None) -> dict[str, Load]:
    """Per person: the items they hold (claimed), of these teams or of any team."""
    conditions = [items_t.c.state == "claimed", items_t.c.assignee.is_not(None)]
    if team_codes is not None:
        conditions.append(items_t.c.team_code.in_(team_codes))
    if usernames is not None:
        conditions.append(items_t.c.assignee.in_(usernames))
    rows = select(items_t.c.assignee, func.count(), _overdue()).where(*conditions).group_by(items_t.c.assignee)
    return {who: Load(int(n), int(late or 0)) for who, n, late in db.session.execute(rows)}
