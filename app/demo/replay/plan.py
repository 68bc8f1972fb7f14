"""A year of Jiaxing's matters, generated: when each case comes in (fewer at night, more on Mondays), from which
channel, where, of which category, and what becomes of it. Deterministic for a seed. The shares follow the
newspaper's figures where it gives them (102,000 matters a year, 98.9 % completion, near-total satisfaction)
and a plausible mix where it does not; the descriptions are the labelled reports the identification is
trained on, so the suggestion at intake reads real sentences."""
from __future__ import annotations

import json
import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from app.routing.gazetteer import DATA, categories, gazetteer

LABELLED = Path(__file__).resolve().parents[2] / "routing" / "suggestions" / "data" / "labelled"

# Share of a day's cases per hour of the day (people report in the day and the evening, rarely at night).
HOURS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4.5, 6, 6.5, 6, 5, 5, 5.5, 6, 6, 5.5, 5, 5, 4.5, 3.5, 2.5, 1.5]
# Share per day of the week, Monday first.
WEEKDAYS = [1.3, 1.1, 1.05, 1.0, 1.05, 0.8, 0.75]
CHANNELS = [("110", 0.45), ("12345", 0.35), ("online", 0.1), ("market", 0.04), ("walk_in", 0.06)]
CATEGORY_SHARES = {
    "freight_fee": 5, "debt": 8, "contract_dispute": 6, "wage_arrears": 9, "labour_relations": 4,
    "neighbour_dispute": 14, "family_dispute": 8, "consumer_dispute": 8, "market_dispute": 4, "tourist_help": 2,
    "property_management": 5, "rental_dispute": 4, "road_hazard": 4, "public_facility": 3, "environment": 4,
    "land_use": 2, "traffic_minor": 4, "other": 2,
}
POLICE_SHARE = 0.06
POLICE_CATEGORIES = ["theft", "assault", "fraud", "traffic_injury", "missing_person", "public_security"]
SPECIALISED_SHARE = 0.06  # matters at a market, a scenic area, the port or a campus: its own team


@dataclass
class CasePlan:
    """One case and what becomes of it; the delays are from the step's start (its work item's creation)."""

    n: int
    opened_at: datetime
    channel: str
    description: str
    address: str | None
    reporter_name: str
    phone: str
    intake_township: str | None
    called_before: timedelta | None
    police: bool
    category: str
    township: str
    place: str | None
    route_after: timedelta
    claim_after: timedelta | None  # None: the team completes without signing for it first
    handle_after: timedelta
    result: str  # resolved, needs_mediation, wrong_team
    second_township: str | None
    mediate_after: timedelta
    outcome: str
    judicial: bool
    court_after: timedelta
    decision: str
    callback_after: timedelta
    satisfaction: list[str] = field(default_factory=list)  # the first answer, and the second after a reopening
    escalation_action: str = "remind"  # what the supervisor does when the handling step escalates
    supervisor_after: timedelta = timedelta(minutes=30)


@lru_cache(maxsize=1)
def _texts() -> dict[str, list[tuple[str, str | None, str | None]]]:
    """The labelled reports by category: text, address and the township they name (if any)."""
    by_category: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for path in sorted(LABELLED.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            by_category.setdefault(row["category"], []).append((row["text"], row.get("address"), row.get("township")))
    return by_category


@lru_cache(maxsize=1)
def _landmarks() -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = json.loads((DATA / "landmarks.json").read_text(encoding="utf-8"))["places"]
    return [p for p in places if p.get("team")]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=round(rng.uniform(low, high) * 60))


def _opening_times(rng: random.Random, cases: int, start: datetime, days: int) -> list[datetime]:
    day_weights = [WEEKDAYS[(start + timedelta(days=d)).weekday()] for d in range(days)]
    day_cumulative = list(accumulate(day_weights))
    hour_cumulative = list(accumulate(HOURS))
    out = []
    for _ in range(cases):
        day = bisect(day_cumulative, rng.uniform(0, day_cumulative[-1]))
        hour = bisect(hour_cumulative, rng.uniform(0, hour_cumulative[-1]))
        out.append(start + timedelta(days=min(day, days - 1), hours=min(hour, 23), seconds=rng.randrange(3600)))
    return sorted(out)


NAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
         "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
         "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰飞斌浩宇欣怡晨雪琳峰亮辉"


def generate(cases: int, days: int, seed: int, start: datetime) -> list[CasePlan]:
    """``cases`` cases opened over ``days`` days from ``start`` (an aware local midnight)."""
    rng = random.Random(seed)
    places = gazetteer().places
    # Town streets (街道) of the city districts see more matters than rural towns.
    township_weights = [(p.code, 2.0 if p.kind == "street" else 1.0) for p in places]
    texts = _texts()
    known = {p.code for p in places}
    leaves = [c for c in CATEGORY_SHARES if c in categories()]
    category_weights = [(c, float(CATEGORY_SHARES[c])) for c in leaves]
    # A fifth of the reporters call again within the month (the same phone: repeat complaints).
    phones: list[str] = []
    plans: list[CasePlan] = []
    for n, opened_at in enumerate(_opening_times(rng, cases, start, days)):
        channel = _pick(rng, CHANNELS)
        police = rng.random() < POLICE_SHARE
        category = rng.choice(POLICE_CATEGORIES) if police else _pick(rng, category_weights)
        text, address, named = rng.choice(texts.get(category) or texts["other"])
        landmark = rng.choice(_landmarks()) if not police and rng.random() < SPECIALISED_SHARE else None
        # Where the report says it happened, it happened there; else a township by the city's weights.
        township = landmark["township"] if landmark else (named if named in known else _pick(rng, township_weights))
        if phones and rng.random() < 0.2:
            phone = rng.choice(phones[-400:])
        else:
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
            phones.append(phone)
        result = _pick(rng, [("resolved", 0.8), ("needs_mediation", 0.18), ("wrong_team", 0.02)])
        outcome = _pick(rng, [("agreement", 0.72), ("no_agreement", 0.18), ("withdrawn", 0.10)])
        first = _pick(rng, [("satisfied", 0.93), ("basically_satisfied", 0.055), ("unsatisfied", 0.015)])
        second = _pick(rng, [("satisfied", 0.7), ("basically_satisfied", 0.3)])
        late = rng.random()
        plans.append(CasePlan(
            n=n, opened_at=opened_at, channel=channel, description=text, address=address,
            reporter_name=rng.choice(NAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
            phone=phone, intake_township=township if rng.random() < 0.7 else None,
            called_before=_minutes(rng, 0.5, 4) if channel in ("110", "12345") else None,
            police=police, category=category, township=township, place=landmark["code"] if landmark else None,
            # Most matters are routed within the minute the SLA asks; a few wait past the 3 minutes.
            route_after=_minutes(rng, 0.2, 1) if rng.random() < 0.85 else (
                _minutes(rng, 1, 2.9) if rng.random() < 0.8 else _minutes(rng, 3.5, 12)),
            claim_after=_minutes(rng, 1, 25) if rng.random() < 0.9 else None,
            # The handling: within the hour for most, hours for some, past the 24 hours for a few.
            handle_after=_minutes(rng, 8, 60) if late < 0.55 else (
                _minutes(rng, 60, 20 * 60) if late < 0.965 else _minutes(rng, 25 * 60, 40 * 60)),
            result=result, second_township=rng.choice(places).code if result == "wrong_team" else None,
            mediate_after=_minutes(rng, 60, 2 * 24 * 60) if rng.random() < 0.97 else _minutes(rng, 73 * 60, 90 * 60),
            outcome=outcome, judicial=outcome == "agreement" and rng.random() < 0.3,
            court_after=_minutes(rng, 4 * 60, 60 * 60), decision="confirmed" if rng.random() < 0.92 else "rejected",
            callback_after=_minutes(rng, 30, 10 * 60) if rng.random() < 0.98 else _minutes(rng, 25 * 60, 30 * 60),
            satisfaction=[first, second],
            escalation_action=_pick(rng, [("remind", 0.4), ("extend", 0.3), ("reassign", 0.15), ("take_over", 0.15)]),
            supervisor_after=_minutes(rng, 10, 90),
        ))
    return plans

