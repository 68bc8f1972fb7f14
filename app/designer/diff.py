"""What changed between two versions: elements added, removed and changed, per file."""
from __future__ import annotations

import json
from typing import Any

from app.designer.lint import local
from app.engine import BundleInvalid, parse_xml

# Attributes at their BPMN default mean the same whether written or not (the modeler drops them on export).
DEFAULTS = {("cancelActivity", "true"), ("isInterrupting", "true"), ("isMarkerVisible", "true")}
IGNORED = {"BPMNShape", "BPMNEdge", "Bounds", "waypoint", "BPMNLabel", "BPMNPlane", "BPMNDiagram", "DMNShape",
           "DMNDI", "DMNDiagram", "incoming", "outgoing", "flowNodeRef"}


def _elements(name: str, content: bytes) -> dict[str, tuple[str, str | None, str]]:
    """id -> (kind, name, a fingerprint of its meaning: attributes and content, diagram layout excluded)."""
    try:
        root = parse_xml(name, content)
    except BundleInvalid:
        return {}
    out: dict[str, tuple[str, str | None, str]] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.get("id") or local(el) in IGNORED:
            continue
        attributes = sorted((k, v) for k, v in el.attrib.items() if k != "id" and (k, v) not in DEFAULTS)
        out[el.get("id")] = (local(el), el.get("name"), repr((attributes, _own_content(el))))
    return out


def _element_facts(name: str, content: bytes) -> dict[str, dict[str, str]]:
    try:
        root = parse_xml(name, content)
    except BundleInvalid:
        return {}
    return {el.get("id"): _facts(el) for el in root.iter()
            if isinstance(el.tag, str) and el.get("id") and local(el) not in IGNORED}


def _own_content(el: Any) -> list[Any]:
    """The element's content down to (not into) the next elements that have ids of their own."""
    out: list[Any] = []
    for child in el:
        if not isinstance(child.tag, str) or child.get("id") or local(child) in IGNORED:
            continue
        out.append((local(child), (child.text or "").strip(), sorted(child.attrib.items()), _own_content(child)))
    return out


def _facts(el: Any) -> dict[str, str]:
    """An element's meaning as named values (attributes, scripts, conditions, timer expressions, extension
    properties), so that a change can be shown as its old and new value."""
    out = {f"@{k}": v for k, v in el.attrib.items() if k != "id" and (k, v) not in DEFAULTS}

    def walk(node: Any, prefix: str) -> None:
        for child in node:
            if not isinstance(child.tag, str) or child.get("id") or local(child) in IGNORED:
                continue
            name = local(child)
            if child.get("name") is not None and child.get("value") is not None:  # spiffworkflow:property
                out[f"{prefix}{name}[{child.get('name')}]"] = child.get("value")
                continue
            key = f"{prefix}{name}"
            while key in out:
                key += "'"
            text = (child.text or "").strip()
            if text:
                out[key] = text
            walk(child, f"{key}.")

    walk(el, "")
    return out


def _changes(before: dict[str, str], after: dict[str, str]) -> list[dict[str, Any]]:
    return [{"what": k.lstrip("@"), "old": before.get(k), "new": after.get(k)}
            for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)][:MAX_CHANGES]


def _json_paths(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(_json_paths(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_json_paths(v, f"{prefix}.{i}"))
        return out
    return {prefix: json.dumps(value, ensure_ascii=False)}


def _json_changes(old: bytes, new: bytes) -> list[dict[str, Any]]:
    try:
        before, after = _json_paths(json.loads(old)), _json_paths(json.loads(new))
    except ValueError:
        return []
    return _changes(before, after)


MAX_CHANGES = 50  # per element or form file: a diff to read, not a dump


def diff_versions(old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            files.append({"file": name, "status": "added" if name in new else "removed"})
            continue
        if old[name] == new[name]:
            continue
        if name.endswith(".json"):
            files.append({"file": name, "status": "changed", "changes": _json_changes(old[name], new[name])})
            continue
        before, after = _elements(name, old[name]), _elements(name, new[name])
        old_facts, new_facts = _element_facts(name, old[name]), _element_facts(name, new[name])

        def describe(element_id: str, source: dict[str, tuple[str, str | None, str]]) -> dict[str, Any]:
            kind, label, _ = source[element_id]
            return {"element_id": element_id, "kind": kind, "name": label}

        files.append({
            "file": name, "status": "changed",
            "added": [describe(i, after) for i in sorted(set(after) - set(before))],
            "removed": [describe(i, before) for i in sorted(set(before) - set(after))],
            "changed": [{**describe(i, after), "changes": _changes(old_facts[i], new_facts[i])}
                        for i in sorted(set(before) & set(after)) if before[i] != after[i]],
        })
    return {"files": files}
