"""Validating a bundle before it is deployed: hostile-input limits, what SpiffWorkflow checks, and what
it does not (scripts, conditions, timer values, forms, lanes, call targets, the routing table's
catch-all row, a clean start). Every problem names the file and element and says what to change."""
from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from app.auth.models import QUALIFICATIONS
from app.designer.lint import NS, SPIFF, label, lint_document, local, problem
from app.engine import (
    BundleInvalid,
    CaseRun,
    EngineError,
    Problem,
    ProcessBundle,
    check_source,
    dmn_cell_problem,
    literal_assignments,
    parse_bundle,
    parse_xml,
    timer_problem,
)
from app.engine.specs import BPMN_NS, DMN_NAMESPACES
from app.errors import ApiError
from app.jsonin import strict_loads
from app.routing.lanes import LANE_ROLES
from app.tasks.forms import SELF_EXPLAINING_FORMATS

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 8 * 1024 * 1024
MAX_FILES = 64
SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml", ".dmn", ".json")
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")
ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9_\-]+)[\"']")


def normalise(files: dict[str, bytes]) -> tuple[dict[str, bytes], list[Problem]]:
    """Size and name limits; XML in another declared encoding is re-encoded as UTF-8."""
    problems: list[Problem] = []
    out: dict[str, bytes] = {}
    if len(files) > MAX_FILES:
        return {}, [Problem(None, None, None, f"{len(files)} files; a bundle has at most {MAX_FILES}")]
    if sum(len(c) for c in files.values()) > MAX_TOTAL_BYTES:
        return {}, [Problem(None, None, None, f"the files add up to more than {MAX_TOTAL_BYTES // 1048576} MiB")]
    for name, content in files.items():
        if not SAFE_NAME.match(name) or ".." in name.split("/"):
            problems.append(Problem(name, None, None, "use a plain file name (letters, digits, . _ - and /)"))
            continue
        if not name.lower().endswith(SUFFIXES):
            problems.append(Problem(name, None, None, "not a BPMN, DMN or JSON file (.bpmn, .dmn, .json)"))
            continue
        if len(content) > MAX_FILE_BYTES:
            problems.append(Problem(name, None, None, f"larger than {MAX_FILE_BYTES // 1048576} MiB"))
            continue
        declared = ENCODING.match(content)
        encoding = declared.group(1).decode().lower() if declared else "utf-8"
        try:
            text = content.decode(encoding if encoding not in ("utf8",) else "utf-8")
        except (LookupError, UnicodeDecodeError):
            problems.append(Problem(name, None, 1, f"the file is not valid {encoding}; save it as UTF-8"))
            continue
        if encoding not in ("utf-8", "utf8") and declared:
            text = text.replace(declared.group(1).decode(), "UTF-8", 1)
        out[name] = text.encode("utf-8")
    return out, problems


def validate(files: dict[str, bytes]) -> tuple[ProcessBundle | None, list[Problem]]:
    files, problems = normalise(files)
    if problems:
        return None, problems
    bpmn: dict[str, Any] = {}
    dmn: dict[str, Any] = {}
    forms: dict[str, Any] = {}
    for name, content in sorted(files.items()):
        if name.lower().endswith(".json"):
            try:
                forms[name] = strict_loads(content)
            except ApiError as err:
                problems.append(Problem(name, None, None, f"not valid JSON: {err.message}"))
            continue
        try:
            root = parse_xml(name, content)
        except BundleInvalid as err:
            problems += err.problems
            continue
        namespace = root.tag.split("}")[0].lstrip("{") if root.tag.startswith("{") else ""
        if namespace == BPMN_NS and local(root) == "definitions":
            bpmn[name] = root
        elif namespace in DMN_NAMESPACES:
            dmn[name] = root
        else:
            problems.append(Problem(name, None, root.sourceline, f"not a BPMN 2.0 document: the root element is "
                                                                 f"{root.tag}, not bpmn:definitions"))
    if not bpmn and not problems:
        problems.append(Problem(None, None, None, "the bundle has no BPMN file; upload at least the process diagram"))
    for name, root in bpmn.items():
        problems += lint_document(name, root)
    decisions = {d.get("id"): (name, d) for name, root in dmn.items() for d in root.iter()
                 if local(d) == "decision" and d.get("id")}
    processes = {p.get("id") for root in bpmn.values() for p in root.iter(f"{NS}process") if p.get("id")}
    context: dict[str, Any] = {}
    for root in bpmn.values():
        for script in root.iter(f"{NS}script"):
            context.update(literal_assignments(script.text or ""))
    for name, root in bpmn.items():
        problems += _check_elements(name, root, context, processes, set(decisions), forms)
    for name, root in dmn.items():
        problems += _check_dmn(name, root)
    if problems:
        return None, problems
    try:
        bundle = parse_bundle(files, validate_xsd=True)
    except BundleInvalid as err:
        return None, err.problems
    return bundle, _smoke_start(bundle)


