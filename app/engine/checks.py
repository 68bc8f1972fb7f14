"""Checks that need the engine's own rules: does an expression compile under the sandbox, does a timer
value parse the way SpiffWorkflow will parse it at run time."""
from __future__ import annotations

import ast
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine.sandbox import RestrictedEnvironment, ScriptRefused, check_source


def literal_assignments(script: str) -> dict[str, Any]:
    """Names a script sets to constants (``sla_on_site = "PT30M"``): the context timer expressions see."""
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return {}
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = node.value.value
    return out


def timer_problem(kind: str, expression: str, context: dict[str, Any]) -> str | None:
    """Why this timer would fail at run time, or None."""
    refused = check_source(expression, expression=True)
    if refused:
        return f"the timer expression does not compile ({refused}); write a quoted ISO 8601 value such as \"PT30M\""
    try:
        value = RestrictedEnvironment().evaluate(expression, dict(context))
    except NameError as err:
        name = str(err).split("'")[1] if "'" in str(err) else expression
        if name.upper().startswith(("P", "R")) and name == expression.strip():
            return f"write the duration with quotes: \"{expression.strip()}\" (timer values are Python expressions)"
        return (f"the timer uses {name}, which no script sets before it; set it in a script task (e.g. "
                f"{name} = \"PT30M\") or write a quoted value")
    except ScriptRefused as err:
        return f"the timer expression is refused: {err}"
    except Exception as err:
        return f"the timer expression fails: {err}"
    if not isinstance(value, str):
        return f"the timer expression gives {type(value).__name__}, not an ISO 8601 text such as \"PT30M\""
    try:
        if kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        elif kind == "timeDate":
            when = datetime.fromisoformat(value)
            if when.tzinfo is None:
                return f"the date {value} has no offset; write it with one, e.g. {value}+08:00"
        else:
            TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:
        example = {"timeDuration": "PT30M", "timeDate": "2026-12-01T10:00:00+08:00", "timeCycle": "R3/PT1H"}[kind]
        return f"“{value}” is not a valid ISO 8601 {kind[4:].lower()}; for example \"{example}\""
    return None


def dmn_cell_problem(text: str) -> str | None:
    """DMN cells are Python: a value compared by equality, or a test with ? as the input."""
    text = text.strip()
    if not text or text == "-":
        return None
    source = text.replace("?", "dmninputexpr")
    if check_source(source, expression=True) is None or check_source(f"v {source}", expression=True) is None:
        return None
    return f"the cell “{text}” is not a Python expression (write \"value\", ? in (\"a\", \"b\") or 7 <= ? <= 30)"
