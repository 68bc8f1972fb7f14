"""State-only workflow storage: the spec lives once per process version, a case stores only its state.

The stock converter writes the whole spec into every instance (half the bytes and time). Here the
workflow converter leaves the specs out, and on load the cached spec objects are handed back in:
the registry passes non-dict values through ``restore`` untouched.
"""
from __future__ import annotations

import json
import zlib
from typing import Any

import orjson
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


# What serialize_json does, with orjson writing the text (a third of the time the standard library takes). Its
# default is SpiffWorkflow's encoder, which also gets the datetimes and dataclasses orjson would write its own way.
_encoder = _serializer._encoder_cls()
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def _state_text(workflow: BpmnWorkflow) -> bytes:
    registry = _serializer.registry
    registry._encoder_mode = True
    try:
        dct = _serializer.to_dict(workflow)
        dct[_serializer.VERSION_KEY] = _serializer.VERSION
        try:
            return orjson.dumps(dct, default=_encoder.default, option=_ORJSON_OPTIONS)
        except orjson.JSONEncodeError:  # integers beyond 64 bits, lone surrogates: as the standard library writes
            return json.dumps(dct, cls=_serializer._encoder_cls).encode("utf-8")
    finally:
        registry._encoder_mode = False


def dump_state(workflow: BpmnWorkflow) -> bytes:
    """The state as stored. NaN and infinities are not JSON: they are stored as null."""
    # zlib at level 1: a sixth of the bytes (about 3.6 KB for a closed case) for ~0.1 ms.
    return zlib.compress(_state_text(workflow), 1)


def _state_bytes(state: bytes | str) -> bytes:
    if isinstance(state, str):
        return state.encode("utf-8")
    return zlib.decompress(state) if state[:1] == b"\x78" else state


def state_json(state: bytes | str) -> str:
    """The JSON of a stored state (older or hand-made states may be plain JSON text)."""
    return state if isinstance(state, str) else _state_bytes(state).decode("utf-8")


def _written_by_orjson(text: bytes) -> bool:
    # orjson puts no space after a key's colon, the standard library does: the state's first key tells which wrote
    # it. What orjson wrote it reads back exactly; the standard library's text may hold integers beyond 64 bits
    # (orjson would read floats, silently), NaN or lone surrogates, so that library reads it.
    colon = text.find(b'":')
    return colon > 0 and text[colon + 2:colon + 3] != b" "


def _parsed(text: bytes) -> Any:
    return orjson.loads(text) if _written_by_orjson(text) else json.loads(text)


def load_state(state: bytes | str, spec: Any, subprocess_specs: dict[str, Any], script_engine: Any) -> BpmnWorkflow:
    dct = _parsed(_state_bytes(state))
    # Older serializer versions are upgraded here (SpiffWorkflow only migrates in deserialize_json).
    _serializer.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    workflow: BpmnWorkflow = _serializer.from_dict(dct)
    if script_engine is not None:
        workflow.script_engine = script_engine
    return workflow
