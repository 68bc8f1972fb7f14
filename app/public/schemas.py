"""The reporter's view of a case, as the OpenAPI document shows it."""
from __future__ import annotations

from marshmallow import fields, validate

from app.apidoc import OpenSchema
from app.fields import LocalTime, Str


class LookupArgsSchema(OpenSchema):
    phone_last4 = Str(required=True, validate=validate.Regexp(r"^[0-9]{4}$", error="four digits: the last four of "
                                                                                    "the phone you reported from"),
                      metadata={"description": "the last four digits of the phone the matter was reported from",
                                "example": "5678"})


class PublicCategorySchema(OpenSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class PublicStepSchema(OpenSchema):
    at = LocalTime(required=True)
    name = fields.String(required=True, metadata={"description": "what happened, in plain words"})


class PublicCaseSchema(OpenSchema):
    """What the reporter may know of their case: nothing personal, nothing the staff wrote about it."""

    case_no = fields.String(required=True)
    status = fields.String(required=True)
    status_name = fields.String(required=True)
    opened_at = LocalTime(required=True)
    closed_at = LocalTime(allow_none=True)
    category = fields.Nested(PublicCategorySchema, allow_none=True)
    steps = fields.List(fields.Nested(PublicStepSchema), required=True)
    reply = fields.String(allow_none=True, metadata={"description": "the official reply, if one was given"})
    reply_at = LocalTime(allow_none=True)
