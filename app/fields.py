"""Field types shared by every schema of the API and the pages: strings without NUL, times as the contract
writes them (RFC 3339 with seconds and offset, in app.moments' years), trimmed references, blank checks."""
from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, validate

from app import moments
from app.moments import SHANGHAI, local_iso


class Str(fields.String):
    """A string without NUL characters (PostgreSQL text cannot hold them)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("must not contain NUL characters")
        return text


class Moment(fields.AwareDateTime):
    """A time from an API request: RFC 3339 with seconds and offset, in app.moments' years (the document's
    pattern says the same)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=SHANGHAI, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not moments.well_written(value):
            raise ValidationError(moments.NOT_RFC3339)
        when = super()._deserialize(value, attr, data, **kwargs)
        if not moments.in_range(when):
            raise ValidationError(moments.OUT_OF_RANGE)
        return when


class OptionalDateTime(Moment):
    """An optional time: an empty string (what many integrating systems send for "none") means absent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_none=True, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        return super().deserialize(None if value == "" else value, attr, data, **kwargs)


# Blank characters spelled out, so that Python's re and the document's readers (ECMA-262) agree exactly.
BLANKS = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
NON_BLANK = validate.Regexp(rf"[\s\S]*[^{BLANKS}]", error="must not be blank")


# White space and the invisible characters (zero-width spaces and joiners, the byte-order mark) that
# copy and paste leaves around a reference.
_PADDING = re.compile(rf"^[{BLANKS}]+|[{BLANKS}]+\Z")


class Trimmed(Str):
    """A reference compared as sent by other systems: what surrounds it, visible or not, is not part of it."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return _PADDING.sub("", super()._deserialize(value, attr, data, **kwargs))


PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{2,30}$", error="not a phone number (digits, optional +, - and spaces)")


class LocalTime(fields.DateTime):
    """A time in an answer: RFC 3339 in the service's local time (Asia/Shanghai), to the second. Presenters
    hand over datetimes; this field is the one place they are written out."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return local_iso(value)


class StrictBoolean(fields.Boolean):
    """true or false in a JSON body, nothing else (0, 1 and "yes" are not booleans in the document either)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value