def _expression(file: str, el: Any, source: str, what: str, *, expression: bool) -> list[Problem]:
    refused = check_source(source, expression=expression)
    if refused:
        return [problem(file, el, f"the {what} of {label(el)} is refused: {refused}")]
    return []


def _check_elements(file: str, root: Any, context: dict[str, Any], processes: set[str | None],
                    decisions: set[str | None], forms: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    lanes = {ref.text: lane.get("name") or "" for lane in root.iter(f"{NS}lane")
             for ref in lane.iter(f"{NS}flowNodeRef") if ref.text}
    for el in root.iter():
        kind = local(el)
        if kind == "scriptTask":
            script = "".join(s.text or "" for s in el if local(s) == "script")
            if not script.strip():
                problems.append(problem(file, el, f"the script task {label(el)} has no script; write one or use a "
                                                  f"plain task"))
            else:
                problems += _expression(file, el, script, "script", expression=False)
        elif kind == "serviceTask":
            problems.append(problem(file, el, f"{label(el)} is a service task; this service does not call external "
                                              f"services from diagrams — use a script task or a user task"))
        elif kind == "sequenceFlow":
            for cond in el:
                if local(cond) == "conditionExpression" and (cond.text or "").strip():
                    problems += _expression(file, el, cond.text, "condition", expression=True)
        elif kind in ("timeDuration", "timeDate", "timeCycle"):
            event = el.getparent().getparent()
            why = timer_problem(kind, (el.text or "").strip() or '""', context)
            if why:
                problems.append(problem(file, event, f"timer {label(event)}: {why}"))
        elif kind == "callActivity" and el.get("calledElement") not in processes:
            problems.append(problem(file, el, f"the call activity {label(el)} calls "
                                              f"“{el.get('calledElement') or ''}”, which is not a process in this "
                                              f"bundle; upload that diagram too or fix calledElement"))
        elif kind == "businessRuleTask":
            ref = "".join(c.text or "" for c in el.iter(f"{SPIFF}calledDecisionId")).strip()
            if ref not in decisions:
                problems.append(problem(file, el, f"{label(el)} uses the decision “{ref}”, which no DMN file of the "
                                                  f"bundle defines; upload the DMN or fix calledDecisionId"))
        if kind in ("preScript", "postScript") and (el.text or "").strip():
            problems += _expression(file, el.getparent().getparent(), el.text, kind, expression=False)
        if kind == "userTask":
            problems += _check_user_task(file, el, lanes.get(el.get("id")), forms)
    return problems


def _check_user_task(file: str, el: Any, lane: str | None, forms: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    props = {p.get("name"): p.get("value") for p in el.iter(f"{SPIFF}property")}
    if lane not in LANE_ROLES and not props.get("team"):
        where = f"in the lane “{lane}”" if lane else "in no lane"
        problems.append(problem(file, el, f"the user task {label(el)} is {where}, which maps to no role, and has "
                                          f"no 'team' property; put it in one of the lanes "
                                          f"{', '.join(sorted(k for k in LANE_ROLES if not k.isascii()))} or set "
                                          f"the spiffworkflow property team"))
    for key in ("team", "dueIn"):
        if props.get(key):
            problems += _expression(file, el, props[key], f"'{key}' property", expression=True)
    needs = props.get("qualification")
    if needs is not None and needs.strip() not in QUALIFICATIONS:
        problems.append(problem(file, el, f"the user task {label(el)} requires the qualification “{needs}”, which "
                                          f"nobody can hold; qualifications are {', '.join(QUALIFICATIONS)}"))
    form_file = props.get("formJsonSchemaFilename")
    if not form_file:
        problems.append(problem(file, el, f"the user task {label(el)} has no form: set the spiffworkflow property "
                                          f"formJsonSchemaFilename to a JSON Schema file of the bundle"))
        return problems
    schema = forms.get(form_file) or next((v for k, v in forms.items() if k.rsplit("/", 1)[-1] == form_file), None)
    if schema is None:
        problems.append(problem(file, el, f"the form {form_file} of {label(el)} is not in the bundle; upload it"))
        return problems
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        problems.append(Problem(form_file, el.get("id"), None, f"not a valid JSON Schema: {err.message}"))
        return problems
    if not isinstance(schema, dict) or schema.get("type") != "object":
        problems.append(Problem(form_file, el.get("id"), None, "a form schema must be an object with properties"))
        return problems
    ui_file = props.get("formUiSchemaFilename")
    ui = (forms.get(ui_file) or next((v for k, v in forms.items() if k.rsplit("/", 1)[-1] == ui_file), None)) \
        if ui_file else None
    rules = ui.get("ui:rules") if isinstance(ui, dict) else None
    if rules is not None:
        if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
            problems.append(Problem(ui_file or "", el.get("id"), None, "ui:rules must be a list of JSON Schemas"))
        else:
            try:
                Draft202012Validator.check_schema({"allOf": rules})
            except SchemaError as err:
                problems.append(Problem(ui_file or "", el.get("id"), None, f"ui:rules: not valid: {err.message}"))
    for field, node in (schema.get("properties") or {}).items():
        if isinstance(node, dict) and "examples" not in node and (
                "pattern" in node or node.get("format") not in (None, *SELF_EXPLAINING_FORMATS)):
            problems.append(Problem(form_file, el.get("id"), None, f"the field {field} has a pattern or format; "
                                                                   f"give it examples so that clients can fill it"))
    return problems


def _check_dmn(file: str, root: Any) -> list[Problem]:
    problems: list[Problem] = []
    for table in (t for t in root.iter() if local(t) == "decisionTable"):
        rules = [r for r in table if local(r) == "rule"]
        if not rules:
            problems.append(problem(file, table, "the decision table has no rules"))
            continue
        for rule in rules:
            if not rule.get("id"):
                problems.append(problem(file, rule, "every rule needs an id"))
            for entry in (e for e in rule if local(e) in ("inputEntry", "outputEntry")):
                text = "".join(t.text or "" for t in entry if local(t) == "text")
                why = dmn_cell_problem(text) if local(entry) == "inputEntry" else (
                    check_source(text, expression=True) if text.strip() else None)
                if why:
                    problems.append(problem(file, rule, why))
        last_inputs = ["".join(t.text or "" for t in e if local(t) == "text").strip()
                       for e in rules[-1] if local(e) == "inputEntry"]
        if any(v not in ("", "-") for v in last_inputs):
            problems.append(problem(file, table, "the last rule must match everything ('-' in every input column): "
                                                 "without a catch-all row a case that fits no rule gets no team"))
    return problems


def _smoke_start(bundle: ProcessBundle) -> list[Problem]:
    """A bundle is deployed only if a case can start on it."""
    try:
        run = CaseRun.start(bundle, {"case_no": "VALIDATION", "channel": "12345", "category": None,
                                     "township": None})
        run.snapshot()
    except EngineError as err:
        return [Problem(bundle.process_files.get(bundle.process_id), err.element_id, None,
                        f"a new case fails at {err.element_id or 'the start'}: {err}")]
    return []
