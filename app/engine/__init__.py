"""The only package that imports SpiffWorkflow."""
from app.engine.checks import dmn_cell_problem, literal_assignments, timer_problem
from app.engine.clock import clock
from app.engine.runtime import (
    CaseRun,
    EngineError,
    FiredTimer,
    MigrationCheck,
    ReadyTask,
    Snapshot,
    TaskNotReady,
    duration_from_now,
)
from app.engine.sandbox import check_source
from app.engine.specs import BundleInvalid, Problem, ProcessBundle, bundle_key, bundles, parse_bundle, parse_xml

__all__ = [
    "BundleInvalid",
    "CaseRun",
    "EngineError",
    "FiredTimer",
    "MigrationCheck",
    "Problem",
    "ProcessBundle",
    "ReadyTask",
    "Snapshot",
    "TaskNotReady",
    "bundle_key",
    "bundles",
    "check_source",
    "clock",
    "dmn_cell_problem",
    "duration_from_now",
    "literal_assignments",
    "parse_bundle",
    "parse_xml",
    "timer_problem",
]
