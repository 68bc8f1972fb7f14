"""The standard set of teams: one people's-voice service team per township, plus the city's desks."""
from __future__ import annotations

from dataclasses import dataclass

from app.routing.gazetteer import gazetteer
from app.routing.suggestions.places import landmarks

COURTS = {
    "nanhu": "嘉兴市南湖区人民法院", "xiuzhou": "嘉兴市秀洲区人民法院", "jiashan": "嘉善县人民法院",
    "haiyan": "海盐县人民法院", "haining": "海宁市人民法院", "pinghu": "平湖市人民法院", "tongxiang": "桐乡市人民法院",
}


def specialised() -> list[tuple[str, str, str, str]]:
    """The specialised teams of markets, scenic areas, parks and campuses (landmarks.json), and the
    units a centre passes matters to internally (specialised teams too, answered with unit_of): (code, name,
    kind, township)."""
    teams = []
    for mark in landmarks():
        if mark.team and mark.team_name:
            teams.append((mark.team, mark.team_name, "specialised", mark.township))
            teams += [(code, name, "specialised", mark.township) for code, name in mark.pass_on]
    return teams


@dataclass(frozen=True)
class TeamSeed:
    code: str
    name: str
    kind: str
    township_code: str | None
    county_code: str | None


def township_team_code(township_code: str) -> str:
    return f"ms-{township_code}"


def standard_teams() -> list[TeamSeed]:
    gaz = gazetteer()
    teams = [TeamSeed(township_team_code(p.code), f"{p.name}民声服务队", "township", p.code, p.county_code)
             for p in gaz.places]
    teams += [TeamSeed(code, name, kind, town, gaz.by_code[town].county_code)
              for code, name, kind, town in specialised()]
    teams += [TeamSeed(f"court-{county}", name, "court", None, county) for county, name in COURTS.items()]
    teams += [
        TeamSeed("dispatch-city", "嘉兴市民声一键办分流中心", "dispatch", None, None),
        TeamSeed("callback-city", "12345 回访中心", "callback", None, None),
        TeamSeed("supervision-city", "民声一键办督办中心", "supervision", None, None),
    ]
    return teams


def unit_of(team_code: str) -> str | None:
    """The centre's team a unit belongs to (the Puyuan market centre's market regulation unit), or None."""
    for mark in landmarks():
        if mark.team and any(code == team_code for code, _name in mark.pass_on):
            return mark.team
    return None


def pass_on_targets(team_code: str | None) -> list[tuple[str, str]]:
    """Where a step of this team may be passed inside its centre: (code, name), the team itself excluded; none
    for a team outside a centre."""
    for mark in landmarks():
        if not mark.team or not mark.pass_on:
            continue
        centre = [(mark.team, mark.team_name or mark.team), *mark.pass_on]
        if team_code in {code for code, _name in centre}:
            return [(code, name) for code, name in centre if code != team_code]
    return []
