"""What the reports API answers and takes: the shapes of CONTRACT.md's "Reports" (the OpenAPI document shows
them, and they write the answers out)."""
from __future__ import annotations

from marshmallow import fields, validate

from app.apidoc import OpenSchema
from app.fields import Str

Count = fields.Integer
DATE_PATTERN = r"^(19[7-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
TABLE_NAMES = ("summary", "by_township", "by_category", "escalations", "mediation", "judicial", "to_clear", "by_team",
               "by_day", "category_trend", "breaches_by_step", "identification")


def rate_field() -> fields.Float:
    return fields.Float(allow_none=True, metadata={"description": "a fraction rounded to 4 places; null when the "
                                                                  "divisor is 0"})


class ReportArgsSchema(OpenSchema):
    date = fields.Date(metadata={"description": "a day of the period (Asia/Shanghai), 1970-2100; default today",
                                 "pattern": DATE_PATTERN})
    township = Str(validate=validate.Length(max=64), metadata={"description": "a township's code or name"})
    county = Str(validate=validate.Length(max=64), metadata={"description": "a county's code or name"})
    format = Str(validate=validate.OneOf(("json", "csv", "xlsx")), load_default="json")
    table = Str(validate=validate.OneOf(TABLE_NAMES), metadata={
        "description": "format=csv: which table (default summary); a table the report's kind has not is 404"})


class PeriodSchema(OpenSchema):
    from_ = fields.String(required=True, data_key="from", attribute="from")
    to = fields.String(required=True)


class ScopeSchema(OpenSchema):
    kind = fields.String(required=True)
    code = fields.String(allow_none=True)
    name = fields.String(required=True)


class TownshipRowSchema(OpenSchema):
    code = fields.String(allow_none=True)
    name = fields.String(required=True)
    opened = Count(required=True)
    closed = Count(required=True)
    overdue_now = Count(required=True)


class CategoryRowSchema(OpenSchema):
    code = fields.String(allow_none=True)
    name = fields.String(required=True)
    opened = Count(required=True)


class EscalationsSchema(OpenSchema):
    opened = Count(required=True)
    remind = Count(required=True)
    reassign = Count(required=True)
    extend = Count(required=True)
    take_over = Count(required=True)


class MediationSchema(OpenSchema):
    started = Count(required=True)
    agreement = Count(required=True)
    no_agreement = Count(required=True)
    withdrawn = Count(required=True)


class JudicialSchema(OpenSchema):
    applied = Count(required=True)
    confirmed = Count(required=True)
    rejected = Count(required=True)


class TeamRefSchema(OpenSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class ToClearSchema(OpenSchema):
    id = fields.Integer(required=True)
    case_no = fields.String(required=True)
    name = fields.String(required=True)
    team = fields.Nested(TeamRefSchema, allow_none=True)
    assignee = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    overdue = fields.Boolean(required=True)
    escalation = fields.Boolean(required=True)


class TeamLoadSchema(OpenSchema):
    code = fields.String(allow_none=True)
    name = fields.String(required=True)
    open = Count(required=True)
    overdue = Count(required=True)


class DaySchema(OpenSchema):
    date = fields.String(required=True)
    opened = Count(required=True)
    closed = Count(required=True)


class TrendSchema(OpenSchema):
    date = fields.String(required=True)
    code = fields.String(allow_none=True)
    opened = Count(required=True)


class BreachSchema(OpenSchema):
    name = fields.String(required=True)
    items = Count(required=True)
    breached = Count(required=True)


class AgreementSchema(OpenSchema):
    agreed = Count(required=True)
    compared = Count(required=True)
    accuracy = fields.Float(allow_none=True)


class IdentificationSchema(OpenSchema):
    decided = Count(required=True)
    fields_ = fields.Dict(keys=fields.String(), values=fields.Nested(AgreementSchema), required=True,
                          data_key="fields", attribute="fields")


class ReportSchema(OpenSchema):
    kind = fields.String(required=True)
    period = fields.Nested(PeriodSchema, required=True)
    as_of = fields.String(required=True, metadata={"description": "the report's time: figures 'now' are as of it"})
    scope = fields.Nested(ScopeSchema, required=True)
    opened = Count(required=True)
    returned_to_police = Count(required=True)
    closed = Count(required=True)
    closed_in_period = Count(required=True, metadata={"description": "cases closed in the period, whenever opened"})
    completion_rate = rate_field()
    callbacks = Count(required=True)
    satisfaction_rate = rate_field()
    open_now = Count(required=True)
    overdue_now = Count(required=True)
    median_response_minutes = fields.Float(allow_none=True)
    p90_response_minutes = fields.Float(allow_none=True)
    median_handling_hours = fields.Float(allow_none=True)
    by_township = fields.List(fields.Nested(TownshipRowSchema), required=True)
    by_category = fields.List(fields.Nested(CategoryRowSchema), required=True)
    escalations = fields.Nested(EscalationsSchema, required=True)
    mediation = fields.Nested(MediationSchema, required=True)
    judicial = fields.Nested(JudicialSchema, required=True)
    reopened = Count(required=True)
    to_clear = fields.List(fields.Nested(ToClearSchema), metadata={"description": "daily"})
    to_clear_total = Count(metadata={"description": "daily: how many are due (to_clear lists the first 500)"})
    by_team = fields.List(fields.Nested(TeamLoadSchema), metadata={"description": "daily"})
    carried_over = Count(metadata={"description": "weekly: cases open at the week's start"})
    by_day = fields.List(fields.Nested(DaySchema), metadata={"description": "monthly"})
    category_trend = fields.List(fields.Nested(TrendSchema), metadata={"description": "monthly"})
    breaches_by_step = fields.List(fields.Nested(BreachSchema), metadata={"description": "monthly"})
    repeat_complaints = Count(metadata={"description": "monthly"})
    identification = fields.Nested(IdentificationSchema, metadata={"description": "monthly"})
