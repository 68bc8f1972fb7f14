"""Errors in the contract's shape: {"error": {"code", "message", "fields"}}."""
from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, request

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/open311/")

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """A domain refusal that the edge turns into a contract error response."""

    def __init__(self, status: int, message: str, *, code: str | None = None,
                 fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or STATUS_CODES.get(status, "error")
        self.fields = fields or {}


class NotFound(ApiError):
    def __init__(self, message: str = "not found") -> None:
        super().__init__(404, message)


class Conflict(ApiError):
    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(409, message, code=code)


class Forbidden(ApiError):
    def __init__(self, message: str = "you are not allowed to do this", code: str | None = None) -> None:
        super().__init__(403, message, code=code)


class Invalid(ApiError):
    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(422, message, fields=fields)


def error_response(status: int, message: str, *, code: str | None = None,
                   fields: dict[str, Any] | None = None) -> Response:
    body = {"error": {"code": code or STATUS_CODES.get(status, "error"), "message": message,
                      "fields": fields or {}}}
    resp = jsonify(body)
    resp.status_code = status
    return resp


def open311_errors(status: int, descriptions: list[str], xml: bool) -> Response:
    """Open311 GeoReport v2's error shape: [{"code", "description"}], or <errors><error> for a .xml path."""
    if xml:
        from lxml import etree

        root = etree.Element("errors")
        for description in descriptions:
            error = etree.SubElement(root, "error")
            etree.SubElement(error, "code").text = str(status)
            etree.SubElement(error, "description").text = description
        return Response(etree.tostring(root, xml_declaration=True, encoding="utf-8"), status=status,
                        mimetype="text/xml")
    resp = jsonify([{"code": status, "description": d} for d in descriptions])
    resp.status_code = status
    return resp


def flatten_messages(messages: Any) -> dict[str, list[str]]:
    """webargs nests messages by location ({"json": {"field": [...]}}); the contract wants fields."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                name = str(key) if not prefix else f"{prefix}.{key}"
                walk(name, sub)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out.setdefault(prefix or "_body", []).extend(value)
        else:
            out.setdefault(prefix or "_body", []).append(str(value))

    if isinstance(messages, dict):
        for location, value in messages.items():
            if isinstance(value, dict):
                walk("", value)
            else:
                walk(location if location not in ("json", "query", "form") else "_body", value)
    return out


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES) or request.accept_mimetypes.best == "application/json"


DATABASE_DOWN = "the database is not reachable at the moment; nothing was saved, try again in a few seconds"


def register_error_handlers(app: Any) -> None:
    from sqlalchemy.exc import InterfaceError, OperationalError
    from werkzeug.exceptions import ServiceUnavailable

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Response:
        return error_response(err.status, err.message, code=err.code, fields=err.fields)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(err: Exception) -> Any:
        # A stopped, restarting or unreachable database (or SQLite's lock held past its timeout): a 503 the
        # caller can retry, never a 500. SQLAlchemy invalidates the pool on a disconnect, so the first request
        # after the database returns gets a fresh connection.
        log.warning("database unavailable: %s", str(err).splitlines()[0][:300])
        from app.database import release_session

        release_session()  # the page's layout, if it reads anything, starts from a fresh session
        if wants_json():
            if request.path.startswith("/open311/"):
                resp = open311_errors(503, [DATABASE_DOWN], request.path.endswith(".xml"))
            else:
                resp = error_response(503, DATABASE_DOWN, code="database_unavailable")
        else:
            resp = error_page(ServiceUnavailable())
            if not isinstance(resp, Response):
                resp = error_response(503, DATABASE_DOWN, code="database_unavailable")
        resp.headers["Retry-After"] = "5"
        return resp


def error_page(error: Any) -> Any:
    """A page's error in the app's own layout and language (the JSON doors answer in the contract's shape)."""
    from flask import render_template
    from flask_babel import gettext as _

    status = getattr(error, "code", None) or 500
    if status == 500:
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.exception("unhandled error", exc_info=original)
    messages = {
        403: (_("Not for your role"), _("Your role may not see or do this. Ask a supervisor if you think it should.")),
        404: (_("Page not found"), _("This page or case was not found, or it is not one of your teams'.")),
        500: (_("Something went wrong"), _("The error has been logged; nothing was saved. Please try again.")),
        503: (_("Briefly unavailable"), _("The service cannot reach its database at the moment; nothing was saved. "
                                          "Please try again in a few seconds.")),
    }
    if status not in messages:
        return error  # 405, 429 …: werkzeug's answer keeps the headers they need (Allow, Retry-After)
    title, text = messages[status]
    try:
        body = render_template("error.html", status=status, title=title, text=text)
    except Exception:  # a broken layout must not hide the error itself
        log.exception("error page could not be rendered")
        return error
    return Response(body, status=status, mimetype="text/html")
