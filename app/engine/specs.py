"""Process bundles: BPMN + DMN + form files, parsed once per content hash and cached.

A bundle is what a process version is made of. Parsing is hardened: no DTDs, no entity expansion,
no network, no huge trees (uploads are hostile input).
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
MAX_ELEMENTS = 20_000


@dataclass(frozen=True)
class Problem:
    file: str | None
    element_id: str | None
    line: int | None
    message: str
    element_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "element_id": self.element_id, "element_name": self.element_name,
                "line": self.line, "message": self.message}


class BundleInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class ProcessBundle:
    key: str
    process_id: str
    spec: Any
    subprocess_specs: dict[str, Any]
    files: dict[str, bytes]
    forms: dict[str, Any] = field(default_factory=dict)
    process_files: dict[str, str] = field(default_factory=dict)  # process id -> file name
    call_activities: dict[str, str] = field(default_factory=dict)  # call activity id -> called process id

    def xml_of(self, process_id: str) -> str:
        return self.files[self.process_files[process_id]].decode("utf-8")

    def user_tasks(self) -> dict[str, str]:
        """Every user task of the bundle's processes: element id -> name, in drawing order."""
        out: dict[str, str] = {}
        for spec in [self.spec, *self.subprocess_specs.values()]:
            for task_spec in spec.task_specs.values():
                if getattr(task_spec, "manual", False) and task_spec.bpmn_id:
                    out[task_spec.bpmn_id] = task_spec.bpmn_name or task_spec.bpmn_id
        return out

    def form(self, name: str | None) -> Any | None:
        """A form file by the name a user task gives (its base name, as spiff-arena writes it)."""
        if not name:
            return None
        if name in self.forms:
            return self.forms[name]
        for path, content in self.forms.items():
            if path.rsplit("/", 1)[-1] == name:
                return content
        return None


def bundle_key(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_pis=True)


def parse_xml(name: str, content: bytes) -> Any:
    """Parse one uploaded XML document or raise BundleInvalid saying what is wrong with it."""
    if b"<!DOCTYPE" in content.upper():
        # Refused before parsing: entity tricks (billion laughs, external entities) live in the DTD.
        raise BundleInvalid([Problem(name, None, 1, "DOCTYPE declarations are not allowed in diagrams; "
                                                    "remove the <!DOCTYPE ...> and any entities")])
    try:
        root = etree.fromstring(content, _safe_parser())
    except etree.XMLSyntaxError as err:
        line = err.lineno if isinstance(err.lineno, int) else None
        raise BundleInvalid([Problem(name, None, line, f"not well-formed XML: {err.msg}")]) from None
    if root is None:
        raise BundleInvalid([Problem(name, None, None, "empty document")])
    if root.getroottree().docinfo.doctype:
        raise BundleInvalid([Problem(name, None, 1, "DOCTYPE declarations are not allowed in diagrams; "
                                                     "remove the <!DOCTYPE ...> and any entities")])
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise BundleInvalid([Problem(name, None, None, f"the document has {count} elements; "
                                                       f"the limit is {MAX_ELEMENTS}")])
    return root


def _problem_from_validation(err: ValidationException, files_roots: Mapping[str, Any]) -> Problem:
    line = err.line_number if isinstance(err.line_number, int) else None
    element_id = err.id or None
    file_name = err.file_name or None
    if line is None and element_id and file_name is not None and file_name in files_roots:
        found = files_roots[file_name].xpath("//*[@id=$id]", id=element_id)
        line = found[0].sourceline if found else None
    return Problem(file_name, element_id, line, str(err).split("\n")[0], err.name or None)


def parse_bundle(files: Mapping[str, bytes], *, validate_xsd: bool = True,
                 process_id: str | None = None) -> ProcessBundle:
    """Parse BPMN, DMN and JSON files into runnable specs. Raises BundleInvalid with every problem found."""
    parser = SpiffBpmnParser(validator=VALIDATOR if validate_xsd else None)
    problems: list[Problem] = []
    roots: dict[str, Any] = {}
    forms: dict[str, Any] = {}
    process_files: dict[str, str] = {}
    for name, content in sorted(files.items()):
        lower = name.lower()
        if lower.endswith(".json"):
            try:
                forms[name] = json.loads(content)
            except (ValueError, UnicodeDecodeError) as err:
                problems.append(Problem(name, None, None, f"not valid JSON: {err}"))
            continue
        try:
            root = parse_xml(name, content)
        except BundleInvalid as err:
            problems.extend(err.problems)
            continue
        namespace = etree.QName(root).namespace
        try:
            if namespace == BPMN_NS and etree.QName(root).localname == "definitions":
                roots[name] = root
                parser.add_bpmn_xml(root, filename=name)
                for proc in root.iter(f"{{{BPMN_NS}}}process"):
                    if proc.get("id"):
                        process_files[proc.get("id")] = name
            elif namespace in DMN_NAMESPACES:
                roots[name] = root
                parser.add_dmn_xml(root, filename=name)
            else:
                problems.append(Problem(name, None, root.sourceline,
                                        f"not a BPMN 2.0 or DMN document (root element {root.tag})"))
        except ValidationException as err:
            problems.append(_problem_from_validation(err, roots))
        except (SpiffWorkflowException, etree.DocumentInvalid) as err:
            problems.append(Problem(name, None, None, str(err).split("\n")[0]))
    if problems:
        raise BundleInvalid(problems)

    main = process_id or _main_process(roots)
    if main is None:
        raise BundleInvalid([Problem(None, None, None, "the bundle needs exactly one executable process that "
                                                        "no call activity calls (the main process)")])
    try:
        spec = parser.get_spec(main)
        subprocess_specs = parser.get_subprocess_specs(main)
    except ValidationException as err:
        raise BundleInvalid([_problem_from_validation(err, roots)]) from None
    except SpiffWorkflowException as err:
        raise BundleInvalid([Problem(None, None, None, str(err).split("\n")[0])]) from None
    calls = {el.get("id"): el.get("calledElement") for root in roots.values()
             for el in root.iter(f"{{{BPMN_NS}}}callActivity") if el.get("id") and el.get("calledElement")}
    return ProcessBundle(bundle_key(files), main, spec, subprocess_specs, dict(files), forms, process_files, calls)


def _main_process(roots: Mapping[str, Any]) -> str | None:
    executable: list[str] = []
    called: set[str] = set()
    for root in roots.values():
        for proc in root.iter(f"{{{BPMN_NS}}}process"):
            if proc.get("isExecutable") == "true" and proc.get("id"):
                executable.append(proc.get("id"))
        for call in root.iter(f"{{{BPMN_NS}}}callActivity"):
            if call.get("calledElement"):
                called.add(call.get("calledElement"))
    candidates = [p for p in executable if p not in called]
    return candidates[0] if len(candidates) == 1 else None


class BundleCache:
    """Parsed bundles by version key; a version is immutable, so entries never go stale."""

    def __init__(self, size: int = 32) -> None:
        self._items: OrderedDict[str, ProcessBundle] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: str, load_files: Callable[[], Mapping[str, bytes]]) -> ProcessBundle:
        with self._lock:
            bundle = self._items.get(key)
            if bundle is not None:
                self._items.move_to_end(key)
                return bundle
        bundle = parse_bundle(load_files(), validate_xsd=False)
        with self._lock:
            self._items[key] = bundle
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return bundle


bundles = BundleCache()
