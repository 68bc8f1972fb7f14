"""The standard set of teams: one people's-voice service team per township, plus the city's desks."""
from __future__ import annotations

from dataclasses import dataclass

from app.routing.gazetteer import gazetteer

COURTS = {
    "nanhu": "嘉兴市南湖区人民法院", "xiuzhou": "嘉兴市秀洲区人民法院", "jiashan": "嘉善县人民法院",
    "haiyan": "海盐县人民法院", "haining": "海宁市人民法院", "pinghu": "平湖市人民法院", "tongxiang": "桐乡市人民法院",
}
# A sample of the 15 specialised teams (markets, scenic areas); the routing DMN sends matters to them.
SPECIALISED = [
    ("sp-puyuan-market", "濮院时尚古镇市场民声服务队", "tongxiang-puyuan"),
    ("sp-wuzhen-scenic", "乌镇景区民声服务队", "tongxiang-wuzhen"),
    ("sp-xitang-scenic", "西塘古镇景区民声服务队", "jiashan-xitang"),
    ("sp-nanhu-scenic", "南湖景区民声服务队", "nanhu-nanhu"),
]


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
    teams += [TeamSeed(code, name, "specialised", town, gaz.by_code[town].county_code)
              for code, name, town in SPECIALISED]
    teams += [TeamSeed(f"court-{county}", name, "court", None, county) for county, name in COURTS.items()]
    teams += [
        TeamSeed("dispatch-city", "嘉兴市民声一键办分流中心", "dispatch", None, None),
        TeamSeed("callback-city", "12345 回访中心", "callback", None, None),
        TeamSeed("supervision-city", "民声一键办督办中心", "supervision", None, None),
    ]
    return teams
