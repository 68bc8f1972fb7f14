"""What each front door adds to a matter (CONTRACT.md, "Intake by channel"): a 110 transfer's incident
number and call time, a 12345 work order, an online post, a market-centre report, a walk-in's service
station. Response times are measured from the call or post time when the channel gives one."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, validate

from app.engine import clock
from app.fields import OptionalDateTime, Str

# A phone's or a partner system's clock may run a little ahead of ours.
CLOCK_GRACE = timedelta(minutes=5)


def _not_future(when: datetime | None) -> None:
    if when is not None and when > clock.now() + CLOCK_GRACE:
        raise ValidationError(_("cannot be later than now"))


class _Details(Schema):
    class Meta:
        unknown = EXCLUDE


def _text(limit: int = 64) -> Any:
    return Str(validate=validate.Length(max=limit), allow_none=True)


class Police110(_Details):
    incident_no = _text()
    called_at = OptionalDateTime(validate=_not_future)
    police_station = _text()


class Hotline12345(_Details):
    work_order_no = _text()
    called_at = OptionalDateTime(validate=_not_future)


class OnlinePost(_Details):
    platform = _text()
    url = Str(validate=[validate.Length(max=2048), validate.URL(schemes={"http", "https"}, require_tld=False)],
              allow_none=True)
    poster = _text()
    posted_at = OptionalDateTime(validate=_not_future)


class MarketCentre(_Details):
    market = _text()
    stall = _text()


class WalkIn(_Details):
    service_station = _text()


SCHEMAS: dict[str, type[_Details]] = {"110": Police110, "12345": Hotline12345, "online": OnlinePost,
                                      "market": MarketCentre, "walk_in": WalkIn}
# Fields that name a person (masked like the reporter for roles that see no personal data).
PERSONAL = {"poster"}


def read(channel: str, given: Any) -> tuple[dict[str, Any] | None, datetime | None, list[str]]:
    """(details as stored, the time responses are measured from, keys the channel does not have).
    Raises ValidationError with the fields under channel_details."""
    if given is None:
        return None, None, []
    if not isinstance(given, dict):
        raise ValidationError({"channel_details": ["must be an object"]})
    schema = SCHEMAS[channel]()
    try:
        loaded = schema.load(given)
    except ValidationError as err:
        raise ValidationError({"channel_details": err.messages}) from None
    ignored = sorted(k for k in given if k not in schema.fields)
    reported = loaded.get("called_at") or loaded.get("posted_at")
    stored = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in loaded.items() if v is not None}
    return stored or None, reported, ignored


def labels() -> dict[str, str]:
    """What a page calls each detail (in the page's language)."""
    return {"incident_no": _("Incident number"), "called_at": _("Called at"), "police_station": _("Police station"),
            "work_order_no": _("Work order number"), "platform": _("Platform"), "url": _("Link"),
            "poster": _("Posted by"), "posted_at": _("Posted at"), "market": _("Market"), "stall": _("Stall"),
            "service_station": _("Service station")}
