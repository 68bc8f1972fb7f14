"""Request helpers shared by the JSON blueprints: body and query parsing with contract errors."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from app.errors import ApiError, Invalid
from app.jsonin import strict_loads

MAX_PAGE = 100_000
MAX_ID = 2**63 - 1


class Deferred:
    """A request body read later: work-item actions check visibility first, so that another team's
    item is a 404 whatever the body says, and only then refuse a bad body."""

    def __init__(self, read: Callable[[], Any]) -> None:
        self._read = read

    def get(self) -> Any:
        return self._read()


def deferred(read: Callable[[], Any]) -> Deferred:
    return Deferred(read)


def json_body() -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "a JSON body is required")
    return strict_loads(raw)


class IdConverter(IntegerConverter):
    """Ids in paths: 1 to 2^63-1 (what both databases store); anything else matches no route (404)."""

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=MAX_ID)


class UsernameConverter(BaseConverter):
    """A user name in a path; `import` is the roster import's own path, never a person (so that /users/import
    answers for its POST alone)."""

    regex = r"(?!import(?:/|$))[^/]{1,64}"


USERNAME_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 64, "not": {"enum": ["import"]}}

# The schema of an {id} in the OpenAPI document (registered with flask-smorest in create_app).
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            # marshmallow's "_schema" key means "the value itself is wrong": name the field
            name = (prefix or "_body") if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, (dict, list)):
                for k, v in _flatten(item, prefix).items():
                    out.setdefault(k, []).extend(v)
            else:
                out.setdefault(prefix or "_body", []).append(str(item))
    else:
        out.setdefault(prefix or "_body", []).append(str(messages))
    return out


def load(schema: Schema, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Invalid("the body must be a JSON object", {"_body": ["must be a JSON object"]})
    try:
        return schema.load(payload)  # type: ignore[no-any-return]
    except ValidationError as err:
        fields = _flatten(err.messages)
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(fields.items()))
        raise Invalid(f"the request does not pass validation: {summary}", fields) from None


def query(schema: Schema) -> dict[str, Any]:
    return load(schema, request.args.to_dict(flat=True))


def page_of(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def page_arg(args: Any) -> int:
    """A page number from a page's query string: junk means page 1, and no page lies past MAX_PAGE."""
    return min(MAX_PAGE, max(1, args.get("page", 1, type=int) or 1))


# Endpoints whose bodies may be larger than MAX_CONTENT_LENGTH (an attachment): endpoint -> its limit in bytes.
LARGE_BODIES: dict[str, Callable[[], int]] = {}


def large_body(endpoint: str, limit: Callable[[], int]) -> None:
    LARGE_BODIES[endpoint] = limit
