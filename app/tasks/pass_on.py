"""A centre passing a step on internally (issue 12): the Puyuan market centre's team hands a matter to its market
regulation or emergency management unit, and a unit hands it back or across. The units are data
(landmarks.json, "pass_on"); no supervisor is needed, as inside one centre it is the centre's own call."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from app.auth.principal import Principal
from app.cases import present
from app.casework.models import OPEN_STATES
from app.casework.operations import engine_refusals
from app.casework.unit import CaseRef, CaseUnit
from app.errors import Conflict, Forbidden, Invalid
from app.routing.teams import pass_on_targets
from app.tasks.service import check_decides, load_item, not_open_message
from app.tasks.supervision import STALE, move_team


def pass_on(principal: Principal, item_id: int, team_code: str, note: str = "") -> dict[str, Any]:
    row = load_item(principal, item_id, with_case=True)  # 404 first: another team's step stays invisible
    check_decides(principal, row)
    if row.team_code not in principal.teams:
        # The centre's own call: a supervisor moves a step with reassign, which says so in the timeline.
        raise Forbidden("only a member of the step's team passes it on inside its centre; supervisors reassign")
    if row.state not in OPEN_STATES:
        raise Conflict(not_open_message(row), code="not_open")
    allowed = dict(pass_on_targets(row.team_code))
    if team_code not in allowed:
        raise Invalid(f"{team_code} is not a unit this team passes matters to",
                      {"team": [f"one of: {', '.join(allowed) or 'none for this team'}"]})
    unit = CaseUnit(CaseRef.of_item(row))
    with engine_refusals():
        move_team(unit.run, row.task_id, row.team_code, team_code)
    unit.change_item("move", row.id, STALE, team_code=team_code)
    unit.record("task.passed_on", f"内部流转：{row.name} → {allowed[team_code]}",
                {"work_item": row.id, "element_id": row.element_id, "from": row.team_code, "to": team_code,
                 "note": note}, principal.username)
    unit.save()
    return present.work_item(SimpleNamespace(**{**row._mapping, "team_code": team_code,
                                                "team_name": allowed[team_code], "state": "open", "assignee": None}))
