"""What the OpenAPI document says of each operation: its query, its body (required), its answers —
the success shapes and every error it can give, all in the contract's error shape."""
from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields

# Errors every operation can give: no or a bad credential, a role that may not do it; reads of one
# thing add 404; writes add a bad or oversized body, a conflict and validation.
COMMON = (401, 403)
READ_ONE = (*COMMON, 404)
WRITE = (*COMMON, 400, 404, 409, 413, 415, 422)


class OpenSchema(Schema):
    """Unknown keys are ignored, and the document says objects may carry more keys than listed: the
    contract adds fields freely, so clients must accept them (no additionalProperties: false)."""

    class Meta:
        unknown = EXCLUDE


class ErrorBodySchema(OpenSchema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    # "fields" would shadow Schema.fields: the attribute has another name, the JSON key is "fields".
    field_messages = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                                 data_key="fields")


class ErrorSchema(OpenSchema):
    """{"error": {"code", "message", "fields"}}: every 4xx of the API."""

    error = fields.Nested(ErrorBodySchema, required=True)


class ProblemSchema(OpenSchema):
    file = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    message = fields.String(required=True)


class BundleProblemsSchema(ErrorSchema):
    """A refused upload: the error, and each problem with its file, element and line."""

    problems = fields.List(fields.Nested(ProblemSchema))
    base_version = fields.String(allow_none=True)


# Answered by the HTTP server in front of the service (gunicorn's request-line limit), in HTML.
URI_TOO_LONG = {"description": "the request line is longer than the HTTP server takes (8 KB with scripts/run)",
                "content": {"text/html": {"schema": {"type": "string"}}}}


def operation(blp: Blueprint, *, ok: dict[int, Any], errors: tuple[int, ...], summary: str,
              query: type[Schema] | None = None, body: Any = None, body_required: bool = True,
              content_type: str = "application/json") -> Callable[[Any], Any]:
    """Document one view: success answers (status → schema), errors, query parameters and body."""

    def wrap(view: Any) -> Any:
        for status, schema in ok.items():
            view = blp.alt_response(status, schema=schema, description=HTTPStatus(status).phrase, success=True)(view)
        for status in sorted(set(errors) - set(ok)):
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        doc: dict[str, Any] = {"summary": summary, "responses": {"414": URI_TOO_LONG}}
        if query is not None:
            doc["parameters"] = [{"in": "query", "schema": query}]
        if body is not None:
            doc["requestBody"] = {"required": body_required, "content": {content_type: {"schema": body}}}
        return blp.doc(**doc)(view)

    return wrap


def times_as_documented(_converter: Any, field: Any, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
    """apispec attribute function: a Moment is a date-time of the years app.moments accepts; an
    OptionalDateTime may also be an empty string or null."""
    from app.cases.schemas import Moment, OptionalDateTime
    from app.moments import YEAR_PATTERN

    if isinstance(field, OptionalDateTime):
        ret.pop("type", None)
        ret.pop("format", None)
        return {"anyOf": [{"type": "string", "format": "date-time", "pattern": YEAR_PATTERN},
                          {"type": "string", "maxLength": 0}, {"type": "null"}]}
    if isinstance(field, Moment):
        return {"pattern": YEAR_PATTERN}
    return {}
