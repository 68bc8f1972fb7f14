"""Diagram scripts and expressions run compiled by RestrictedPython with a small set of helpers.

The stock PythonScriptEngine uses plain exec/eval, where ``import os`` or the ``__subclasses__`` escape
work. RestrictedPython refuses underscore names at compile time, has no ``__import__`` or ``open``,
and routes attribute, item and iteration access through the guards below.
"""
from __future__ import annotations

import ast
import operator
from datetime import timedelta
from functools import lru_cache
from types import CodeType, ModuleType
from typing import Any

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from RestrictedPython.Limits import limited_builtins
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from app.engine.budget import (
    BudgetedTransformer,
    check_size,
    checked_bytes,
    checked_pow,
    new_budget,
    sized_attribute,
)
from app.engine.clock import clock


class ScriptRefused(Exception):
    """The script cannot run here: it does not compile under the sandbox's rules."""


_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "|=": operator.ior,
    "&=": operator.iand, "^=": operator.ixor, "<<=": operator.ilshift, ">>=": operator.irshift,
}
_WRITABLE = (dict, list, set)


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    if op in ("*=", "**=", "<<="):
        check_size(op[:-1], target, value)
    apply: Any = _INPLACE[op]
    return apply(target, value)


def _write(obj: Any) -> Any:
    # Task data is made of plain containers; everything else goes through RestrictedPython's guard.
    return obj if isinstance(obj, _WRITABLE) else full_write_guard(obj)


def _now() -> Any:
    return clock.now()


HELPERS: dict[str, Any] = {
    "now": _now,
    "timedelta": timedelta,
}

_BUILTINS: dict[str, Any] = {
    **safe_builtins, **limited_builtins,
    **{f.__name__: f for f in (dict, list, set, enumerate, sorted, min, max, sum, any, all, zip, map,
                               filter, reversed)},
    "pow": checked_pow, "bytes": checked_bytes,
}

def _getattr(obj: Any, name: str, default: Any = None) -> Any:
    # RestrictedPython's checks first; then str/bytes methods that can build large values are size-checked.
    value = safer_getattr(obj, name, default)  # type: ignore[no-untyped-call]
    return sized_attribute(obj, name) or value


_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": _write,
    "_inplacevar_": _inplacevar,
}
_RESERVED = frozenset(_GUARDS) | frozenset(HELPERS) | frozenset(new_budget())


# Not in the sandbox's builtins anyway; named here so that validation can say so before anything runs.
FORBIDDEN_NAMES = frozenset({"open", "compile", "globals", "locals", "vars", "input", "breakpoint", "help",
                             "exit", "quit", "memoryview", "getattr", "setattr", "delattr"})


def _refuse_statically(source: str, mode: str) -> None:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError:
        return  # RestrictedPython reports syntax errors with its own wording
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptRefused(f"line {node.lineno}: imports are not allowed in diagram scripts")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise ScriptRefused(f"line {node.lineno}: '{node.id}' is not available in diagram scripts")


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    _refuse_statically(source.strip(), "eval")
    result = compile_restricted_eval(source.strip(), policy=BudgetedTransformer)
    if result.errors or result.code is None:
        raise ScriptRefused("; ".join(result.errors) or "empty expression")
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    _refuse_statically(source, "exec")
    result = compile_restricted_exec(source, policy=BudgetedTransformer)
    if result.errors or result.code is None:
        raise ScriptRefused("; ".join(result.errors) or "empty script")
    return result.code


def _given(context: dict[str, Any]) -> Any:
    """given("place", "") in a diagram: a variable of the case, or the default when the case has none
    (a decision input that older cases or other front doors never set must not stop the case)."""
    def given(name: str, default: Any = None) -> Any:
        return context.get(name, default)
    return given


def _keep(name: str, value: Any) -> bool:
    return not (name in _RESERVED or name.startswith("_") or callable(value) or isinstance(value, ModuleType))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        code = compile_expression(expression)
        scope = {**_GUARDS, **new_budget(), **HELPERS, "given": _given(context), **(external_context or {}),
                 **context}
        return eval(code, scope)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        code = compile_script(script)
        scope = {**_GUARDS, **new_budget(), **HELPERS, "given": _given(context), **(external_context or {}),
                 **context}
        exec(code, scope)
        external = set(external_context or ())
        for name in list(context):
            if name not in scope:
                del context[name]
        for name, value in scope.items():
            if name not in external and _keep(name, value):
                context[name] = value
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ScriptRefused("service tasks are not supported by this service")


def script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment())


def check_source(source: str, *, expression: bool) -> str | None:
    """Return why ``source`` would be refused at run time, or None."""
    try:
        (compile_expression if expression else compile_script)(source)
    except ScriptRefused as err:
        return str(err)
    except SyntaxError as err:
        return f"syntax error: {err.msg} (line {err.lineno})"
    return None


__all__: list[str] = ["HELPERS", "RestrictedEnvironment", "ScriptRefused", "check_source", "script_engine"]
