"""Jiaxing's townships and the complaint categories: reference data shipped with the service."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SUFFIXES = ("街道", "镇")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    county_code: str
    county_name: str
    kind: str

    @property
    def full_name(self) -> str:
        return f"{self.county_name}{self.name}"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    description: str
    group: str = ""  # the group's code (a group's own code for a group)
    group_name: str = ""
    police: bool = False  # a police matter: handed back to the police
    leaf: bool = True  # what a case's category holds; a group code (wave 1) is still accepted


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


class Gazetteer:
    def __init__(self, places: list[Place], counties: dict[str, str]) -> None:
        self.places = places
        self.counties = counties
        self.by_code = {p.code: p for p in places}
        index: dict[str, list[Place]] = {}
        for p in places:
            keys = {p.code, p.name, p.full_name, "嘉兴市" + p.full_name}
            short = p.name.removesuffix("街道").removesuffix("镇")
            if len(short) >= 2:
                keys |= {short, p.county_name + short}
            for key in keys:
                index.setdefault(_norm(key), []).append(p)
        self._index = index

    def county_prefix(self, address: str) -> str:
        """The leading "province, city, county" of an address as written ("嘉兴市秀洲区" of
        "嘉兴市秀洲区高照街道环城北路 1288 号"), or ""."""
        names = sorted({"浙江省", "浙江", "嘉兴市", "嘉兴", *self.counties.values()}, key=len, reverse=True)
        end, moved = 0, True
        while moved:
            moved = False
            for name in names:
                if address.startswith(name, end):
                    end += len(name)
                    moved = True
                    break
        return address[:end]

    def match(self, value: str) -> Place | None:
        """A township by code, name or "county + name"; None when unknown or ambiguous."""
        found = self._index.get(_norm(value), [])
        unique = {p.code: p for p in found}
        return next(iter(unique.values())) if len(unique) == 1 else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    raw = json.loads((DATA / "jiaxing.json").read_text(encoding="utf-8"))
    places = [Place(t["code"], t["name"], c["code"], c["name"], t["kind"])
              for c in raw["counties"] for t in c["townships"]]
    return Gazetteer(places, {c["code"]: c["name"] for c in raw["counties"]})


@lru_cache(maxsize=1)
def _categories() -> tuple[dict[str, Category], dict[str, str]]:
    raw = json.loads((DATA / "categories.json").read_text(encoding="utf-8"))
    groups = {g["code"]: g for g in raw["groups"]}
    by_code: dict[str, Category] = {}
    index: dict[str, str] = {}
    # Groups first: a leaf of the same code, name or alias is the more precise answer and wins.
    for g in raw["groups"]:
        by_code[g["code"]] = Category(g["code"], g["name"], g.get("description", ""), g["code"], g["name"],
                                      bool(g.get("police")), leaf=False)
        for key in [g["code"], g["name"], *g.get("aliases", [])]:
            index[_norm(key)] = g["code"]
    for leaf in raw["leaves"]:
        group = groups[leaf["group"]]
        description = leaf.get("description", group.get("description", ""))
        by_code[leaf["code"]] = Category(leaf["code"], leaf["name"], description, group["code"], group["name"],
                                         bool(group.get("police")), leaf=True)
        for key in [leaf["code"], leaf["name"], *leaf.get("aliases", [])]:
            if index.get(_norm(key)) in groups and _norm(key) in (_norm(group["code"]), _norm(group["name"])) \
                    and leaf["code"] != group["code"]:
                continue  # a group's own code and name keep meaning the group
            index[_norm(key)] = leaf["code"]
    return by_code, index


def category_leaves() -> list[Category]:
    """The leaves, grouped in the file's order (what the routing form offers)."""
    return [c for c in categories().values() if c.leaf]


def categories() -> dict[str, Category]:
    return _categories()[0]


def match_category(value: str) -> Category | None:
    by_code, index = _categories()
    code = index.get(_norm(value))
    return by_code[code] if code else None
