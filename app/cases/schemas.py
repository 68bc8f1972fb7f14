"""Marshmallow schemas of the case API: create (intake), filters, and the read shapes for OpenAPI."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from app.cases.models import CHANNELS, STATUSES

SHANGHAI = ZoneInfo("Asia/Shanghai")
class Str(fields.String):
    """A string without NUL characters (PostgreSQL text cannot hold them)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("must not contain NUL characters")
        return text


PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{2,30}$", error="not a phone number (digits, optional +, - and spaces)")


class ReporterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = Str(validate=validate.Length(max=64), allow_none=True)
    phone = Str(validate=[validate.Length(max=32), PHONE], allow_none=True)


class CaseCreateSchema(Schema):
    """What an intake operator or an integrating 110/12345 system sends. Unknown fields are ignored
    (and reported as warnings) rather than refused: losing a matter is worse than a stray field."""

    class Meta:
        unknown = EXCLUDE

    channel = Str(required=True, validate=validate.OneOf(CHANNELS))
    external_ref = Str(validate=validate.Length(min=1, max=128), allow_none=True)
    reporter = fields.Nested(ReporterSchema, allow_none=True)
    description = Str(required=True, validate=validate.Length(min=1, max=10_000))
    township = Str(validate=validate.Length(max=64), allow_none=True)
    address = Str(validate=validate.Length(max=256), allow_none=True)
    category = Str(validate=validate.Length(max=64), allow_none=True)
    occurred_at = fields.AwareDateTime(default_timezone=SHANGHAI, allow_none=True)
    lat = fields.Float(validate=validate.Range(-90, 90), allow_none=True, allow_nan=False)
    lon = fields.Float(validate=validate.Range(-180, 180), allow_none=True, allow_nan=False)

    @validates("description")
    def _not_blank(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ValidationError("must not be blank")


class CaseFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = Str(validate=validate.OneOf(STATUSES))
    township = Str()
    team = Str()
    category = Str()
    channel = Str(validate=validate.OneOf(CHANNELS))
    q = Str(validate=validate.Length(max=200))
    opened_from = fields.AwareDateTime(default_timezone=SHANGHAI)
    opened_to = fields.AwareDateTime(default_timezone=SHANGHAI)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class PageArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class CodeNameSchema(Schema):
    code = fields.String()
    name = fields.String()


class WorkItemReadSchema(Schema):
    id = fields.Integer()
    case_no = fields.String()
    element_id = fields.String()
    name = fields.String()
    lane = fields.String(allow_none=True)
    team = fields.Nested(CodeNameSchema, allow_none=True)
    assignee = fields.String(allow_none=True)
    state = fields.String()
    due_at = fields.String(allow_none=True)
    overdue = fields.Boolean()
    created_at = fields.String()
    completed_at = fields.String(allow_none=True)
    completed_by = fields.String(allow_none=True)
    case_status = fields.String()


class CaseReadSchema(Schema):
    case_no = fields.String()
    status = fields.String()
    channel = fields.String()
    external_ref = fields.String(allow_none=True)
    description = fields.String()
    category = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)
    township = fields.Nested(CodeNameSchema, allow_none=True)
    team = fields.Nested(CodeNameSchema, allow_none=True)
    reporter = fields.Dict()
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    occurred_at = fields.String(allow_none=True)
    opened_at = fields.String()
    closed_at = fields.String(allow_none=True)
    process_version = fields.String()
    error = fields.Dict(allow_none=True)
    warnings = fields.List(fields.String())
    warning_details = fields.List(fields.Dict())
    open_tasks = fields.List(fields.Nested(WorkItemReadSchema))


class EventReadSchema(Schema):
    id = fields.Integer()
    at = fields.String()
    actor = fields.String(allow_none=True)
    kind = fields.String()
    summary = fields.String()
    data = fields.Dict()
