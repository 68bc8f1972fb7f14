"""JSON Schema forms: the data a form starts from, server-side validation, and readable messages."""
from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import regex
from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError, ValidationError

from app import moments
from app.engine import clock
from app.routing.gazetteer import gazetteer, match_category

# Formats a client can guess from the name alone; every other pattern/format field gets examples.
SELF_EXPLAINING_FORMATS = {"date", "date-time", "email"}
FORMAT_EXAMPLES = {
    "time": "09:30:00+08:00", "uri": "https://www.jiaxing.gov.cn/", "uuid": "3f2b8c1e-4d5a-4f6b-9c7d-1e2f3a4b5c6d",
    "ipv4": "192.0.2.10", "ipv6": "2001:db8::1", "hostname": "www.jiaxing.gov.cn", "duration": "PT30M",
}


# A form's `pattern` is a designer's regular expression run on what anyone types: with Python's re a
# pattern such as ^(a+)+$ takes exponential time. The regex module avoids most such blow-ups and stops
# the rest after PATTERN_SECONDS.
PATTERN_SECONDS = 0.05


def _pattern(validator: Any, pattern: str, instance: Any, _schema: Any) -> Any:
    if not validator.is_type(instance, "string"):
        return
    try:
        found = regex.search(pattern, instance, timeout=PATTERN_SECONDS)
    except TimeoutError:
        yield ValidationError(f"{instance[:40]!r}… takes too long to check against the pattern {pattern!r}")
        return
    except regex.error:
        found = None
    if found is None:
        yield ValidationError(f"{instance[:40]!r} does not match {pattern!r}")


def _not_future(validator: Any, flag: Any, instance: Any, schema: Any) -> Any:
    """`x-not-future`: a time that has happened (a call, an arrival, a ruling) cannot lie ahead of now."""
    if flag is not True or not isinstance(instance, str):
        return
    when = moments.parse_local(instance.replace("Z", "+00:00").replace("z", "+00:00"))
    if when is None:
        return  # the format checker reports a time that is not one
    now = clock.now()
    if schema.get("format") == "date":
        future = when.date() > now.astimezone(moments.SHANGHAI).date()
    else:
        future = when > now + FUTURE_GRACE  # a few minutes of grace: a phone's clock and the server's differ
    if future:
        yield ValidationError("lies in the future", validator="x-not-future")


_LABELS = frozenset({"const", "title", "description"})
_stock_one_of = Draft202012Validator.VALIDATORS["oneOf"]


def _one_of(validator: Any, alternatives: Any, instance: Any, schema: Any) -> Any:
    """A list of choices (`oneOf` of labelled string constants, as every form's choice fields are) checked as
    the membership it is. The stock keyword descends into each alternative and builds an error for every one
    that does not match: a sixth of a completion's validation. The verdicts and messages are the stock ones."""
    if not (isinstance(alternatives, list) and alternatives and all(
            isinstance(a, dict) and "const" in a and isinstance(a["const"], str) and a.keys() <= _LABELS
            for a in alternatives)):
        yield from _stock_one_of(validator, alternatives, instance, schema)
        return
    matched = [a for a in alternatives if isinstance(instance, str) and instance == a["const"]]
    if not matched:
        yield ValidationError(f"{instance!r} is not valid under any of the given schemas")
    elif len(matched) > 1:
        # In the stock keyword's order: the later matches, then the first one.
        yield ValidationError(f"{instance!r} is valid under each of "
                              f"{', '.join(repr(a) for a in [*matched[1:], matched[0]])}")


FUTURE_GRACE = timedelta(minutes=5)
FormValidator = validators.extend(Draft202012Validator, {"pattern": _pattern, "x-not-future": _not_future,
                                                         "oneOf": _one_of})
_validators: dict[str, Draft202012Validator] = {}
_formats = FormatChecker()
_rfc3339 = FormatChecker(["date-time"])


@_formats.checks("date-time", raises=ValueError)
def _bounded_date_time(value: object) -> bool:
    """RFC 3339 (as jsonschema checks it) and within the times the service stores (app/moments.py)."""
    if not isinstance(value, str):
        return True
    if not _rfc3339.conforms(value, "date-time"):
        return False
    return moments.parse(value.replace("Z", "+00:00").replace("z", "+00:00")) is not None


def validator_for(version_key: str, form_file: str, schema: dict[str, Any]) -> Draft202012Validator:
    """Validators by version and file: a version's files never change, so neither does its validator."""
    key = f"{version_key}:{form_file}"
    validator = _validators.get(key)
    if validator is None:
        if len(_validators) > 512:
            _validators.clear()
        validator = _validators[key] = FormValidator(schema, format_checker=_formats)
    return validator


