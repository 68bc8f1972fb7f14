"""JSON Schema forms on the server: fields to render (labels and help from title/description), and the
posted HTML form read back into data of the schema's types. Invalid input is kept as typed, so the
page can show it again next to its message."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from app import moments
from app.moments import SHANGHAI

# The number of a repeated group in an input name (parties-0-name): ASCII digits, as the page writes them
# ("²".isdigit() is true and int() refuses it; a 5000-digit number is refused too).
_GROUP_INDEX = re.compile(r"(0|[1-9][0-9]{0,3})")
LONG_TEXT = 200  # longer limits than this get a textarea


@dataclass
class Field:
    name: str  # the HTML input name, e.g. parties-0-role
    path: str  # the data path the validator reports, e.g. parties.0.role
    label: str
    kind: str  # text textarea number integer date datetime boolean radio select checkboxes group
    help: str | None = None
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    errors: list[str] = field(default_factory=list)
    example: str | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    groups: list[list[Field]] = field(default_factory=list)
    not_future: bool = False  # a time that happened: the page offers "now" and no later time


def _obj(value: Any) -> dict[str, Any]:
    """A schema or UI node as a dict: JSON Schema allows true/false subschemas, and a UI file may say
    anything; neither may break the page."""
    return value if isinstance(value, dict) else {}


def _choices(node: dict[str, Any]) -> list[tuple[str, str]]:
    options = node.get("oneOf") or node.get("anyOf") or []
    if options and all(isinstance(o, dict) and "const" in o for o in options):
        return [(str(o["const"]), str(o.get("title", o["const"]))) for o in options]
    enum = node.get("enum")
    return [(str(v), str(v)) for v in enum] if isinstance(enum, list) else []


def _kind(node: dict[str, Any], ui: dict[str, Any]) -> str:
    widget = ui.get("ui:widget")
    typ = node.get("type")
    if typ == "array":
        return "group" if _obj(node.get("items")).get("type") == "object" else "checkboxes"
    if _choices(node):
        return "radio" if widget == "radio" or (widget is None and len(_choices(node)) <= 4) else "select"
    if typ == "boolean":
        return "boolean"
    if typ in ("number", "integer"):
        return str(typ)
    fmt = node.get("format")
    if fmt == "date":
        return "date"
    if fmt == "date-time":
        return "datetime"
    if widget == "textarea" or (node.get("maxLength") or 0) > LONG_TEXT:
        return "textarea"
    return "text"


def _display(value: Any, kind: str) -> Any:
    """A data value as an input shows it (datetime-local wants local time without an offset)."""
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
            return (when.astimezone(SHANGHAI) if when.tzinfo else when).strftime("%Y-%m-%dT%H:%M")
        except (ValueError, OverflowError):
            return value  # stored before times were bounded: shown as it was typed
    if kind == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "checkboxes":
        return [str(v) for v in value] if isinstance(value, list) else []
    return value if isinstance(value, str) else str(value)


def _order(schema: dict[str, Any], ui: dict[str, Any]) -> list[str]:
    props = list(_obj(schema.get("properties")).keys())
    order = ui.get("ui:order")
    first = [p for p in order if isinstance(p, str) and p in props] if isinstance(order, list) else []
    return first + [p for p in props if p not in first]


def build(schema: dict[str, Any], ui: dict[str, Any], values: dict[str, Any], errors: dict[str, list[str]],
          *, prefix: str = "", path: str = "", extra_groups: int = 1) -> list[Field]:
    ui = _obj(ui)
    props = _obj(schema.get("properties"))
    required = {r for r in schema.get("required") or [] if isinstance(r, str)}
    fields: list[Field] = []
    for name in _order(schema, ui):
        node = _obj(props[name])
        node_ui = _obj(ui.get(name))
        kind = _kind(node, node_ui)
        f = Field(name=f"{prefix}{name}", path=f"{path}{name}", label=str(node.get("title", name)), kind=kind,
                  help=node.get("description"), required=name in required, options=_choices(node),
                  errors=errors.get(f"{path}{name}", []), example=_first(node.get("examples")),
                  max_length=node.get("maxLength"), minimum=node.get("minimum"), maximum=node.get("maximum"),
                  not_future=node.get("x-not-future") is True)
        if kind == "checkboxes":
            f.options = _choices(_obj(node.get("items")))
        if kind == "group":
            item_schema = _obj(node.get("items"))
            given = values.get(name)
            existing: list[Any] = given if isinstance(given, list) else []
            most = node.get("maxItems")
            count = min(len(existing) + extra_groups, most if isinstance(most, int) else 20)
            f.groups = [build(item_schema, _obj(node_ui.get("items")),
                              existing[i] if i < len(existing) and isinstance(existing[i], dict) else {}, errors,
                              prefix=f"{prefix}{name}-{i}-", path=f"{path}{name}.{i}.", extra_groups=0)
                        for i in range(max(count, 1))]
        else:
            f.value = _display(values.get(name), kind)
        fields.append(f)
    return fields


def _first(examples: Any) -> Any:
    return examples[0] if isinstance(examples, list) and examples else None


def _read_scalar(node: dict[str, Any], raw: str) -> Any:
    typ = node.get("type")
    if typ == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if typ in ("number", "integer"):
        try:
            number = float(raw)
        except ValueError:
            return raw  # left as typed: the schema says what is wrong and the page shows it again
        if not math.isfinite(number):
            return raw  # "nan" and "inf" are floats to Python, never numbers to the form
        return int(number) if typ == "integer" and number.is_integer() else number
    if node.get("format") == "date-time":
        when = moments.parse_local(raw)
        if when is None:
            return raw  # not a time, or out of range: the format checker says so next to the field
        return when.isoformat()
    return raw


def read(schema: dict[str, Any], form: MultiDict[str, str], prefix: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """(data for the validator, raw values to show again)."""
    data: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for name, given in _obj(schema.get("properties")).items():
        node = _obj(given)
        key = f"{prefix}{name}"
        if node.get("type") == "array":
            items = _obj(node.get("items"))
            if items.get("type") == "object":
                groups = []
                numbers = {k[len(key) + 1:].split("-", 1)[0] for k in form if k.startswith(f"{key}-")}
                indices = sorted({int(n) for n in numbers if _GROUP_INDEX.fullmatch(n)})
                for i in indices:
                    group_data, _group_raw = read(items, form, prefix=f"{key}-{i}-")
                    if group_data:  # a group left entirely empty is not an entry
                        groups.append(group_data)
                if groups:
                    data[name] = raw[name] = groups
            else:
                chosen = [v for v in form.getlist(key) if v]
                raw[name] = chosen
                if chosen:
                    data[name] = chosen
            continue
        value = form.get(key, "").strip()
        if value == "":
            continue
        raw[name] = value
        data[name] = _read_scalar(node, value)
    return data, raw
