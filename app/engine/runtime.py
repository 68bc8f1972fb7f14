"""Running a case's workflow: start, complete a user task, and describe where it stands.

Everything the rest of the service needs to know about a workflow leaves this module as plain data
(``Snapshot``/``ReadyTask``), so no other package touches SpiffWorkflow objects.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from app.engine.checks import literal_assignments
from app.engine.clock import clock
from app.engine.sandbox import ScriptRefused, script_engine
from app.engine.serializer import SERIALIZER_REGISTRY, dump_state, load_state
from app.engine.specs import ProcessBundle


class EngineError(Exception):
    """The diagram could not be run as drawn (a failing script, condition or decision)."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id


class TaskNotReady(Exception):
    """The task is not waiting for input any more (completed, cancelled, or never existed)."""


@dataclass(frozen=True)
class MigrationCheck:
    safe: bool
    reasons: list[str]
    changed: list[str]


@dataclass(frozen=True)
class FiredTimer:
    element_id: str
    name: str
    host_element_id: str | None
    interrupting: bool
    due_at: datetime | None
    covered_task_ids: tuple[str, ...]  # the waiting user tasks the timer was watching


@dataclass(frozen=True)
class ReadyTask:
    task_id: str
    element_id: str
    name: str
    lane: str | None
    process_id: str
    properties: dict[str, str]
    data: dict[str, Any]
    team_code: str | None
    due_at: datetime | None
    origin_timer: str | None = None  # the boundary timer whose path created this task, if any
    round: int = 1  # 2 and up: the step comes again (a reopened case, a return to routing)


@dataclass
class Snapshot:
    ready: list[ReadyTask]
    completed: bool
    end_status: str | None
    next_timer_at: datetime | None
    variables: dict[str, Any]
    completed_elements: list[str] = field(default_factory=list)


def _parse_when(value: Any) -> datetime | None:
    if isinstance(value, str):
        when: datetime = TimerEventDefinition.get_datetime(value)
        return when
    if isinstance(value, dict) and "next" in value:  # cycle timers keep their next due time in a dict
        when = datetime.fromisoformat(value["next"])
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


def _timer_due(task: Any) -> datetime | None:
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return None
    return _parse_when(task.internal_data.get("event_value"))


def _origin_timer(task: Any) -> str | None:
    """The boundary timer on this task's path back to its attached activity (escalation steps)."""
    current = task.parent
    while current is not None:
        spec = current.task_spec
        if isinstance(spec, BoundaryEvent):
            return str(spec.bpmn_id) if isinstance(spec.event_definition, TimerEventDefinition) else None
        if isinstance(spec, BoundaryEventSplit):
            return None
        current = current.parent
    return None


def duration_from_now(iso: str) -> datetime:
    parsed = TimerEventDefinition.parse_iso_duration(iso)
    delta: timedelta = TimerEventDefinition.get_timedelta_from_start(parsed, clock.now())
    return clock.now() + delta


