"""The forms' choice fields (`oneOf` of labelled constants) are checked as membership; the verdicts and messages
are those of jsonschema's own `oneOf`, for every choice field of the shipped forms and for values that miss."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, validators

from app.tasks.forms import FormValidator, _formats

FORMS = sorted((Path(__file__).resolve().parents[2] / "processes" / "forms").glob("*.schema.json"))
# The form validator with jsonschema's own oneOf: what the membership check must agree with.
Stock = validators.extend(Draft202012Validator, {k: v for k, v in FormValidator.VALIDATORS.items() if k != "oneOf"})


def _verdicts(validator: Draft202012Validator, data: dict) -> list[tuple[str, str, list]]:
    return sorted((e.message, str(e.validator), list(e.absolute_path)) for e in validator.iter_errors(data))


def _choice_fields() -> list[tuple[str, str, list[str]]]:
    out = []
    for form in FORMS:
        for name, node in json.loads(form.read_text(encoding="utf-8")).get("properties", {}).items():
            if isinstance(node, dict) and "oneOf" in node:
                out.append((form.name, name, [o["const"] for o in node["oneOf"]]))
    return out


def test_the_forms_have_choice_fields():
    assert len(_choice_fields()) >= 5


@pytest.mark.parametrize(("form", "field", "choices"), _choice_fields())
def test_choices_are_judged_as_jsonschema_judges_them(form, field, choices):
    schema = json.loads((FORMS[0].parent / form).read_text(encoding="utf-8"))
    fast, stock = FormValidator(schema, format_checker=_formats), Stock(schema, format_checker=_formats)
    for value in [*choices, "no such choice", choices[0] + " ", 1, None, True, [choices[0]], {"a": 1}]:
        assert _verdicts(fast, {field: value}) == _verdicts(stock, {field: value}), (field, value)


def test_other_one_ofs_keep_the_stock_rules():
    schema = {"properties": {"x": {"oneOf": [{"type": "integer"}, {"const": "a"}]},
                             "y": {"oneOf": [{"const": "a"}, {"const": "a", "title": "again"}]}}}
    fast, stock = FormValidator(schema), Stock(schema)
    for data in ({"x": 1}, {"x": "a"}, {"x": "b"}, {"x": 1.5}, {"y": "a"}, {"y": "b"}):
        assert _verdicts(fast, data) == _verdicts(stock, data), data
    assert [e.validator for e in fast.iter_errors({"y": "a"})] == ["oneOf"], "two equal choices both match"
