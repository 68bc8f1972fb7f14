"""One function per permission, so every route asks the same question the same way."""
from __future__ import annotations

from app.auth.principal import Principal

# An expert (a lawyer, a labour-relations officer, a psychologist) sees only the cases they are invited to.
STAFF_ROLES = ("intake", "dispatcher", "caseworker", "court", "callback", "supervisor", "designer", "expert")
# Roles that deal with the reporter in person or by phone see their name and number in full.
PERSONAL_DATA_ROLES = ("intake", "dispatcher", "caseworker", "callback", "supervisor")


def is_staff(p: Principal) -> bool:
    return p.has_role(*STAFF_ROLES)


def can_open_case(p: Principal) -> bool:
    # Caseworkers register walk-ins at the township service stations.
    return p.has_role("intake", "dispatcher", "caseworker", "supervisor")


def can_link_duplicates(p: Principal) -> bool:
    return p.has_role("dispatcher", "supervisor")


def can_ask_suggestions(p: Principal) -> bool:
    return p.has_role("intake", "dispatcher")


def sees_all_cases(p: Principal) -> bool:
    return p.has_role("intake", "dispatcher", "callback", "supervisor", "designer")


def sees_personal_data(p: Principal) -> bool:
    return p.has_role(*PERSONAL_DATA_ROLES)


def sees_all_work_items(p: Principal) -> bool:
    return p.oversees_all


def can_work_on(p: Principal, team_code: str | None) -> bool:
    """May act on a work item of this team (claim, release, complete)."""
    return p.oversees_all or (team_code is not None and team_code in p.teams)


# Steps whose decision belongs to one role alone, whoever else oversees the case: a court's ruling on
# judicial confirmation is made by the court (a supervisor may remind or extend, never decide it).
RESERVED_LANE_ROLES = ("court",)


def holds(p: Principal, qualification: str | None) -> bool:
    """Holds the qualification a step requires (its diagram's `qualification` property). Nobody's role stands in
    for it, an admin's or a supervisor's included: an agreement recorded by someone who is not a people's
    mediator would not stand."""
    return qualification is None or qualification in p.qualifications


def can_decide(p: Principal, lane_role: str | None, team_code: str | None, qualification: str | None = None) -> bool:
    """May claim, complete (or be handed) a step of this lane and team that requires this qualification."""
    if not can_work_on(p, team_code) or not holds(p, qualification):
        return False
    if lane_role in RESERVED_LANE_ROLES:
        return p.has_role(lane_role)
    return p.oversees_all or lane_role is None or p.has_role(lane_role)


def can_supervise(p: Principal) -> bool:
    return p.has_role("supervisor")


def can_design(p: Principal) -> bool:
    return p.has_role("designer")


def signed_in(p: Principal) -> bool:
    """Any signed-in account: its own password, signing out."""
    return True


def sees_cases(p: Principal) -> bool:
    """Case lists, details, timelines, diagrams, teams (what each shows is scoped by team and masked by role)."""
    return is_staff(p)


def works_on_steps(p: Principal) -> bool:
    """Claim, release and complete work items (which ones: can_work_on and can_decide, on the row)."""
    return p.has_role("intake", "dispatcher", "caseworker", "court", "callback", "supervisor")


def reads_versions(p: Principal) -> bool:
    """Process versions, their files, diffs and migration previews; the modeler page."""
    return p.has_role("designer", "supervisor")


def can_invite_experts(p: Principal) -> bool:
    """Bring an expert into a case (专家团一键连线): those who work on its steps, not experts themselves."""
    return p.has_role("dispatcher", "caseworker", "supervisor")


def gives_advice(p: Principal) -> bool:
    return p.has_role("expert")


def administers_people(p: Principal) -> bool:
    """Create, change, import and deactivate users; reset passwords; every team's members and duty."""
    return "admin" in p.roles


def leads_a_team(p: Principal) -> bool:
    """The administration pages, for a team leader: their own teams' members, duty and load."""
    return bool(p.leads) or administers_people(p)


def manages_team(p: Principal, team_code: str) -> bool:
    """Keeps this team's duty rota and sees its members' load: an admin, or the team's own leader."""
    return administers_people(p) or team_code in p.leads


def sees_team_members(p: Principal) -> bool:
    """A team's members and who is on duty (which teams: members see their own, supervisors every team)."""
    return is_staff(p) or bool(p.leads)


def reads_metrics(p: Principal) -> bool:
    """/metrics: counts and teams, nothing personal; for the scraper's account and operations."""
    return p.has_role("monitor")
