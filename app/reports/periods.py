"""The periods and scopes of the reports: a day, an ISO week (Monday to Sunday) or a calendar month of
Asia/Shanghai, over the city, one county or one township."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.moments import SHANGHAI
from app.routing.gazetteer import gazetteer

KINDS = ("daily", "weekly", "monthly")


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # the first local day of the period
    last: date  # its last local day

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        if kind == "daily":
            return cls(kind, day, day)
        if kind == "weekly":
            monday = day - timedelta(days=day.weekday())
            return cls(kind, monday, monday + timedelta(days=6))
        if kind == "monthly":
            first = day.replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            return cls(kind, first, following - timedelta(days=1))
        raise ValueError(f"unknown report kind {kind}")

    @property
    def start(self) -> datetime:
        """The period's first instant (aware, local midnight)."""
        return datetime.combine(self.first, time(), SHANGHAI)

    @property
    def end(self) -> datetime:
        """The instant after the period (the next period's start): periods are half-open."""
        return datetime.combine(self.last + timedelta(days=1), time(), SHANGHAI)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class Scope:
    """Whose cases a report counts: the city (no codes), a county's townships or one township."""

    kind: str  # "city", "county" or "township"
    code: str | None
    name: str
    townships: tuple[str, ...] | None  # None: every case, a township or not

    @classmethod
    def city(cls) -> Scope:
        return cls("city", None, "嘉兴市", None)


def scope_of(township: str | None, county: str | None) -> Scope | None:
    """The scope a request names (a township's or a county's code or name), or None when it names an unknown one."""
    places = gazetteer()
    if township:
        place = places.match(township)
        return Scope("township", place.code, place.full_name, (place.code,)) if place is not None else None
    if county:
        inside = [p for p in places.places if county in (p.county_code, p.county_name)]
        if not inside:
            return None
        return Scope("county", inside[0].county_code, inside[0].county_name, tuple(p.code for p in inside))
    return Scope.city()
