"""Diagram scripts run on a budget: every loop iteration and comprehension step counts, and
multiplications, powers and shifts may not build values past a size. A script that loops forever
(`while True: pass`) or builds a 10 GB string then fails its step with a clear message instead of
holding a web thread or the machine's memory. Done by rewriting the script's AST at compile time,
on top of RestrictedPython's own transformer."""
from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from RestrictedPython.transformer import RestrictingNodeTransformer

STEP_LIMIT = 100_000  # loop iterations per script or expression run
SIZE_LIMIT = 1_000_000  # elements of a repeated sequence; bits of an integer


class BudgetExceeded(Exception):
    pass


def _call(name: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(call, like))


class BudgetedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's checks, plus a `_step_()` in every loop and comprehension and `_binop_` for
    `*`, `**` and `<<` (names with underscores cannot be written by a script, so it cannot touch them)."""

    def _with_step(self, node: Any) -> Any:
        node.body.insert(0, ast.copy_location(ast.Expr(value=_call("_step_", [], node)), node))
        return node

    def visit_While(self, node: ast.While) -> Any:
        return self._with_step(super().visit_While(node))

    def visit_For(self, node: ast.For) -> Any:
        return self._with_step(super().visit_For(node))

    def visit_comprehension(self, node: ast.comprehension) -> Any:
        visited: Any = super().visit_comprehension(node)
        visited.ifs.append(_call("_step_", [], visited.iter))
        return visited

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        # A function called from inside a builtin (map, sorted's key, sum over a generator) loops in C:
        # each call counts as a step.
        return self._with_step(super().visit_FunctionDef(node))

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        visited: Any = super().visit_Lambda(node)
        # lambda args: (_step_() and body) -- _step_ returns True, so the value is the body's.
        visited.body = ast.copy_location(ast.BoolOp(op=ast.And(), values=[_call("_step_", [], visited.body),
                                                                          visited.body]), visited.body)
        return ast.fix_missing_locations(visited)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        visited: Any = super().visit_BinOp(node)
        name = _GUARDED_OPS.get(type(visited.op))
        if name is None:
            return visited
        return _call("_binop_", [ast.Constant(name), visited.left, visited.right], visited)


_GUARDED_OPS = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<"}
_APPLY: dict[str, Callable[[Any, Any], Any]] = {"*": operator.mul, "**": operator.pow, "<<": operator.lshift}


def check_size(op: str, left: Any, right: Any) -> None:
    """Refuse what would be too large before it is built."""
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int) \
                    and len(seq) * max(times, 0) > SIZE_LIMIT:
                raise BudgetExceeded(f"a repeated value would have more than {SIZE_LIMIT:,} elements")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > SIZE_LIMIT:
            raise BudgetExceeded(f"a number would have more than {SIZE_LIMIT:,} bits")
    elif isinstance(left, int) and isinstance(right, int) and right > 0 and _bits(op, left, right) > SIZE_LIMIT:
        raise BudgetExceeded(f"a number would have more than {SIZE_LIMIT:,} bits")


def _bits(op: str, left: int, right: int) -> int:
    """About how many bits left ** right or left << right has."""
    if op == "**":
        return left.bit_length() * right if abs(left) > 1 else 1
    return left.bit_length() + right


def binop(op: str, left: Any, right: Any) -> Any:
    check_size(op, left, right)
    return _APPLY[op](left, right)


def new_budget() -> dict[str, Any]:
    """The guards of one run: a fresh step count."""
    steps = [0]

    def step() -> bool:
        steps[0] += 1
        if steps[0] > STEP_LIMIT:
            raise BudgetExceeded(f"the script ran more than {STEP_LIMIT:,} loop steps; is a loop endless?")
        return True

    return {"_step_": step, "_binop_": binop}


# String methods whose result can be far larger than their input, each with its largest output.
def _joined_size(sep: str | bytes, parts: list[Any]) -> int:
    return sum(len(p) for p in parts if isinstance(p, (str, bytes))) + len(sep) * max(len(parts) - 1, 0)


def _too_large(size: int) -> None:
    if size > SIZE_LIMIT:
        raise BudgetExceeded(f"a text would have more than {SIZE_LIMIT:,} characters")


def _sized(value: str | bytes, name: str) -> Callable[..., Any]:
    method = getattr(value, name)

    def checked(*args: Any, **kwargs: Any) -> Any:
        if name == "join":
            parts = list(args[0]) if args else []
            _too_large(_joined_size(value, parts))
            return method(parts)
        if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
            _too_large(args[0])
        elif name == "expandtabs":
            _too_large(len(value) * (args[0] if args and isinstance(args[0], int) else 8))
        elif name == "replace" and len(args) >= 2:
            grow = max(len(args[1]) - len(args[0]), 0) * (value.count(args[0]) if args[0] else len(value) + 1)
            _too_large(len(value) + grow)
        return method(*args, **kwargs)

    return checked


SIZED_METHODS = frozenset({"join", "ljust", "rjust", "center", "zfill", "expandtabs", "replace"})


def sized_attribute(obj: Any, name: str) -> Callable[..., Any] | None:
    """The size-checked method for str/bytes methods that can grow their input; None otherwise."""
    if isinstance(obj, (str, bytes)) and name in SIZED_METHODS:
        return _sized(obj, name)
    return None


def checked_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None:
        check_size("**", base, exp)
        return pow(base, exp)
    return pow(base, exp, mod)


def checked_bytes(*args: Any) -> bytes:
    if args and isinstance(args[0], int):
        _too_large(args[0])
    return bytes(*args)
