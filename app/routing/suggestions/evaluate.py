"""The identification's figures: on the held-out writer, and by cross-validation that leaves one training
writer out at a time (so no fold is scored on a voice it learnt from)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from app.routing.suggestions import model as models
from app.routing.suggestions import rules
from app.routing.suggestions.model import Model, Report
from app.routing.suggestions.suggest import suggest

# What must hold (issue 12), checked by `suggestions evaluate` and by the tests.
TARGETS = {"police_recall": 0.98, "police_accuracy": 0.95, "category_top1": 0.90, "category_top3": 0.98,
           "township_accuracy": 0.95}


@dataclass
class Figures:
    reports: int
    police_reports: int
    police_recall: float
    police_accuracy: float
    flagged: float
    category_top1: float
    category_top3: float
    township_reports: int
    township_accuracy: float
    missed_police: list[str]

    def misses(self) -> dict[str, float]:
        return {k: getattr(self, k) for k, v in TARGETS.items() if getattr(self, k) < v}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(hit: int, of: int) -> float:
    return round(hit / of, 4) if of else 1.0


def score(model: Model, reports: list[Report], book: rules.Rulebook | None = None) -> Figures:
    police = police_hit = right = flagged = top1 = top3 = towns = town_hit = 0
    missed = []
    for r in reports:
        s = suggest(r.text, r.address, using=model, rulebook=book)
        codes = [c["code"] for c in s["categories"]]
        right += s["is_police_matter"] == r.police
        flagged += s["flagged"]
        if r.police:
            police += 1
            police_hit += s["is_police_matter"]
            if not s["is_police_matter"]:
                missed.append(r.id)
        top1 += codes[0] == r.category
        top3 += r.category in codes[:3]
        if r.township:
            towns += 1
            town_hit += (s["township"] or {}).get("code") == r.township
    n = len(reports)
    return Figures(n, police, _ratio(police_hit, police), _ratio(right, n), _ratio(flagged, n), _ratio(top1, n),
                   _ratio(top3, n), towns, _ratio(town_hit, towns), missed)


def cross_validate(reports: list[Report], book: rules.Rulebook | None = None) -> Figures:
    writers = sorted({r.writer for r in reports})
    parts = []
    for writer in writers:
        trained = models.from_pipeline(models.train([r for r in reports if r.writer != writer]))
        parts.append(score(trained, [r for r in reports if r.writer == writer], book))
    return _pool(parts)


def _pool(parts: list[Figures]) -> Figures:
    n = sum(p.reports for p in parts)
    police = sum(p.police_reports for p in parts)
    towns = sum(p.township_reports for p in parts)

    def weighted(name: str, of: str) -> float:
        total = sum(getattr(p, of) for p in parts)
        return round(sum(getattr(p, name) * getattr(p, of) for p in parts) / total, 4) if total else 1.0

    return Figures(n, police, weighted("police_recall", "police_reports"), weighted("police_accuracy", "reports"),
                   weighted("flagged", "reports"), weighted("category_top1", "reports"),
                   weighted("category_top3", "reports"), towns, weighted("township_accuracy", "township_reports"),
                   [m for p in parts for m in p.missed_police])
