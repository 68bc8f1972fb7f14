"""One suggestion for one report, in the shape of POST /suggestions: police or not with a probability, the
category leaves best first, the township (or the candidates when the words name several) and the evidence."""
from __future__ import annotations

from typing import Any

from app.routing.gazetteer import categories
from app.routing.suggestions import model, places, rules
from app.routing.suggestions.model import Model, model_text

TOP = 5
EVIDENCE = 12  # a long report may name the same words a hundred times; a person reads a dozen reasons


def suggest(text: str, address: str | None = None, *, using: Model | None = None,
            rulebook: rules.Rulebook | None = None) -> dict[str, Any]:
    trained = using or model.shipped()
    book = rulebook or rules.rulebook()
    cats = categories()
    prepared = model_text(text, address)
    probabilities, row = trained.analyse(prepared)
    scores = dict(zip(trained.classes, probabilities, strict=True))
    # The description and the address apart: a pattern must not join the end of one to the start of the other.
    hits = book.hits(text) + [h for h in book.hits(address or "") if h.category is not None]
    for hit in hits:
        if hit.category in scores:
            scores[hit.category] += hit.weight
    total = sum(scores.values()) or 1.0
    ranked = sorted(((score / total, code) for code, score in scores.items()), reverse=True)
    police_probability = sum(score for score, code in ranked if cats[code].police)
    signals = [h for h in hits if h.category is None]
    if signals:
        police_probability = max(police_probability, book.police_floor)
    is_police = police_probability >= book.police_at
    best = ranked[0][1]

    evidence = [f"“{h.word}” → {cats[h.category].name}" for h in hits if h.category in scores]
    evidence += [f"“{h.word}” → 可能涉及人身安全" for h in signals]
    found = places.finder().find(text, address)
    said = model_text(text, None)
    evidence += [f"“{w}”" for w in trained.word_contributions(row, best, top=6)
                 if w in said and not any(w in h.word or h.word in w for h in hits) and w not in found.evidence][:3]
    evidence += [f"“{name}” → {found.township.full_name}" for name in found.evidence] if found.township else \
        [f"“{name}” → 多个镇街" for name in found.evidence]
    mark = found.landmark
    return {
        "is_police_matter": is_police,
        "police_probability": round(police_probability, 3),
        "flagged": book.police_at <= police_probability < book.sure_at,
        "categories": [{"code": code, "name": cats[code].name, "score": round(score, 3)}
                       for score, code in ranked[:TOP]],
        "township": {"code": found.township.code, "name": found.township.full_name} if found.township else None,
        "township_candidates": [{"code": p.code, "name": p.full_name} for p in found.candidates],
        "place": {"code": mark.code, "name": mark.name, "kind": mark.kind, "team": mark.team}
        if mark else None,
        "evidence": list(dict.fromkeys(evidence))[:EVIDENCE],
        "model_version": trained.version,
    }
