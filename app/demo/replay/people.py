"""The people the replay acts as: one member on duty for every team, a dispatcher, an intake clerk, a callback
clerk, a judge per court and a supervisor. Created (idempotently) as users with names, without passwords: nobody
signs in as them, the replay hands their principals to the service's operations as a request would."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.auth.principal import Principal
from app.auth.service import create_user, principal_for
from app.extensions import db
from app.routing.models import Team

DESKS = {"intake": ("replay-intake", "受理坐席 回放", ["intake"], []),
         "dispatcher": ("replay-dispatcher", "分流中心 回放值班员", ["dispatcher"], ["dispatch-city"]),
         "callback": ("replay-callback", "回访中心 回放值班员", ["callback"], ["callback-city"]),
         "supervisor": ("replay-supervisor", "督办中心 回放值班员", ["supervisor"], ["supervision-city"])}


@dataclass
class People:
    desks: dict[str, Principal] = field(default_factory=dict)
    by_team: dict[str, Principal] = field(default_factory=dict)
    by_username: dict[str, Principal] = field(default_factory=dict)

    def member(self, team: str | None) -> Principal:
        if team is None or team not in self.by_team:
            raise LookupError(f"the replay has nobody in team {team}")
        return self.by_team[team]

    def acting(self, assignee: str | None, team: str | None) -> Principal:
        """Whoever holds the step, else a member of its team."""
        if assignee and assignee in self.by_username:
            return self.by_username[assignee]
        return self.member(team)


def ensure_people() -> People:
    people = People()
    users = []
    for desk, (username, name, roles, teams) in DESKS.items():
        users.append((desk, create_user(username, roles, teams, display_name=name)))
    for code, name, kind in db.session.execute(select(Team.code, Team.name, Team.kind).where(Team.active.is_(True))):
        if kind in ("township", "specialised"):
            # The member on duty is a people's mediator: the team's mediations are theirs to record.
            users.append((code, create_user(f"replay-{code}", ["caseworker"], [code], display_name=f"{name} 值班员",
                                            qualifications={"mediator": f"回放-{code}"})))
        elif kind == "court":
            users.append((code, create_user(f"replay-{code}", ["court"], [code], display_name=f"{name} 回放法官")))
    db.session.commit()
    for key, user in users:
        principal = principal_for(user.id)
        assert principal is not None
        people.by_username[principal.username] = principal
        if key in DESKS:
            people.desks[key] = principal
        else:
            people.by_team[key] = principal
    return people
