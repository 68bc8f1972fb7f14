"""The people API's bodies and answers (separate create, change and read shapes)."""
from __future__ import annotations

from typing import Any

from marshmallow import RAISE, ValidationError, fields, pre_load, validate, validates_schema

from app.apidoc import ErrorSchema, OpenSchema
from app.auth.models import QUALIFICATIONS, ROLES
from app.cases.schemas import PageSchema
from app.fields import LocalTime, Moment, Str, StrictBoolean, Trimmed
from app.people import rules

_ROLE = Str(validate=validate.OneOf(ROLES))
_TEAM = Trimmed(validate=validate.Length(min=1, max=64))
_QUAL = Str(validate=validate.OneOf(QUALIFICATIONS))


class _Phone(Trimmed):
    """A phone as people write it (spaces, +86), kept as digits (a landline keeps its dash)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        phone = rules.normal_phone(super()._deserialize(value, attr, data, **kwargs))
        problem = rules.phone_problem(phone) if phone else None
        if problem:
            raise ValidationError(problem)
        return phone


class _Body(OpenSchema):
    class Meta:
        unknown = RAISE  # a misspelt field of an account is refused, not quietly dropped


# The roster's column names (and the CLI's) for the same fields: a client writing them is understood.
_ALIASES = {"role": "roles", "team": "teams", "display_name": "name"}


class _PersonBody(_Body):
    @pre_load
    def _aliases(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for alias, field in _ALIASES.items():
            if alias in out and field not in out:
                value = out.pop(alias)
                out[field] = rules.split_list(value) if isinstance(value, str) and field != "name" else value
        return out


def _safe_name(name: str) -> None:
    problem = rules.name_problem(name)
    if problem:
        raise ValidationError(problem)


class PersonChangeSchema(_PersonBody):
    name = Trimmed(validate=[validate.Length(min=1, max=rules.NAME_MAX), _safe_name])
    phone = _Phone(allow_none=True, validate=validate.Length(max=32))
    roles = fields.List(_ROLE, validate=validate.Length(min=1, max=len(ROLES)))
    teams = fields.List(_TEAM, validate=validate.Length(max=100))
    leads = fields.List(_TEAM, validate=validate.Length(max=100),
                        metadata={"description": "the teams (of `teams`) this person leads"})
    qualifications = fields.List(_QUAL, validate=validate.Length(max=len(QUALIFICATIONS)))
    certificate_no = Trimmed(allow_none=True, validate=validate.Length(max=rules.CERTIFICATE_MAX),
                             metadata={"description": "the certificate number of the qualifications given"})
    active = StrictBoolean(metadata={"description": "false deactivates: no sign-in, no token; the name stays on "
                                                     "what they did; their claimed steps go back to the queues"})


class PersonCreateSchema(PersonChangeSchema):
    username = Trimmed(required=True, validate=validate.Regexp(rules.USERNAME.pattern, error=rules.USERNAME_RULE))
    name = Trimmed(required=True, validate=[validate.Length(min=1, max=rules.NAME_MAX), _safe_name])
    roles = fields.List(_ROLE, required=True, validate=validate.Length(min=1, max=len(ROLES)))
    password = Str(load_only=True, validate=validate.Length(max=256), metadata={
        "description": "optional: without it the answer carries a temporary password, changed at first sign-in"})

    @validates_schema
    def _active(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("active") is False:
            raise ValidationError("a new user is active", "active")


class PersonFilterSchema(OpenSchema):
    q = Str(validate=validate.Length(max=64), metadata={"description": "user name, name or phone contains"})
    team = Str(validate=validate.Length(max=64))
    role = Str(validate=validate.OneOf(ROLES))
    qualification = Str(validate=validate.OneOf(QUALIFICATIONS))
    active = fields.Boolean()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TeamOfPersonSchema(OpenSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    leader = fields.Boolean(required=True)


class PersonSchema(OpenSchema):
    username = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.String(allow_none=True)
    roles = fields.List(fields.String(), required=True)
    teams = fields.List(fields.String(), required=True)
    leads = fields.List(fields.String(), required=True)
    team_details = fields.List(fields.Nested(TeamOfPersonSchema), required=True)
    qualifications = fields.List(fields.String(), required=True)
    certificate_no = fields.String(allow_none=True)
    certificates = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    active = fields.Boolean(required=True)
    must_change_password = fields.Boolean(required=True)
    has_password = fields.Boolean(required=True)
    deactivated_at = LocalTime(allow_none=True)
    created_at = LocalTime(allow_none=True)
    temporary_password = fields.String(metadata={"description": "once, when created without a password"})


class PersonPageSchema(PageSchema):
    items = fields.List(fields.Nested(PersonSchema), required=True)


class PasswordResetSchema(OpenSchema):
    username = fields.String(required=True)
    temporary_password = fields.String(required=True)
    must_change_password = fields.Boolean(required=True)


DRY_RUN_WORDS = ("0", "1", "true", "false", "yes", "no", "True", "False")


class ImportArgsSchema(OpenSchema):
    dry_run = Str(validate=validate.OneOf(DRY_RUN_WORDS),
                  metadata={"description": "1, true or yes: check only and import nothing"})


class RowProblemSchema(OpenSchema):
    row = fields.Integer(required=True, metadata={"description": "the spreadsheet's row (the header is row 1)"})
    column = fields.String(required=True)
    message = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "what is wrong, as a code: required, duplicate, "
                         "bad_phone, unknown_team, unknown_role, role_not_granted, unknown_qualification, too_long, "
                         "username_rule, missing_column, unreadable, empty, too_many_rows; warnings: no_certificate, "
                         "deactivated"})
    value = fields.String(required=True, metadata={"description": "the value at fault (or the other row, the limit)"})


class ImportAnswerSchema(OpenSchema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    rows = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)
    imported = fields.Boolean(required=True)
    problems = fields.List(fields.Nested(RowProblemSchema), required=True)
    warnings = fields.List(fields.Nested(RowProblemSchema), required=True)


class ImportRefusedSchema(ErrorSchema):
    """422: the error; when the file was read, the roster's answer too (its problems, nothing imported)."""

    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rows = fields.Integer()
    dry_run = fields.Boolean()
    imported = fields.Boolean()
    problems = fields.List(fields.Nested(RowProblemSchema))
    warnings = fields.List(fields.Nested(RowProblemSchema))


