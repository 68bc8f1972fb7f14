"""Marshmallow schemas of the case API: create (intake), filters, and the read shapes for OpenAPI."""
from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, fields, post_load, validate

from app.apidoc import OpenSchema
from app.cases import channels
from app.casework.models import CHANNELS, STATUSES
from app.fields import NON_BLANK, PHONE, LocalTime, OptionalDateTime, Str, Trimmed
from app.http import MAX_PAGE
from app.routing.suggestions.schemas import SuggestionSchema


class ReporterSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    name = Str(validate=validate.Length(max=64), allow_none=True)
    phone = Str(validate=[validate.Length(max=32), PHONE], allow_none=True)


class CaseCreateSchema(OpenSchema):
    """What an intake operator or an integrating 110/12345 system sends. Unknown fields are ignored
    (and reported as warnings) rather than refused: losing a matter is worse than a stray field."""

    class Meta:
        unknown = EXCLUDE

    channel = Str(required=True, validate=validate.OneOf(CHANNELS))
    external_ref = Trimmed(validate=[validate.Length(min=1, max=128), NON_BLANK], allow_none=True)
    reporter = fields.Nested(ReporterSchema, allow_none=True)
    description = Str(required=True, validate=[validate.Length(min=1, max=10_000), NON_BLANK])
    township = Str(validate=validate.Length(max=64), allow_none=True)
    address = Str(validate=validate.Length(max=256), allow_none=True)
    category = Str(validate=validate.Length(max=64), allow_none=True)
    occurred_at = OptionalDateTime()
    lat = fields.Float(validate=validate.Range(-90, 90), allow_none=True, allow_nan=False)
    lon = fields.Float(validate=validate.Range(-180, 180), allow_none=True, allow_nan=False)
    channel_details = fields.Dict(allow_none=True, metadata={"description": (
        "by channel — 110: incident_no, called_at, police_station; 12345: work_order_no, called_at; online: "
        "platform, url, poster, posted_at; market: market, stall; walk_in: service_station. Times RFC 3339, not "
        "in the future; response times are measured from called_at or posted_at")})

    @post_load
    def _channel(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        details, reported, ignored = channels.read(data["channel"], data.get("channel_details"))
        data.update(channel_details=details, called_at=reported, ignored_details=ignored)
        return data


class CaseFilterSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    status = Str(validate=validate.OneOf(STATUSES))
    township = Str()
    team = Str()
    category = Str()
    channel = Str(validate=validate.OneOf(CHANNELS))
    q = Str(validate=validate.Length(max=200))
    opened_from = OptionalDateTime()
    opened_to = OptionalDateTime()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class PageArgsSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class CodeNameSchema(OpenSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class TownshipRefSchema(CodeNameSchema):
    county = fields.String(allow_none=True)


class CaseErrorSchema(OpenSchema):
    element_id = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    at = LocalTime(allow_none=True)


class ReminderSchema(OpenSchema):
    note = fields.String(required=True)
    by = fields.String(required=True, metadata={"description": "the supervisor's username"})
    at = fields.String(required=True, metadata={"description": "when, RFC 3339"})


class WorkItemReadSchema(OpenSchema):
    id = fields.Integer(required=True)
    case_no = fields.String(required=True)
    element_id = fields.String(required=True)
    name = fields.String(allow_none=True)
    lane = fields.String(allow_none=True)
    team = fields.Nested(CodeNameSchema, allow_none=True)
    assignee = fields.String(allow_none=True)
    state = fields.String(required=True)
    due_at = LocalTime(allow_none=True)
    overdue = fields.Boolean(required=True)
    created_at = LocalTime(required=True)
    completed_at = LocalTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    case_status = fields.String()
    round = fields.Integer(metadata={"description": "1, or 2 and up when the step comes again (reopened, returned)"})
    reminder = fields.Nested(ReminderSchema, allow_none=True,
                             metadata={"description": "a supervisor's reminder, shown until the step is done"})
    qualification = fields.String(allow_none=True, metadata={
        "description": "the qualification whoever claims or completes the step must hold (social_worker, "
                       "counsellor, labour_coordinator, mediator), from the diagram; null when none"})


class NextItemSchema(OpenSchema):
    id = fields.Integer(required=True)
    element_id = fields.String(required=True)
    name = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    due_at = LocalTime(allow_none=True)


class CompletedItemSchema(WorkItemReadSchema):
    next = fields.List(fields.Nested(NextItemSchema), required=True)
    supervision = fields.Dict(metadata={"description": "an escalation's form: the action taken on its step"})


class TaskDetailSchema(WorkItemReadSchema):
    process_version = fields.String(metadata={"description": "the process version whose form this is"})
    form = fields.Dict(required=True)
    data = fields.Dict(required=True, metadata={
        "description": "the values the form starts from; on the route step, filled from the case's suggestion "
                       "where intake left them empty (never the police question)"})
    prefilled = fields.List(fields.String(), metadata={"description": "the fields the suggestion filled in data"})
    pass_on_to = fields.List(fields.Nested(CodeNameSchema), metadata={
        "description": "the units of the step's centre a member may pass it to (POST /tasks/{id}/pass-on)"})
    result = fields.Dict(allow_none=True)


class MilestonesSchema(OpenSchema):
    first_response_at = LocalTime(allow_none=True)
    handled_at = LocalTime(allow_none=True)
    mediation_started_at = LocalTime(allow_none=True)
    mediated_at = LocalTime(allow_none=True)
    mediation_outcome = fields.String(allow_none=True)
    judged_at = LocalTime(allow_none=True)
    judicial_applied_at = LocalTime(allow_none=True)
    judicial_decision = fields.String(allow_none=True)
    callback_at = LocalTime(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    reopened_at = LocalTime(allow_none=True)


class CaseReadSchema(OpenSchema):
    """The case. A repeated intake that the caller may not see answers only case_no, status, channel,
    external_ref, opened_at and duplicate=true."""

    case_no = fields.String(required=True)
    status = fields.String(required=True)
    channel = fields.String(required=True)
    external_ref = fields.String(allow_none=True)
    duplicate = fields.Boolean()
    description = fields.String()
    category = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)
    category_group = fields.String(allow_none=True, metadata={"description": "the category's group (a wave-1 code)"})
    township = fields.Nested(TownshipRefSchema, allow_none=True)
    team = fields.Nested(CodeNameSchema, allow_none=True)
    reporter = fields.Dict()
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    occurred_at = LocalTime(allow_none=True)
    channel_details = fields.Dict(allow_none=True, metadata={"description": "what the channel added (times as sent)"})
    called_at = LocalTime(allow_none=True, metadata={"description": "the call or post time, responses are timed from"})
    possible_duplicates = fields.List(fields.String(), metadata={
        "description": "case numbers that may be the same matter: the same phone within 7 days, or the same township "
                       "and a similar text within 24 hours"})
    duplicate_of = fields.String(allow_none=True, metadata={"description": "the primary case this one was linked to"})
    linked_duplicates = fields.List(fields.String(), metadata={"description": "cases linked to this one as duplicates"})
    suggestion = fields.Nested(SuggestionSchema, allow_none=True, metadata={
        "description": "the identification's suggestion made at intake (the shape of POST /suggestions)"})
    identification = fields.Dict(allow_none=True, metadata={
        "description": "what the route step decided beside the suggestion: decided, agreed (per field), by, at"})
    opened_at = LocalTime(required=True)
    closed_at = LocalTime(allow_none=True)
    milestones = fields.Nested(MilestonesSchema, metadata={
        "description": "what the reports count: a team's first response, handled, mediation, judicial decision, "
                       "callback (times and outcomes)"})
    process_version = fields.String()
    error = fields.Nested(CaseErrorSchema, allow_none=True)
    warnings = fields.List(fields.String())
    warning_details = fields.List(fields.Dict())
    open_tasks = fields.List(fields.Nested(WorkItemReadSchema))


class EventReadSchema(OpenSchema):
    id = fields.Integer(required=True)
    at = LocalTime(required=True)
    actor = fields.String(allow_none=True)
    kind = fields.String(required=True)
    summary = fields.String(required=True)
    data = fields.Dict(required=True)


class PageSchema(OpenSchema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class CasePageSchema(PageSchema):
    items = fields.List(fields.Nested(CaseReadSchema), required=True)


class EventPageSchema(PageSchema):
    items = fields.List(fields.Nested(EventReadSchema), required=True)


class WorkItemPageSchema(PageSchema):
    items = fields.List(fields.Nested(WorkItemReadSchema), required=True)


class DiagramSchema(OpenSchema):
    process_id = fields.String(required=True)
    bpmn_xml = fields.String(required=True)
    active = fields.List(fields.String(), required=True)
    completed = fields.List(fields.String(), required=True)
    subprocesses = fields.Dict(required=True)
