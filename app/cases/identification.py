"""The identification beside the case: the suggestion made at intake, and what the route step decided."""
from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _

from app.routing.gazetteer import categories, gazetteer
from app.routing.suggestions.places import landmarks
from app.routing.suggestions.suggest import suggest

log = logging.getLogger(__name__)
# The route form's fields that the suggestion pre-fills, and where each sits in a suggestion.
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
    """The route form's fields as the suggestion would fill them. Unsure (flagged) about police work, it
    leaves that question to the dispatcher rather than answer it for them."""
    if not suggestion:
        return {}
    values: dict[str, Any] = {}
    if not suggestion.get("flagged"):
        values["is_police_matter"] = bool(suggestion.get("is_police_matter"))
    if suggestion.get("categories"):
        values["category"] = suggestion["categories"][0]["code"]
    if suggestion.get("township"):
        values["township"] = suggestion["township"]["code"]
    if suggestion.get("place") and suggestion["place"].get("team"):
        values["place"] = suggestion["place"]["code"]
    return values


def decided(suggestion: dict[str, Any] | None, data: dict[str, Any], actor: str) -> dict[str, Any] | None:
    """What the route step decided beside what was suggested; None for a step that decides none of it."""
    if "is_police_matter" not in data:
        return None
    values = suggested_values(suggestion) if suggestion else {}
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
