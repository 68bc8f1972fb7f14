"""What changed between two versions: elements added, removed and changed, per file."""
from __future__ import annotations

from typing import Any

from app.designer.lint import local
from app.engine import BundleInvalid, parse_xml

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
        attributes = sorted((k, v) for k, v in el.attrib.items() if k != "id")
        out[el.get("id")] = (local(el), el.get("name"), repr((attributes, _own_content(el))))
    return out


def _own_content(el: Any) -> list[Any]:
    """The element's content down to (not into) the next elements that have ids of their own."""
    out: list[Any] = []
    for child in el:
        if not isinstance(child.tag, str) or child.get("id") or local(child) in IGNORED:
            continue
        out.append((local(child), (child.text or "").strip(), sorted(child.attrib.items()), _own_content(child)))
    return out


def diff_versions(old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            files.append({"file": name, "status": "added" if name in new else "removed"})
            continue
        if old[name] == new[name]:
            continue
        if name.endswith(".json"):
            files.append({"file": name, "status": "changed"})
            continue
        before, after = _elements(name, old[name]), _elements(name, new[name])

        def describe(element_id: str, source: dict[str, tuple[str, str | None, str]]) -> dict[str, Any]:
            kind, label, _ = source[element_id]
            return {"element_id": element_id, "kind": kind, "name": label}

        files.append({
            "file": name, "status": "changed",
            "added": [describe(i, after) for i in sorted(set(after) - set(before))],
            "removed": [describe(i, before) for i in sorted(set(before) - set(after))],
            "changed": [describe(i, after) for i in sorted(set(before) & set(after)) if before[i] != after[i]],
        })
    return {"files": files}
