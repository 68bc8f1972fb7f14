"""Structural checks of BPMN documents that SpiffWorkflow's parser lets through (it accepts two blank
start events, duplicate flows and ids, gateways that go nowhere...). Each problem names the file, the
element and its line, and says what to change."""
from __future__ import annotations

from collections import Counter
from typing import Any

from app.engine import Problem

NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
FLOW_NODES = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
              "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
              "receiveTask", "callActivity", "subProcess", "transaction", "exclusiveGateway",
              "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
EVENT_DEFINITIONS = {"messageEventDefinition", "timerEventDefinition", "signalEventDefinition",
                     "conditionalEventDefinition", "errorEventDefinition", "escalationEventDefinition",
                     "compensateEventDefinition", "terminateEventDefinition", "linkEventDefinition",
                     "cancelEventDefinition"}


def local(el: Any) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def problem(file: str, el: Any, message: str) -> Problem:
    return Problem(file, el.get("id") or None, el.sourceline, message, el.get("name") or None)


def label(el: Any) -> str:
    name = el.get("name")
    return f"“{name}” ({el.get('id')})" if name else str(el.get("id") or local(el))


def _children(scope: Any, names: set[str]) -> list[Any]:
    return [c for c in scope if local(c) in names]


def lint_document(file: str, root: Any) -> list[Problem]:
    problems: list[Problem] = []
    ids = Counter(el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id"))
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("id") and ids[el.get("id")] > 1:
            problems.append(problem(file, el, f"the id {el.get('id')} is used {ids[el.get('id')]} times in this "
                                              f"file; give every element its own id"))
            ids[el.get("id")] = 1  # one problem per duplicated id is enough
    processes = list(root.iter(f"{NS}process"))
    if not processes:
        problems.append(Problem(file, None, root.sourceline, "the file has no <process>: export the process "
                                                             "diagram itself, not only a collaboration or data"))
    for proc in processes:
        if not proc.get("id"):
            problems.append(problem(file, proc, "the process has no id; give it one (e.g. appeal)"))
        if proc.get("isExecutable") != "true":
            problems.append(problem(file, proc, f"the process {label(proc)} is not executable: tick "
                                                f"'Executable' in the modeler (isExecutable=\"true\")"))
        problems += _lint_scope(file, proc, top_level=True)
    defined = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for el in root.iter():
        if not isinstance(el.tag, str) or local(el) not in EVENT_DEFINITIONS:
            continue
        for attribute in ("messageRef", "signalRef", "errorRef", "escalationRef"):
            ref = el.get(attribute)
            if ref and ref not in defined:
                event = el.getparent()
                problems.append(problem(file, event, f"{label(event)} refers to the {attribute[:-3]} {ref}, which "
                                                     f"this file does not define; define it or pick an existing one"))
    names = Counter(m.get("name") for m in root.iter(f"{NS}message") if m.get("name"))
    for message in root.iter(f"{NS}message"):
        if message.get("name") and names[message.get("name")] > 1:
            problems.append(problem(file, message, f"the message name “{message.get('name')}” is used by several "
                                                   f"messages; give each message its own name"))
    return problems


def _lint_scope(file: str, scope: Any, *, top_level: bool) -> list[Problem]:
    problems: list[Problem] = []
    nodes = _children(scope, FLOW_NODES)
    flows = _children(scope, {"sequenceFlow"})
    outgoing: dict[str, list[Any]] = {}
    incoming: dict[str, list[Any]] = {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        incoming.setdefault(flow.get("targetRef"), []).append(flow)
    by_id = {n.get("id"): n for n in nodes}
    for flow in flows:
        for end in ("sourceRef", "targetRef"):
            if flow.get(end) not in by_id:
                problems.append(problem(file, flow, f"the sequence flow {label(flow)} points to "
                                                    f"{flow.get(end) or 'nothing'}, which is not in this process"))
    triggered = scope.get("triggeredByEvent") == "true"
    starts = [n for n in nodes if local(n) == "startEvent"]
    blank_starts = [n for n in starts if not _children(n, EVENT_DEFINITIONS)]
    if not starts:
        problems.append(problem(file, scope, f"{label(scope)} has no start event; add one where the work begins"))
    if len(blank_starts) > 1:
        for start in blank_starts[1:]:
            problems.append(problem(file, start, "there is more than one plain start event; keep one (or give "
                                                 "the others a trigger such as a timer)"))
    if not any(local(n) == "endEvent" for n in nodes) and not triggered:
        problems.append(problem(file, scope, f"{label(scope)} has no end event; add one where the work is done"))
    seen_pairs: Counter[tuple[str | None, str | None, str]] = Counter()
    for flow in flows:
        condition = "".join(c.text or "" for c in flow if local(c) == "conditionExpression").strip()
        seen_pairs[(flow.get("sourceRef"), flow.get("targetRef"), condition)] += 1
    for (source, target, _cond), count in seen_pairs.items():
        if count > 1:
            dup = next(f for f in flows if f.get("sourceRef") == source and f.get("targetRef") == target)
            problems.append(problem(file, dup, f"{count} identical sequence flows go from {source} to {target}; "
                                               f"delete the duplicates"))
    for node in nodes:
        kind = local(node)
        node_id = node.get("id")
        ins, outs = incoming.get(node_id, []), outgoing.get(node_id, [])
        definitions = _children(node, EVENT_DEFINITIONS)
        if len(definitions) > 1:
            problems.append(problem(file, node, f"the event {label(node)} has {len(definitions)} triggers; this "
                                                f"service runs events with one trigger each"))
        if kind not in ("startEvent", "boundaryEvent") and not ins and not _is_link_catch(node):
            problems.append(problem(file, node, f"nothing leads to {label(node)}: connect it with a sequence flow "
                                                f"or delete it"))
        if kind != "endEvent" and not outs and not _is_link_throw(node) and not (
                kind == "boundaryEvent" and definitions and local(definitions[0]) == "compensateEventDefinition"):
            problems.append(problem(file, node, f"{label(node)} leads nowhere: connect it to the next step or "
                                                f"to an end event"))
        if kind == "boundaryEvent" and not node.get("attachedToRef"):
            problems.append(problem(file, node, f"the boundary event {label(node)} is not attached to a task"))
        for definition in definitions:
            if local(definition) == "conditionalEventDefinition":
                condition = "".join(c.text or "" for c in definition if local(c) == "condition").strip()
                if not condition:
                    problems.append(problem(file, node, f"the conditional event {label(node)} has no condition; "
                                                        f"write the condition that triggers it"))
        waits_for_message = kind == "receiveTask" or (
            kind in ("startEvent", "intermediateCatchEvent", "boundaryEvent")
            and any(local(d) in ("messageEventDefinition", "signalEventDefinition") for d in definitions))
        if waits_for_message:
            problems.append(problem(file, node, f"{label(node)} waits for a message or signal, but nothing in this "
                                                f"service sends them, so cases would wait forever; use a user "
                                                f"task or a timer"))
        if kind == "eventBasedGateway" and len(outs) < 2:
            problems.append(problem(file, node, f"the event-based gateway {label(node)} needs at least two "
                                                f"outgoing flows (one per event it waits for)"))
        if kind in ("exclusiveGateway", "inclusiveGateway") and len(outs) > 1:
            default = node.get("default")
            for flow in outs:
                has_condition = any(local(c) == "conditionExpression" and (c.text or "").strip() for c in flow)
                if not has_condition and flow.get("id") != default:
                    problems.append(problem(file, flow, f"the flow {label(flow)} leaving the gateway {label(node)} "
                                                        f"has no condition and is not the default; add a "
                                                        f"condition or mark it as the default flow"))
        if kind not in GATEWAYS and len(outs) > 1 and not kind.endswith("Event"):
            unconditioned = [f for f in outs if not any(local(c) == "conditionExpression" for c in f)]
            if len(unconditioned) > 1:
                problems.append(problem(file, node, f"{label(node)} has {len(outs)} outgoing flows without "
                                                    f"conditions (an implicit split); use a parallel or "
                                                    f"exclusive gateway"))
        if kind in ("subProcess", "transaction"):
            problems += _lint_scope(file, node, top_level=False)
    return problems


def _is_link_catch(node: Any) -> bool:
    return local(node) == "intermediateCatchEvent" and any(
        local(d) == "linkEventDefinition" for d in node)


def _is_link_throw(node: Any) -> bool:
    return local(node) == "intermediateThrowEvent" and any(local(d) == "linkEventDefinition" for d in node)

