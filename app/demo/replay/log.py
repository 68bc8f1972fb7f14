"""What the replay did, case by case: the facts its expectations are computed from. The driver writes what it
decided and when (the times of its own actions, the answers it gave); from the service it takes only labels
and limits (case numbers, work-item ids, team codes, each new step's limit, the suggestion made at intake)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Step:
    """A work item as the replay knows it."""

    item_id: int
    kind: str  # the form it asks for: route, handle, mediate, judicial, callback, escalation, review
    name: str
    team: str | None
    created_at: datetime
    due_at: datetime  # the limit now (an extension moves it)
    first_due: datetime  # the limit it came with: its escalation timer's time
    done_at: datetime | None = None
    escalates: int | None = None  # an escalation: the item it escalates
    assignee: str | None = None


@dataclass
class CaseLog:
    n: int
    case_no: str
    case_id: int
    opened_at: datetime
    called_at: datetime | None
    phone: str | None
    township: str | None
    category: str | None = None
    suggestion: dict[str, Any] | None = None
    status: str = "open"
    closed_at: datetime | None = None
    first_response_at: datetime | None = None
    callback_at: datetime | None = None
    satisfaction: str | None = None
    callbacks_done: int = 0
    mediation_started_at: datetime | None = None
    mediated_at: datetime | None = None
    mediation_outcome: str | None = None
    judicial_applied_at: datetime | None = None
    judged_at: datetime | None = None
    judicial_decision: str | None = None
    reopened_at: datetime | None = None
    identified_at: datetime | None = None
    agreed: dict[str, bool | None] = field(default_factory=dict)
    handled_rounds: int = 0
    steps: dict[int, Step] = field(default_factory=dict)
    # Escalations the supervisor closed, callback answers, mediation outcomes, court decisions: (time, value).
    closed_escalations: list[tuple[datetime, str]] = field(default_factory=list)
    answers: list[tuple[datetime, str]] = field(default_factory=list)
    outcomes: list[tuple[datetime, str]] = field(default_factory=list)
    decisions: list[tuple[datetime, str]] = field(default_factory=list)

    def open_steps(self) -> list[Step]:
        return [s for s in self.steps.values() if s.done_at is None]

    def respond(self, when: datetime) -> None:
        if self.first_response_at is None:
            self.first_response_at = when


@dataclass
class ReplayLog:
    start: datetime
    end: datetime
    cases: list[CaseLog] = field(default_factory=list)
    ticks: list[datetime] = field(default_factory=list)  # every sweep's time, in order
    failures: list[str] = field(default_factory=list)
