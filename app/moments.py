"""The span of times the service accepts from outside. Python's datetime reaches year 9999 only in
local time: a valid ISO 8601 value such as 9999-12-31T23:59-23:59 overflows when turned into UTC, so
every time from a request, a form or a page is bounded before it is used or stored. The bound is on the
year as written (1970-2100), which the OpenAPI document states as a pattern: document and check agree."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from config import Config

# The one local time of the service: pages, forms, case numbers and reports are in it (UTC is stored).
SHANGHAI = ZoneInfo(Config.TIMEZONE)

FIRST_YEAR, LAST_YEAR = 1970, 2100
OUT_OF_RANGE = "must lie between 1970 and 2100 (时间须在 1970 年至 2100 年之间)"
# The same bound, as the OpenAPI document writes it for date-time strings.
# RFC 3339 (seconds and offset required) within those years.
YEAR_PATTERN = (r"^(19[7-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")
_WRITTEN = re.compile(YEAR_PATTERN)
NOT_RFC3339 = "must be a time with seconds and offset, e.g. 2026-12-01T10:00:00+08:00 (须含秒和时区)"


def well_written(text: str) -> bool:
    """Whether a time from an API request is written as the document says (the whole string)."""
    return _WRITTEN.fullmatch(text) is not None


def in_range(value: datetime) -> bool:
    """Whether a time's year, as written, lies between FIRST_YEAR and LAST_YEAR (none of those overflow)."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def parse(text: str) -> datetime | None:
    """An ISO 8601 time within range, or None."""
    try:
        when = datetime.fromisoformat(text)
    except (ValueError, TypeError):
        return None
    return when if in_range(when) else None


def parse_local(text: str) -> datetime | None:
    """Like parse; a time written without an offset (a page's datetime-local input) is Asia/Shanghai's."""
    when = parse(text)
    return when if when is None or when.tzinfo else when.replace(tzinfo=SHANGHAI)


def local_iso(value: datetime | None) -> str | None:
    """A time as answers and audit events write it: RFC 3339 in the local time, to the second."""
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds") if value is not None else None
