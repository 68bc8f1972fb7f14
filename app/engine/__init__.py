"""The only package that imports SpiffWorkflow."""
from app.engine.clock import clock
from app.engine.runtime import CaseRun, EngineError, FiredTimer, ReadyTask, Snapshot, TaskNotReady, duration_from_now
from app.engine.specs import BundleInvalid, Problem, ProcessBundle, bundle_key, bundles, parse_bundle

__all__ = [
    "BundleInvalid", "CaseRun", "EngineError", "FiredTimer", "Problem", "ProcessBundle", "ReadyTask", "Snapshot",
    "TaskNotReady", "bundle_key", "bundles", "clock", "duration_from_now", "parse_bundle",
]
