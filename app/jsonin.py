"""JSON from outside, read strictly: duplicate keys, deep nesting, NaN/Infinity (which Python's json
takes and nothing else reads back), NUL and lone UTF-16 surrogates are
refused with the place they are at, before any of it reaches a schema, the engine or the database."""
from __future__ import annotations

import json
import math
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

from app.errors import ApiError, Invalid

MAX_DEPTH = 32
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


class NotFinite(ValueError):
    pass


def _no_constants(name: str) -> Any:
    raise NotFinite(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise NotFinite(f"{text} is too large for a number")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def _problems(value: Any) -> tuple[int, dict[str, list[str]]]:
    """Deepest nesting and the paths of strings that cannot be stored, walked without recursion."""
    deepest = 0
    fields: dict[str, list[str]] = {}
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(node, dict):
            for key, sub in node.items():
                name = f"{path}.{key}" if path else str(key)
                if _BAD_CHARS.search(key):
                    fields.setdefault(path or "_body", []).append("a key contains NUL or a lone surrogate character")
                    continue
                stack.append((sub, name, depth + 1))
        elif isinstance(node, list):
            stack.extend((sub, f"{path}.{i}" if path else str(i), depth + 1) for i, sub in enumerate(node))
        elif isinstance(node, str) and _BAD_CHARS.search(node):
            what = "NUL characters" if "\x00" in node else "lone UTF-16 surrogates (not valid Unicode text)"
            fields.setdefault(path or "_body", []).append(f"must not contain {what}")
    return deepest, fields


def _nested_too_deeply(raw: bytes) -> bool:
    """Counted on the text, outside its strings, before parsing: the parser would otherwise recurse to Python's
    limit, where a finaliser that the garbage collector runs at that depth fails in its turn."""
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > MAX_DEPTH + 1:  # never stricter than the parsed value's own check (_problems)
            return True
    return False


def strict_loads(raw: str | bytes) -> Any:
    """Parse a request body; ApiError 400 for what is not well-formed JSON, 422 for text that is not storable."""
    if _nested_too_deeply(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw):
        raise ApiError(400, f"the request body is nested too deeply (at most {MAX_DEPTH} levels)")
    try:
        value = json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_no_constants, parse_float=_finite)
    except NotFinite as err:
        raise ApiError(400, f"the request body is not valid JSON: {err} (numbers must be finite)") from None
    except DuplicateKey as err:
        raise ApiError(400, f"the request body repeats the key {err.key!r}; each key may appear once",
                       fields={err.key: ["duplicate key"]}) from None
    except RecursionError:
        raise ApiError(400, f"the request body is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise ApiError(400, f"the request body is not valid JSON: {err}") from None
    deepest, fields = _problems(value)
    if deepest > MAX_DEPTH:
        raise ApiError(400, f"the request body is nested too deeply (at most {MAX_DEPTH} levels)")
    if fields:
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(fields.items()))
        raise Invalid(f"the request does not pass validation: {summary}", fields)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """request.get_json() and friends read through strict_loads too."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return strict_loads(s)
