"""The shipped diagrams: they parse with XSD validation, carry complete diagram interchange (so
bpmn.io and Camunda Modeler draw every element), and every user task names a form that exists."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree

from app.designer.service import shipped_files
from app.engine import parse_bundle

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FLOW_NODES = ["startEvent", "endEvent", "userTask", "scriptTask", "businessRuleTask", "callActivity",
              "exclusiveGateway", "boundaryEvent"]


def test_bundle_parses_with_xsd_validation():
    bundle = parse_bundle(shipped_files(str(PROCESSES)), validate_xsd=True)
    assert bundle.process_id == "appeal"
    assert set(bundle.subprocess_specs) == {"mediation"}


@pytest.mark.parametrize("name", ["appeal.bpmn", "mediation.bpmn"])
def test_every_element_has_diagram_interchange(name):
    root = etree.parse(str(PROCESSES / name)).getroot()
    shapes = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    nodes = [el.get("id") for tag in FLOW_NODES for el in root.iterfind(f".//bpmn:{tag}", NS)]
    lanes = [el.get("id") for el in root.iterfind(".//bpmn:lane", NS)]
    participants = [el.get("id") for el in root.iterfind(".//bpmn:participant", NS)]
    flows = [el.get("id") for el in root.iterfind(".//bpmn:sequenceFlow", NS)]
    assert nodes and flows and lanes
    assert set(nodes + lanes + participants) <= shapes
    assert set(flows) <= edges
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        assert len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"


@pytest.mark.parametrize("name", ["appeal.bpmn", "mediation.bpmn"])
def test_every_user_task_has_a_lane_a_team_and_a_valid_form(name):
    root = etree.parse(str(PROCESSES / name)).getroot()
    in_lane = {ref.text for ref in root.iterfind(".//bpmn:flowNodeRef", NS)}
    for task in root.iterfind(".//bpmn:userTask", NS):
        props = {p.get("name"): p.get("value") for p in task.iterfind(".//spiff:property", NS)}
        assert task.get("id") in in_lane
        assert props.get("team"), task.get("id")
        form = PROCESSES / "forms" / props["formJsonSchemaFilename"]
        schema = json.loads(form.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert (PROCESSES / "forms" / props["formUiSchemaFilename"]).exists()


def test_timer_durations_are_diagram_variables_with_defaults():
    root = etree.parse(str(PROCESSES / "appeal.bpmn")).getroot()
    script = root.find(".//bpmn:scriptTask[@id='Task_accept']/bpmn:script", NS).text
    for timer in root.iterfind(".//bpmn:timeDuration", NS):
        assert f"{timer.text} = " in script, timer.text


def test_contract_fields_are_in_the_forms():
    forms = PROCESSES / "forms"
    expected = {"route": ["is_police_matter", "category", "township"], "handle": ["result"],
                "mediate": ["outcome", "apply_judicial_confirmation"], "judicial": ["decision"],
                "callback": ["satisfaction"], "escalation": ["action", "note"]}
    for form, fields in expected.items():
        props = json.loads((forms / f"{form}.schema.json").read_text(encoding="utf-8"))["properties"]
        assert set(fields) <= set(props), form
