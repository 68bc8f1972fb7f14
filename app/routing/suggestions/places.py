"""Where a matter happened, read from its address and description: townships by full name, short form or
"county + short form", their communities and villages (the 2023 division codes, jiaxing_places.json), and
well-known places (landmarks.json). Ambiguity is shown, not guessed: a name that belongs to several
townships yields candidates and no township unless another name in the report settles it."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.routing.gazetteer import DATA, Place, gazetteer

# Short forms that are everyday words too: "建设银行", "解放路", "大桥下面" name no township.
COMMON_WORDS = {"建设", "解放", "新兴", "大桥", "南湖"}
# ...unless a place word follows: "高照街道" is matched whole anyway; "石门镇上" by the full name.


@dataclass(frozen=True)
class Landmark:
    code: str
    name: str
    kind: str
    township: str
    team: str | None
    team_name: str | None
    pass_on: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    kind: str  # town, county, community, village, landmark
    townships: frozenset[str]
    county: str | None = None
    landmark: Landmark | None = None


@dataclass
class Found:
    township: Place | None
    candidates: list[Place]
    landmark: Landmark | None
    evidence: list[str] = field(default_factory=list)
    named: str = "none"  # what named the place: town, community, village, landmark, none


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


@lru_cache(maxsize=1)
def landmarks() -> list[Landmark]:
    raw = json.loads((DATA / "landmarks.json").read_text(encoding="utf-8"))
    out = []
    for p in raw["places"]:
        team = p.get("team") or {}
        out.append(Landmark(p["code"], p["name"], p["kind"], p["township"], team.get("code"), team.get("name"),
                            tuple((u["code"], u["name"]) for u in p.get("pass_on", [])), tuple(p.get("aliases", []))))
    return out


class PlaceFinder:
    def __init__(self, data: Path = DATA) -> None:
        gaz = gazetteer()
        self.gaz = gaz
        index: dict[str, list[Entry]] = {}

        def add(key: str, entry: Entry) -> None:
            if len(key) >= 2:
                index.setdefault(_norm(key), []).append(entry)

        for p in gaz.places:
            one = frozenset({p.code})
            short = p.name.removesuffix("街道").removesuffix("镇")
            county_short = p.county_name[:-1]
            names = {p.name, p.full_name, county_short + p.name, county_short + short, p.county_name + short}
            if short not in COMMON_WORDS:
                names.add(short)
            for name in names:
                add(name, Entry("town", one, p.county_code))
        for code, name in gaz.counties.items():
            towns = frozenset(p.code for p in gaz.places if p.county_code == code)
            for key in {name, name[:-1]}:
                add(key, Entry("county", towns, code))
        divisions = json.loads((data / "jiaxing_places.json").read_text(encoding="utf-8"))["townships"]
        for code, lists in divisions.items():
            for kind, key in (("community", "communities"), ("village", "villages")):
                for name in lists[key]:
                    add(name, Entry(kind, frozenset({code}), gaz.by_code[code].county_code))
        for mark in landmarks():
            for key in {mark.name, *mark.aliases}:
                add(key, Entry("landmark", frozenset({mark.township}), gaz.by_code[mark.township].county_code, mark))
        self._index = index
        # For each first character, the lengths of the names that start with it, longest first.
        lengths: dict[str, set[int]] = {}
        for key in index:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {c: sorted(n, reverse=True) for c, n in lengths.items()}

    def names(self) -> list[str]:
        return list(self._index)

    def _scan(self, text: str) -> list[tuple[str, list[Entry]]]:
        """Names in the text, longest first at each position, never overlapping."""
        text = _norm(text)
        found, i = [], 0
        while i < len(text):
            for size in self._lengths.get(text[i], ()):
                entries = self._index.get(text[i:i + size]) if i + size <= len(text) else None
                if entries:
                    found.append((text[i:i + size], entries))
                    i += size
                    break
            else:
                i += 1
        return found

    def find(self, text: str, address: str | None = None) -> Found:
        # The address is what intake took down as the place; the description only helps when it says nothing,
        # or names a well-known place in the township the address gives (the market the stall is in).
        said = self._scan(text)
        if address:
            answer = self._resolve(self._scan(address))
            if answer.township is not None:
                if answer.landmark is None:
                    mark = next((e.landmark for name, entries in said for e in entries
                                 if e.landmark and e.landmark.township == answer.township.code), None)
                    if mark is not None:
                        answer.landmark = mark
                        answer.evidence.append(next(n for n, entries in said if any(e.landmark == mark
                                                                                   for e in entries)))
                return answer
            if answer.candidates:
                return answer
        answer = self._resolve(said)
        return answer if answer.township or answer.candidates else Found(None, [], None)

    def _resolve(self, hits: list[tuple[str, list[Entry]]]) -> Found:
        counties = {e.county for _n, entries in hits for e in entries if e.kind == "county"}
        votes: dict[str, int] = {}
        evidence, kinds, mark = [], [], None
        for name, entries in hits:
            towns: set[str] = set()
            for e in entries:
                if e.kind == "county":
                    continue
                if counties and e.county not in counties and len(entries) > 1:
                    continue  # "海宁 + 高桥社区": the county picks among same-named places
                towns |= e.townships
                kinds.append(e.kind)
                mark = mark or e.landmark
            if towns and name not in evidence:
                evidence.append(name)
                for t in towns:
                    votes[t] = votes.get(t, 0) + (2 if len(towns) == 1 else 1)
        if not votes:
            return Found(None, [], None)
        best = max(votes.values())
        top = sorted(t for t, v in votes.items() if v == best)
        places = [self.gaz.by_code[t] for t in sorted(votes, key=lambda t: (-votes[t], t))]
        named = next((k for k in ("landmark", "town", "community", "village") if k in kinds), "none")
        if len(top) == 1:
            keep = mark if mark and mark.township == top[0] else None
            return Found(self.gaz.by_code[top[0]], [], keep, evidence, named)
        return Found(None, places, None, evidence, named)


@lru_cache(maxsize=1)
def finder() -> PlaceFinder:
    return PlaceFinder()
