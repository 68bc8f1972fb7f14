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
    raw = json.loads((DATA / "categories.json").read_text(encoding="utf-8"))["categories"]
    by_code = {c["code"]: Category(c["code"], c["name"], c["description"]) for c in raw}
    index: dict[str, str] = {}
    for c in raw:
        for key in [c["code"], c["name"], *c.get("aliases", [])]:
            index[_norm(key)] = c["code"]
    return by_code, index


def categories() -> dict[str, Category]:
    return _categories()[0]


def match_category(value: str) -> Category | None:
    by_code, index = _categories()
    code = index.get(_norm(value))
    return by_code[code] if code else None
