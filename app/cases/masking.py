"""Masking of personal data, by role, in one place: every read of a case, a case list, a timeline or a
page goes through a Mask made from the principal (app/cases/present.py takes one; nothing else shapes
case data for output)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.auth import policy
from app.auth.principal import Principal
from app.casework.models import PSEUDONYM_PREFIX
from app.routing.gazetteer import gazetteer

# Event data keys that hold what people typed: form values and supervisors' notes.
_TYPED_KEYS = ("data", "note")


@dataclass(frozen=True)
class Mask:
    # Reporter's name and number, and every step's form data, in full.
    personal: bool
    # Without `personal`: the teams whose own steps' form data may still be shown (the form was theirs).
    own_teams: frozenset[str]

    @classmethod
    def for_principal(cls, principal: Principal) -> Mask:
        return cls(personal=policy.sees_personal_data(principal), own_teams=principal.teams)

    def name(self, value: str | None) -> str | None:
        if self.personal or not value:
            return value
        return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"

    def phone(self, value: str | None) -> str | None:
        if value and value.startswith(PSEUDONYM_PREFIX):
            return None  # retention left a pseudonym for counting repeats, not a number to show or call
        if self.personal or not value:
            return value
        digits = value.replace(" ", "").replace("-", "")
        return digits[:3] + "*" * max(len(digits) - 7, 1) + digits[-4:] if len(digits) >= 8 else "*" * len(digits)

    def address(self, value: str | None) -> str | None:
        """The place down to the county stays (where the matter is); the street and number do not."""
        if self.personal or not value:
            return value
        # Only the administrative names written first: six characters of "新联村5组23号" would be the village
        # and its group.
        kept = gazetteer().county_prefix(value)
        return value if kept == value else kept + "*" * min(8, len(value) - len(kept))

    def suggestion(self, suggestion: dict[str, Any] | None, address: str | None,
                   description: str) -> dict[str, Any] | None:
        """The suggestion's evidence may quote the address (a village, a community): for a role that does not
        see the address, the quotes found only there go, while the township they led to stays."""
        if self.personal or not suggestion or not address:
            return suggestion
        kept = [e for e in suggestion.get("evidence", []) if not _quotes_only(e, address, description)]
        return {**suggestion, "evidence": kept}

    def channel_details(self, details: dict[str, Any] | None) -> dict[str, Any] | None:
        """A channel's details; the online poster's name is a person's, masked like the reporter's."""
        if not details or self.personal:
            return details
        return {k: (self.name(v) if k in ("poster",) and isinstance(v, str) else v) for k, v in details.items()}

    def event_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """Form values only for roles that may see that step's form; a note only for personal-data roles."""
        if self.personal:
            return data
        out = dict(data)
        masked = []
        for key in _TYPED_KEYS:
            if key not in out:
                continue
            if key == "data" and out.get("team") in self.own_teams:
                continue
            out.pop(key)
            masked.append(key)
        if masked:
            out["masked"] = masked
        return out


def _quotes_only(evidence: str, address: str, description: str) -> bool:
    quoted = evidence.split("”", 1)[0].removeprefix("“")
    return bool(quoted) and quoted in address and quoted not in description