def with_examples(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as clients see it: fields with a pattern or an unusual format carry examples."""
    out = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            return
        fmt = node.get("format")
        if "examples" not in node and fmt and fmt not in SELF_EXPLAINING_FORMATS and fmt in FORMAT_EXAMPLES:
            node["examples"] = [FORMAT_EXAMPLES[fmt]]
        for key in ("properties", "$defs", "definitions"):
            for sub in (node.get(key) or {}).values():
                visit(sub)
        for key in ("items", "if", "then", "else", "additionalProperties"):
            visit(node.get(key))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or []:
                visit(sub)

    visit(out)
    return out


def prepare(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Accept township/category by name as well as by code. A schema's `default` is never filled in here: a
    decision left out is refused, not taken as its default (a page may pre-select it, the server does not)."""
    props = schema.get("properties") or {}
    out = dict(data)
    if isinstance(out.get("township"), str) and "township" in props:
        place = gazetteer().match(out["township"])
        if place is not None:
            out["township"] = place.code
    if isinstance(out.get("category"), str) and "category" in props:
        category = match_category(out["category"])
        if category is not None:
            out["category"] = category.code
    return out


def _choices(node: dict[str, Any]) -> list[str] | None:
    options = node.get("oneOf") or node.get("anyOf")
    if options and all(isinstance(o, dict) and "const" in o for o in options):
        return [f"{o['const']}（{o.get('title', o['const'])}）" for o in options]
    if "enum" in node:
        return [str(v) for v in node["enum"]]
    return None


def _message(err: ValidationError) -> list[tuple[str, str]]:
    path = ".".join(str(p) for p in err.absolute_path)

    def at(name: str) -> str:
        return f"{path}.{name}" if path else name

    kind = err.validator
    if kind == "required":
        missing = [n for n in err.validator_value if isinstance(err.instance, dict) and n not in err.instance]
        return [(at(n), _("required")) for n in missing] or [(path or "_body", err.message)]
    if kind == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set((err.schema.get("properties") or {}).keys())
        return [(at(n), _("the form has no such field")) for n in err.instance if n not in allowed]
    field = path or "_body"
    value = err.validator_value
    if kind in ("oneOf", "anyOf", "enum", "const"):
        choices = _choices(err.schema)
        if choices:
            return [(field, _("not one of the choices: %(choices)s", choices="、".join(choices)))]
    simple = {
        "type": lambda: _("should be of type %(t)s", t=value),
        "maxLength": lambda: _("at most %(n)s characters", n=value),
        "minLength": lambda: _("at least %(n)s characters", n=value),
        "minimum": lambda: _("must be at least %(n)s", n=value),
        "exclusiveMinimum": lambda: _("must be more than %(n)s", n=value),
        "maximum": lambda: _("must be at most %(n)s", n=value),
        "exclusiveMaximum": lambda: _("must be less than %(n)s", n=value),
        "x-not-future": lambda: _("cannot be later than now"),
    }
    if kind in simple:
        return [(field, simple[kind]())]
    if kind == "pattern":
        example = (err.schema.get("examples") or [""])[0]
        return [(field, _("not in the expected form, e.g. %(example)s", example=example) if example
                 else _("not in the expected form"))]
    if kind == "format":
        examples = {"date": "2026-12-01", "date-time": "2026-12-01T10:00:00+08:00", "email": "name@example.org"}
        example = examples.get(value) or (err.schema.get("examples") or [""])[0]
        return [(field, _("not a valid %(format)s, e.g. %(example)s", format=value, example=example))]
    return [(field, err.message)]


def errors(validator: Draft202012Validator, data: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        for field, message in _message(err):
            if message not in out.get(field, []):
                out.setdefault(field, []).append(message)
    return out


def page_rule_errors(version_key: str, ui_file: str, ui: Any, data: dict[str, Any]) -> dict[str, list[str]]:
    """The UI file's `ui:rules` (JSON Schema conditions, e.g. "an agreement needs its text"): what the page
    asks of the people filling the form in, on top of the form's schema. The API keeps to the schema alone,
    whose steering fields are what integrating systems were promised (CONTRACT.md)."""
    rules = ui.get("ui:rules") if isinstance(ui, dict) else None
    if not isinstance(rules, list) or not rules:
        return {}
    schema = {"allOf": [r for r in rules if isinstance(r, dict)]}
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError:
        return {}  # deploying refuses such rules (designer.validation); an older version's are not applied
    return errors(validator_for(version_key, f"{ui_file}#ui:rules", schema), data)


def cleared_when_empty(schema: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """`x-clear-when-empty`: a field whose absence means "none" this time (the route step's special place), so
    the value an earlier round left in the case does not decide again."""
    props = schema.get("properties") or {}
    return [name for name, node in props.items()
            if isinstance(node, dict) and node.get("x-clear-when-empty") and name not in data]
