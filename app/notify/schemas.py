"""The outbox as supervisors see it: what was owed to whom, and whether it went out (nothing personal: the
reporter's phone is never in the outbox)."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate

from app.apidoc import OpenSchema
from app.cases.schemas import PageSchema
from app.fields import LocalTime, Str
from app.http import MAX_PAGE

STATES = ("pending", "sent", "failed", "skipped")
KINDS = ("accepted", "dispatched", "handled", "closed", "step", "escalation", "reply")


class NotificationFilterSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    state = Str(validate=validate.OneOf(STATES))
    kind = Str(validate=validate.OneOf(KINDS))
    case_no = Str(validate=validate.Length(max=32))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class NotificationSchema(OpenSchema):
    id = fields.Integer(required=True)
    key = fields.String(required=True, metadata={"description": "the receiver's idempotency key"})
    case_no = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    audience = fields.String(required=True, metadata={"enum": ["reporter", "team", "channel"]})
    team = fields.String(allow_none=True)
    state = fields.String(required=True, metadata={"enum": list(STATES)})
    attempts = fields.Integer(required=True)
    next_attempt_at = LocalTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = LocalTime(required=True)
    sent_at = LocalTime(allow_none=True)
    sender = fields.String(allow_none=True)


class NotificationPageSchema(PageSchema):
    items = fields.List(fields.Nested(NotificationSchema), required=True)
