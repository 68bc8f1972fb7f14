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


def lane_role(lane: str | None) -> str | None:
    return LANE_ROLES.get(lane or "")


def lane_team(lane: str | None, variables: dict[str, object]) -> str | None:
    role = lane_role(lane)
    if role in ROLE_TEAMS:
        return ROLE_TEAMS[role]
    value = variables.get(ROLE_VARIABLES.get(role or "", ""))
    return value if isinstance(value, str) else None

# Which kinds of team may be given a step of a lane's role (assign, reassign, the desk's pickers).
ROLE_TEAM_KINDS: dict[str, tuple[str, ...]] = {
    "caseworker": ("township", "specialised"), "court": ("court",), "dispatcher": ("dispatch",),
    "callback": ("callback",), "supervisor": ("supervision",), "intake": ("dispatch",),
}
_KIND_CLASSES = {"specialised": ("township", "specialised"), "township": ("township", "specialised")}


def team_kinds_for(lane: str | None, current_kind: str | None) -> tuple[str, ...]:
    """The team kinds a step may move to: its lane's, or, in a lane this service does not know, the kind
    of the team it has now."""
    role = lane_role(lane)
    if role in ROLE_TEAM_KINDS:
        return ROLE_TEAM_KINDS[role]
    return _KIND_CLASSES.get(current_kind or "", (current_kind,) if current_kind else ())
