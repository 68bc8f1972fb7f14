"""Diagram scripts and expressions run restricted; the escapes that work with plain exec do not."""
from __future__ import annotations

import pytest

from app.engine.sandbox import RestrictedEnvironment, ScriptRefused, check_source

env = RestrictedEnvironment()


@pytest.mark.parametrize("script", [
    "import os\nos.system('id')",
    "from subprocess import run",
    "open('/etc/passwd').read()",
    "x = ().__class__.__bases__[0].__subclasses__()",
    "x = getattr((), '__class__')",
    "__import__('os')",
    "eval('1+1')",
    "exec('y = 1')",
    "globals()['x'] = 1",
])
def test_escapes_are_refused(script):
    context: dict = {}
    with pytest.raises((ScriptRefused, NameError, TypeError, ImportError, AttributeError, SyntaxError)):
        env.execute(script, context)
    assert "x" not in context and "y" not in context


@pytest.mark.parametrize(("source", "reason"), [
    ("import os", "imports are not allowed"), ("from os import path", "imports are not allowed"),
    ("open('x')", "'open' is not available"), ("x = ().__class__", "__class__"),
    ("__import__('os')", "__import__"), ("x = (1", "SyntaxError"),
])
def test_validation_refuses_before_anything_runs(source, reason):
    refused = check_source(source, expression=False)
    assert refused is not None and reason in refused, refused


def test_a_refused_expression_is_refused_at_run_time_too():
    with pytest.raises(ScriptRefused):
        env.evaluate("open('/etc/passwd').read()", {})
    with pytest.raises(ScriptRefused):
        env.evaluate("().__class__.__subclasses__()", {})


def test_ordinary_scripts_and_expressions_work():
    context = {"reopen_count": 0, "parties": [{"name": "谢某"}], "amount": 1000}
    env.execute("reopen_count += 1\nnames = [p['name'] for p in parties]\ntotal = sum([amount, 80])\n"
                "d = {}\nd['k'] = 'v'\nlabel = 'ms-' + 'xiuzhou-gaozhao'.split('-')[0]", context)
    assert context["reopen_count"] == 1
    assert context["names"] == ["谢某"] and context["total"] == 1080
    assert context["d"] == {"k": "v"} and context["label"] == "ms-xiuzhou"
    assert env.evaluate('result == "resolved" and reopen_count < 1', {"result": "resolved", "reopen_count": 0})
    assert env.evaluate("now() is not None", {})


def test_script_can_delete_a_variable():
    context = {"temp": 1, "keep": 2}
    env.execute("del temp", context)
    assert context == {"keep": 2}
