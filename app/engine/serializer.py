"""State-only workflow storage: the spec lives once per process version, a case stores only its state.

The stock converter writes the whole spec into every instance (half the bytes and time). Here the
workflow converter leaves the specs out, and on load the cached spec objects are handed back in:
the registry passes non-dict values through ``restore`` untouched.
"""
from __future__ import annotations

import json
import zlib
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


def dump_state(workflow: BpmnWorkflow) -> bytes:
    # zlib at level 1: a sixth of the bytes (about 3.6 KB for a closed case) for ~0.1 ms.
    return zlib.compress(str(_serializer.serialize_json(workflow)).encode("utf-8"), 1)


def state_json(state: bytes | str) -> str:
    """The JSON of a stored state (older or hand-made states may be plain JSON text)."""
    if isinstance(state, str):
        return state
    return zlib.decompress(state).decode("utf-8") if state[:1] == b"\x78" else state.decode("utf-8")


def load_state(state: bytes | str, spec: Any, subprocess_specs: dict[str, Any], script_engine: Any) -> BpmnWorkflow:
    dct = json.loads(state_json(state))
    # Older serializer versions are upgraded here (SpiffWorkflow only migrates in deserialize_json).
    _serializer.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    workflow: BpmnWorkflow = _serializer.from_dict(dct)
    if script_engine is not None:
        workflow.script_engine = script_engine
    return workflow
