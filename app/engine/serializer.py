"""State-only workflow storage: the spec lives once per process version, a case stores only its state.

The stock converter writes the whole spec into every instance (half the bytes and time). Here the
workflow converter leaves the specs out, and on load the cached spec objects are handed back in:
the registry passes non-dict values through ``restore`` untouched.
"""
from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = StateOnlyWorkflowConverter
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
SERIALIZER_VERSION: str = _serializer.VERSION
SERIALIZER_REGISTRY = _serializer.registry  # SpiffWorkflow's spec diff compares specs through it


def dump_state(workflow: BpmnWorkflow) -> str:
    return str(_serializer.serialize_json(workflow))


def load_state(state: str, spec: Any, subprocess_specs: dict[str, Any], script_engine: Any) -> BpmnWorkflow:
    dct = json.loads(state)
    # Older serializer versions are upgraded here (SpiffWorkflow only migrates in deserialize_json).
    _serializer.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    workflow: BpmnWorkflow = _serializer.from_dict(dct)
    workflow.script_engine = script_engine
    return workflow
