"""The identification beside the case: the suggestion made at intake, and what the route step decided."""
from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _

from app.routing.gazetteer import categories, gazetteer
from app.routing.suggestions.places import landmarks
from app.routing.suggestions.suggest import suggest

log = logging.getLogger(__name__)
# The route form's fields the identification decides, compared with the suggestion when the step is done.
DECIDED_FIELDS = ("is_police_matter", "category", "township", "place")


def at_intake(text: str, address: str | None) -> dict[str, Any] | None:
    """The suggestion for a new case. A failing model must not lose the matter: the case is stored without
    one, and the dispatcher decides from the words alone."""
    try:
        return suggest(text, address)
    except Exception:
        log.exception("no suggestion for a new case")
        return None


def suggested_values(suggestion: dict[str, Any] | None) -> dict[str, Any]:
    """The route form's fields as the suggestion fills them. Never the police question: the page shows the
    suggestion's verdict beside it, and the dispatcher answers it with a click of their own, so a suggestion
    is never waved through on the one question where a miss is costly."""
    if not suggestion:
        return {}
    values: dict[str, Any] = {}
    if suggestion.get("categories"):
        values["category"] = suggestion["categories"][0]["code"]
    if suggestion.get("township"):
        values["township"] = suggestion["township"]["code"]
    if suggestion.get("place") and suggestion["place"].get("team"):
        values["place"] = suggestion["place"]["code"]
    return values


def identifies(schema: dict[str, Any]) -> bool:
    """A step that decides the identification: its form asks whether the matter is police work."""
    return "is_police_matter" in (schema.get("properties") or {})


def prefill(schema: dict[str, Any], data: dict[str, Any], suggestion: dict[str, Any] | None
            ) -> tuple[dict[str, Any], list[str]]:
    """An identifying step's first round starts from the suggestion where intake left a field empty; returns
    the values and the names of the fields the suggestion filled. Other steps start from their data."""
    if not identifies(schema):
        return data, []
    properties = schema.get("properties") or {}
    values, filled = dict(data), []
    for key, value in suggested_values(suggestion).items():
        if key in properties and values.get(key) in (None, ""):
            values[key] = value
            filled.append(key)
    return values, filled


def decided(suggestion: dict[str, Any] | None, data: dict[str, Any], actor: str) -> dict[str, Any] | None:
    """What the route step decided beside what was suggested; None for a step that decides none of it."""
    if "is_police_matter" not in data:
        return None
    values = suggested_values(suggestion)
    if suggestion:
        values["is_police_matter"] = bool(suggestion.get("is_police_matter"))
    choice = {k: data.get(k) for k in DECIDED_FIELDS if k in data or k in values}
    agreed = {k: (values.get(k) == choice.get(k)) if suggestion else None for k in choice}
    if choice.get("is_police_matter"):
        # Police work ends the case here: category and township are not decided, so not corrections.
        agreed = {"is_police_matter": agreed.get("is_police_matter")}
    return {"decided": choice, "suggested": values if suggestion else None, "agreed": agreed, "by": actor,
            "model_version": (suggestion or {}).get("model_version")}


def decided_labels() -> dict[str, str]:
    return {"is_police_matter": _("Police work"), "category": _("Category"), "township": _("Township"),
            "place": _("Place")}


def decided_value(key: str, value: Any) -> str:
    """A decided or suggested value as a page names it (never a code)."""
    if value in (None, ""):
        return "—"
    if key == "is_police_matter":
        return str(_("Police work") if value else _("Not police work"))
    if key == "category":
        category = categories().get(str(value))
        return category.name if category else str(value)
    if key == "township":
        place = gazetteer().by_code.get(str(value))
        return place.full_name if place else str(value)
    if key == "place":
        return next((m.name for m in landmarks() if m.code == value), str(value))
    return str(value)


def decided_cases() -> list[Any]:
    """The cases whose route step decided the identification, oldest first (for live accuracy and retraining)."""
    from sqlalchemy import select

    from app.casework.models import Case
    from app.extensions import db

    cases_t = Case.__table__
    return list(db.session.execute(
        select(cases_t.c.case_no, cases_t.c.channel, cases_t.c.description, cases_t.c.address,
               cases_t.c.identification)
        .where(cases_t.c.identified_at.is_not(None)).order_by(cases_t.c.identified_at)))


def live_accuracy(rows: list[Any]) -> dict[str, Any]:
    """How often the dispatchers agreed with the suggestion, field by field, over the decided cases."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        for key, ok in ((row.identification or {}).get("agreed") or {}).items():
            if ok is not None:
                counts.setdefault(key, [0, 0])
                counts[key][0] += bool(ok)
                counts[key][1] += 1
    return {"decided": len(rows),
            "agreed": {k: {"agreed": a, "of": n, "rate": round(a / n, 4)} for k, (a, n) in counts.items()}}


def as_labelled(row: Any) -> dict[str, Any] | None:
    """A decided case as a labelled report (the fields of data/labelled), to retrain with the corrections."""
    decided = (row.identification or {}).get("decided") or {}
    police = bool(decided.get("is_police_matter"))
    category = decided.get("category")
    if police or not category or category not in categories() or not categories()[category].leaf:
        return None  # police work ends the case before its category is decided
    township = decided.get("township")
    return {"id": row.case_no, "channel": row.channel, "text": row.description, "address": row.address or "",
            "police": False, "category": category, "township": township or None,
            "place": "town" if township else "none", "borderline": False}
