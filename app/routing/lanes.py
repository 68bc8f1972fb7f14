"""What a lane means: the role that works in it and, where it is fixed, the team that gets its steps.
A user task's spiff property ``team`` (an expression) overrides the lane's team."""
from __future__ import annotations

LANE_ROLES = {
    "受理": "intake", "分流派单": "dispatcher", "民声服务队": "caseworker", "法院": "court", "回访": "callback",
    "督办": "supervisor",
    "intake": "intake", "dispatch": "dispatcher", "team": "caseworker", "court": "court", "callback": "callback",
    "supervision": "supervisor",
}
ROLE_TEAMS = {"dispatcher": "dispatch-city", "callback": "callback-city", "supervisor": "supervision-city"}
# Roles whose team comes from the case (the routing table's outputs), not from the lane.
ROLE_VARIABLES = {"caseworker": "team_code", "court": "court_team"}


def lane_team(lane: str | None, variables: dict[str, object]) -> str | None:
    role = LANE_ROLES.get(lane or "")
    if role in ROLE_TEAMS:
        return ROLE_TEAMS[role]
    value = variables.get(ROLE_VARIABLES.get(role or "", ""))
    return value if isinstance(value, str) else None
