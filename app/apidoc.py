"""What the OpenAPI document says of each operation: its query, its body (required), its answers —
the success shapes and every error it can give, all in the contract's error shape."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Api, Blueprint
from marshmallow import EXCLUDE, Schema, fields
from werkzeug.exceptions import HTTPException

from app.errors import error_page, error_response, flatten_messages, log, open311_errors, wants_json
from app.fields import Moment, OptionalDateTime
from app.moments import YEAR_PATTERN

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
                                 data_key="fields", attribute="fields")


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


def undeclared(schema: Schema, data: Any, path: str = "") -> list[str]:
    """Keys of an answer that its schema does not declare (they would be dropped), nested ones included."""
    if not isinstance(data, dict):
        return []
    declared = {f.data_key or name: f for name, f in schema.dump_fields.items()}
    out = [f"{path}{key}" for key in data if key not in declared]
    for key, field in declared.items():
        value = data.get(key)
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and isinstance(inner.schema, Schema) and value is not None:
            for item in value if isinstance(field, fields.List) else [value]:
                out += undeclared(inner.schema, item, f"{path}{key}.")
    return out


def _serialized(view: Any, ok: dict[int, Any]) -> Any:
    """The view's answer written out by the schema the document shows for its status: one truth for both.
    Testing refuses an answer with keys its schema does not declare, so no field is silently dropped."""
    schemas = {status: schema() if isinstance(schema, type) else schema for status, schema in ok.items()}

    @wraps(view)
    def serialize(*args: Any, **kwargs: Any) -> Any:
        result = view(*args, **kwargs)
        if isinstance(result, Response):
            return result
        parts = (*result, None, None) if isinstance(result, tuple) else (result, None, None)
        body, status, headers = parts[:3]
        schema = schemas.get(status or 200)
        if schema is None:
            return result
        if current_app.testing:
            extra = undeclared(schema, body)
            if extra:
                raise RuntimeError(f"{request.endpoint}: keys the answer's schema does not declare: {extra}")
        out = schema.dump(body)
        return out if status is None else ((out, status, headers) if headers is not None else (out, status))

    return serialize


def operation(blp: Blueprint, *, ok: dict[int, Any], errors: tuple[int, ...], summary: str,
              query: type[Schema] | None = None, body: Any = None, body_required: bool = True,
              content_type: str = "application/json") -> Callable[[Any], Any]:
    """Document one view — success answers (status → schema), errors, query parameters and body — and
    serialize its answers with those schemas."""

    def wrap(view: Any) -> Any:
        view = _serialized(view, ok)
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

    if isinstance(field, OptionalDateTime):
        ret.pop("type", None)
        ret.pop("format", None)
        return {"anyOf": [{"type": "string", "format": "date-time", "pattern": YEAR_PATTERN},
                          {"type": "string", "maxLength": 0}, {"type": "null"}]}
    if isinstance(field, Moment):
        return {"pattern": YEAR_PATTERN}
    return {}


class ContractApi(Api):
    """flask-smorest's Api, with errors rendered (and documented) in the contract's shape."""

    # Each operation lists the errors it gives (app/apidoc.py); no catch-all "default" answer.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.ERROR_SCHEMA = ErrorSchema
        super().__init__(*args, **kwargs)

    def handle_http_exception(self, error: HTTPException) -> Any:
        if not wants_json():
            return error_page(error)
        if error.response is not None:
            return error.response  # an answer made for it already (a throttled lookup's 429 in the contract's shape)
        if request.path.startswith("/open311/"):
            # Open311's own error shape, in the format the path names (an unknown path, a method it does not take).
            return open311_errors(error.code or 500, [error.description or error.name],
                                  request.path.endswith(".xml"))
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        fields = flatten_messages(data.get("messages") or data.get("errors") or {})
        if status == 400 and getattr(error, "exc", None) is not None and "_body" in fields:
            message = "the request body is not valid JSON"
        elif status == 422:
            message = "the request does not pass validation: " + "; ".join(
                f"{k}: {', '.join(v)}" for k, v in sorted(fields.items()))
        elif status == 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.exception("unhandled error", exc_info=original)
            message = "internal error; it has been logged"
        else:
            message = error.description or error.name
        resp = error_response(status, message, fields=fields)
        valid = getattr(error, "valid_methods", None)
        if status == 405 and valid:
            resp.headers["Allow"] = ", ".join(sorted(valid))
        retry = dict(error.get_headers()).get("Retry-After")
        if retry:
            resp.headers["Retry-After"] = retry
        return resp