class CaseRun:
    def __init__(self, bundle: ProcessBundle, workflow: BpmnWorkflow) -> None:
        self.bundle = bundle
        self.workflow = workflow

    @classmethod
    def start(cls, bundle: ProcessBundle, data: dict[str, Any]) -> CaseRun:
        workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=script_engine())
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        run = cls(bundle, workflow)
        run._advance()
        return run

    @classmethod
    def resume(cls, bundle: ProcessBundle, state: bytes | str) -> CaseRun:
        workflow = load_state(state, bundle.spec, bundle.subprocess_specs, script_engine())
        return cls(bundle, workflow)

    def dump(self) -> bytes:
        return dump_state(self.workflow)

    def properties(self, task_id: str) -> dict[str, str]:
        """The spiff properties of a waiting step (its form files, team, milestone)."""
        spec = self._ready_manual(task_id).task_spec
        return dict((getattr(spec, "extensions", None) or {}).get("properties", {}))

    def cancel(self) -> None:
        """End the workflow where it stands: every waiting step and timer is cancelled (a duplicate case,
        carried from now on by its primary)."""
        self.workflow.cancel()

    def complete(self, task_id: str, data: dict[str, Any]) -> None:
        task = self._ready_manual(task_id)
        task.data.update(data)
        self._guard(task.run)
        self._advance()

    def _advance(self) -> None:
        # do_engine_steps refreshes timers last; a timer that came due then is run by the next pass.
        def ready_engine_tasks() -> bool:
            return any(t.state == TaskState.READY and not t.task_spec.manual for t in self._tasks())

        self._guard(self.workflow.do_engine_steps)
        while ready_engine_tasks():
            self._guard(self.workflow.do_engine_steps)

    def fire_timers(self) -> list[FiredTimer]:
        """Fire every timer due by the clock's now and run the workflow on from there."""
        now = clock.now()
        due = [t for t in self.workflow.get_tasks(state=TaskState.WAITING)
               if (d := _timer_due(t)) is not None and d < now]
        before = [self._timer_info(t) for t in due]
        self._guard(self.workflow.refresh_timers)
        self._advance()
        return [info for task, info in zip(due, before, strict=True) if task.state != TaskState.WAITING]

    def _timer_info(self, task: Any) -> FiredTimer:
        spec = task.task_spec
        host = None
        parent = task.parent
        if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
            host = next((c for c in parent.children if c is not task
                         and not isinstance(c.task_spec, BoundaryEvent)), None)
        covered: list[str] = []
        if host is not None:
            if host.state == TaskState.READY and host.task_spec.manual:
                covered.append(str(host.id))
            sub = self.workflow.subprocesses.get(host.id)
            if sub is not None:
                covered += [str(t.id) for t in sub.get_tasks(state=TaskState.READY, manual=True)]
        return FiredTimer(element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
                          host_element_id=host.task_spec.bpmn_id if host is not None else None,
                          interrupting=bool(getattr(spec, "cancel_activity", False)), due_at=_timer_due(task),
                          covered_task_ids=tuple(covered))

    @staticmethod
    def _guard(step: Any) -> None:
        try:
            step()
        except (SpiffWorkflowException, ScriptRefused) as err:
            element = None
            task = getattr(err, "task", None)
            if task is not None:
                element = task.task_spec.bpmn_id
            raise EngineError(str(err).split("\n")[0], element) from err

    # --- describing the state -------------------------------------------------------------------

    def _tasks(self) -> Any:
        """Every task of the case, flat: the workflow's and its called processes' task dicts. Much cheaper
        than SpiffWorkflow's tree iterator, and this runs on every save."""
        yield from self.workflow.tasks.values()
        for subprocess in self.workflow.subprocesses.values():
            yield from subprocess.tasks.values()

    def snapshot(self) -> Snapshot:
        wf = self.workflow
        ready_tasks, waiting = [], []
        for task in self._tasks():
            if task.state == TaskState.READY and task.task_spec.manual:
                ready_tasks.append(task)
            elif task.state == TaskState.WAITING and (due := _timer_due(task)) is not None:
                waiting.append(due)
        ready = [self._describe(t) for t in ready_tasks]
        done_specs = [t.task_spec for t in wf.tasks.values() if t.state == TaskState.COMPLETED]
        end_status = None
        if wf.completed:
            for spec in done_specs:
                if isinstance(spec, EndEvent):
                    end_status = (spec.extensions or {}).get("properties", {}).get("caseStatus") or end_status
        # The main step (one with a case status) carries the case's current data; escalation steps may
        # hold a copy from when their timer fired.
        main = next((r for r in ready if r.properties.get("caseStatus")), ready[0] if ready else None)
        if wf.completed:
            variables = dict(wf.data)
        elif main is not None:
            variables = dict(main.data)
        else:
            variables = dict(wf.last_task.data) if wf.last_task is not None else {}
        done = sorted({spec.bpmn_id for spec in done_specs if spec.bpmn_id})
        return Snapshot(ready=ready, completed=bool(wf.completed), end_status=end_status,
                        next_timer_at=min(waiting) if waiting else None, variables=variables,
                        completed_elements=done)

    def _describe(self, task: Any) -> ReadyTask:
        spec = task.task_spec
        props: dict[str, str] = dict((spec.extensions or {}).get("properties", {}))
        team = self._evaluate(task, props.get("team"))
        due = self._due_at(task, props)
        return ReadyTask(task_id=str(task.id), element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
                         lane=spec.lane, process_id=task.workflow.spec.name, properties=props,
                         data=task.data, team_code=team if isinstance(team, str) else None, due_at=due,
                         origin_timer=_origin_timer(task), round=1 + self._times_done(spec.bpmn_id))

    def _times_done(self, element_id: str) -> int:
        return sum(1 for t in self._tasks() if t.state == TaskState.COMPLETED and t.task_spec.bpmn_id == element_id)

    def _evaluate(self, task: Any, expression: str | None) -> Any:
        if not expression:
            return None
        try:
            return self.workflow.script_engine.evaluate(task, expression)
        except SpiffWorkflowException:
            return None

    def _attached_timers(self, task: Any, *, waiting_only: bool = False) -> list[Any]:
        """Boundary timers on the task, or on the call activity that runs it."""
        holder = task
        while holder is not None:
            parent = holder.parent
            if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
                timers = [c for c in parent.children if c is not holder and _timer_due(c) is not None
                          and (not waiting_only or c.state == TaskState.WAITING)]
                if timers:
                    return timers
            workflow = holder.workflow
            if workflow is self.workflow or workflow.parent_task_id is None:
                break
            holder = self.workflow.get_task_from_id(workflow.parent_task_id)
        return []

    def _due_at(self, task: Any, props: dict[str, str]) -> datetime | None:
        """The task's limit: its latest boundary timer (or its call activity's), else its dueIn property."""
        dues = [d for t in self._attached_timers(task) if (d := _timer_due(t)) is not None]
        if dues:
            return max(dues)
        due_in = self._evaluate(task, props.get("dueIn"))
        if isinstance(due_in, str):
            try:
                return duration_from_now(due_in)
            except Exception:
                return None
        return None

    # --- moving to another version of the process ------------------------------------------------

    def _diff(self, target: ProcessBundle) -> tuple[Any, dict[Any, Any]]:
        top, subs = diff_workflow(SERIALIZER_REGISTRY, self.workflow, target.spec, target.subprocess_specs)
        return top, subs

    def check_migration(self, target: ProcessBundle) -> MigrationCheck:
        """Whether SpiffWorkflow can line this workflow up with the target version: every task it has
        (done, waiting or predicted) must still exist there, and so must every running called process."""
        if target.spec.name != self.workflow.spec.name:
            return MigrationCheck(False, [f"the target version runs process {target.spec.name}, not "
                                          f"{self.workflow.spec.name}"], [])
        top, subs = self._diff(target)
        reasons = [f"step {t.task_spec.bpmn_id or t.task_spec.name} is not in the new version"
                   for t in top.removed if t.task_spec.bpmn_id]
        for sp_id, sub in subs.items():
            name = self.workflow.subprocesses[sp_id].spec.name
            if sub is None:
                reasons.append(f"the called process {name} is not in the new version")
            else:
                reasons += [f"step {t.task_spec.bpmn_id} of {name} is not in the new version"
                            for t in sub.removed if t.task_spec.bpmn_id]
        changed = sorted({t.task_spec.bpmn_id for t in top.changed if t.task_spec.bpmn_id})
        return MigrationCheck(not reasons, reasons, changed)

    def migrate(self, target: ProcessBundle) -> None:
        """Move to the target version. Waiting steps keep their ids and their timers' due times: moving a
        case neither resets nor extends the limits it is running against."""
        top, subs = self._diff(target)
        keep = TaskState.ERROR  # reset nothing (SpiffWorkflow's default resets ready and waiting tasks)
        migrate_workflow(top, self.workflow, target.spec, reset_mask=keep)
        for sp_id, sub in subs.items():
            subprocess = self.workflow.subprocesses[sp_id]
            migrate_workflow(sub, subprocess, target.subprocess_specs[subprocess.spec.name], reset_mask=keep)
        self.workflow.subprocess_specs = target.subprocess_specs
        self.bundle = target
        self._advance()

    # --- supervisor changes --------------------------------------------------------------------

    def _ready_manual(self, task_id: str) -> Any:
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, WorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id)
        return task

    def adopt_limits(self, target: ProcessBundle) -> list[str]:
        """After a move: the steps the case has not reached yet run against the target version's time limits
        (the ISO 8601 durations its scripts set, e.g. sla_callback = "P2D"). Only limits the case already has
        change, on the tasks later steps inherit their data from; timers already armed keep their due time.
        Returns the names changed."""
        limits = {name: value for name, value in durations_in(target).items()}
        changed: set[str] = set()
        for task in self._tasks():
            if task.state not in (TaskState.READY, TaskState.WAITING, TaskState.STARTED):
                continue
            for name, value in limits.items():
                if name in task.data and task.data[name] != value:
                    task.data[name] = value
                    changed.add(name)
        return sorted(changed)

    def scrub_data(self, scrub: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Retention: every task's data and the workflow's own (the call activities' too) passed through
        ``scrub``, which returns what may be kept."""
        for flow in [self.workflow, *self.workflow.subprocesses.values()]:
            flow.data = scrub(flow.data)
            for task in flow.tasks.values():
                task.data = scrub(task.data)

    def set_variables(self, task_id: str, values: dict[str, Any]) -> None:
        """Change case data on a waiting task (what later steps inherit), e.g. the handling team."""
        self._ready_manual(task_id).data.update(values)

    def extend(self, task_id: str, new_due: datetime) -> bool:
        """Move the task's limit: its latest timer(s) now fire at new_due. A limit timer that has fired
        already (a non-interrupting escalation) is armed again, so the step escalates once more when the new
        limit passes. False if the task has no timer."""
        timers = self._attached_timers(self._ready_manual(task_id))
        if not timers:
            return False
        latest = max(d for t in timers if (d := _timer_due(t)) is not None)
        value = new_due.astimezone(UTC).isoformat()
        for timer in timers:
            if _timer_due(timer) != latest:
                continue
            if timer.state == TaskState.WAITING:
                timer.internal_data["event_value"] = value
            elif timer.state == TaskState.COMPLETED and not timer.task_spec.cancel_activity:
                self._arm_again(timer, value)
        return True

    @staticmethod
    def _arm_again(fired: Any, value: str) -> None:
        # A fresh instance of the boundary event under the same split, waiting for the new time, with its
        # outgoing path predicted (SpiffWorkflow only builds that path for events it predicted itself).
        spec = fired.task_spec
        again = fired.parent._add_child(spec, TaskState.FUTURE)
        again.internal_data["event_value"] = value
        spec._predict_hook(again)
        spec._update(again)

    def ready_task_ids(self) -> set[str]:
        """The user tasks waiting for a person: what the case's open work items stand for."""
        return {str(t.id) for t in self._tasks() if t.state == TaskState.READY and t.task_spec.manual}


def durations_in(bundle: ProcessBundle) -> dict[str, str]:
    """The time limits a bundle's script tasks set: names assigned an ISO 8601 duration literal."""
    out: dict[str, str] = {}
    for spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            script = getattr(task_spec, "script", None)
            if isinstance(script, str):
                out.update({k: v for k, v in literal_assignments(script).items()
                            if isinstance(v, str) and v.startswith("P")})
    return out