class LoadSchema(OpenSchema):
    open = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    unclaimed = fields.Integer(required=True)


class MemberSchema(OpenSchema):
    username = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.String(allow_none=True, metadata={"description": "masked unless admin, supervisor or leader"})
    roles = fields.List(fields.String(), required=True)
    qualifications = fields.List(fields.String(), required=True)
    leader = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    on_duty = fields.Boolean(required=True)
    # "load" would shadow Schema.load: the attribute has another name, the JSON key is "load".
    held = fields.Nested(LoadSchema, required=True, data_key="load", attribute="load")


class MembersSchema(PageSchema):
    team = fields.Dict(required=True)
    team_load = fields.Nested(LoadSchema, required=True, data_key="load", attribute="load")
    items = fields.List(fields.Nested(MemberSchema), required=True)


class ShiftSchema(OpenSchema):
    id = fields.Integer(required=True)
    team = fields.String(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    starts_at = LocalTime(required=True)
    ends_at = LocalTime(required=True)
    now = fields.Boolean(required=True, metadata={"description": "on duty at this moment"})


class ShiftPageSchema(PageSchema):
    items = fields.List(fields.Nested(ShiftSchema), required=True)


class ShiftCreateSchema(_Body):
    username = Trimmed(required=True, validate=validate.Length(min=1, max=64))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)


class ShiftFilterSchema(OpenSchema):
    from_ = Moment(data_key="from", metadata={"description": "default: now"})
    to = Moment(metadata={"description": "default: seven days after from"})
