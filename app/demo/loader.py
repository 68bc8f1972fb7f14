"""Reference and demo data: the Jiaxing townships, the standard teams, demo users (idempotent)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.auth.service import create_user
from app.designer.service import deploy_shipped
from app.extensions import db
from app.routing.gazetteer import gazetteer
from app.routing.models import Team, Township
from app.routing.teams import standard_teams


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    password: str
    qualifications: tuple[tuple[str, str | None], ...] = ()  # (code, certificate number)
    leads: tuple[str, ...] = ()
    phone: str | None = None


DEMO_PASSWORD = "minsheng-demo"
DEMO_USERS = (
    DemoUser("intake", "110/12345 接警员", ("intake",), (), DEMO_PASSWORD),
    DemoUser("dispatcher", "分流中心 王敏", ("dispatcher",), ("dispatch-city",), DEMO_PASSWORD),
    # 李强 leads the Gaozhao team and is a people's mediator; a team's mediation is theirs to record.
    DemoUser("gaozhao", "高照街道民声服务队 李强", ("caseworker",), ("ms-xiuzhou-gaozhao",), DEMO_PASSWORD,
             (("mediator", "嘉调字第2026-0311号"), ("social_worker", "社工证 330411-0088")), ("ms-xiuzhou-gaozhao",),
             "13905731001"),
    DemoUser("wangjiangjing", "王江泾镇民声服务队 张伟", ("caseworker",), ("ms-xiuzhou-wangjiangjing",), DEMO_PASSWORD,
             (("mediator", "嘉调字第2026-0420号"),), (), "13905731002"),
    DemoUser("puyuan", "濮院市场民声服务队 陈静", ("caseworker",), ("sp-puyuan-market", "ms-tongxiang-puyuan"),
             DEMO_PASSWORD, (("mediator", "嘉调字第2026-0533号"), ("labour_coordinator", None)), (), "13905731003"),
    DemoUser("puyuan-reg", "濮院市场中心市场监管组 周立", ("caseworker",), ("sp-puyuan-market-regulation",),
             DEMO_PASSWORD),
    DemoUser("court", "秀洲区人民法院 赵法官", ("court",), ("court-xiuzhou",), DEMO_PASSWORD),
    DemoUser("callback", "12345 回访员 刘芳", ("callback",), ("callback-city",), DEMO_PASSWORD),
    DemoUser("supervisor", "督办中心 周主任", ("supervisor",), ("supervision-city",), DEMO_PASSWORD),
    DemoUser("designer", "流程设计 吴工", ("designer",), (), DEMO_PASSWORD),
    DemoUser("lawyer", "专家团 律师 孙律", ("expert",), (), DEMO_PASSWORD),
    DemoUser("admin", "运维管理员", ("admin",), (), DEMO_PASSWORD),
)


def load_places_and_teams() -> tuple[int, int]:
    known = set(db.session.execute(select(Township.code)).scalars())
    added_places = 0
    for place in gazetteer().places:
        if place.code not in known:
            db.session.add(Township(code=place.code, name=place.name, county_code=place.county_code,
                                    county_name=place.county_name, kind=place.kind))
            added_places += 1
    db.session.flush()
    teams = {t.code: t for t in db.session.execute(select(Team)).scalars()}
    added_teams = 0
    for seed in standard_teams():
        team = teams.get(seed.code)
        if team is None:
            db.session.add(Team(code=seed.code, name=seed.name, kind=seed.kind, township_code=seed.township_code,
                                county_code=seed.county_code, active=True))
            added_teams += 1
        else:
            team.name, team.kind = seed.name, seed.kind
    db.session.flush()
    return added_places, added_teams


def load_demo(processes_dir: str, with_users: bool = True) -> dict[str, int]:
    places, teams = load_places_and_teams()
    users = 0
    if with_users:
        for demo in DEMO_USERS:
            create_user(demo.username, list(demo.roles), list(demo.teams), password=demo.password,
                        display_name=demo.display_name, qualifications=dict(demo.qualifications),
                        leads=list(demo.leads), phone=demo.phone)
            users += 1
    _version, deployed = deploy_shipped(processes_dir)
    return {"townships": places, "teams": teams, "users": users, "versions": int(deployed)}
