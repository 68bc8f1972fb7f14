"""The audit timeline as a page says it, in the page's language. Each event keeps the summary written when it
happened (the audit record, in Chinese); a page words it again from the event's kind and data, with the
steps' names from the case's diagram and people's and teams' names rather than codes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from app.moments import parse


def channel_names() -> dict[str, str]:
    return {"110": _("110 police transfer"), "12345": _("12345 hotline"), "online": _("online post"),
            "market": _("market centre"), "walk_in": _("walk-in")}


def action_names() -> dict[str, str]:
    return {"remind": _("Remind"), "reassign": _("Reassign"), "extend": _("Extend"), "take_over": _("Take over")}


def text(event: dict[str, Any], steps: dict[str, str], person: Callable[[str | None], str],
         team: Callable[[str | None], str], when: Callable[[Any], str]) -> str:
    kind, data = event["kind"], event.get("data") or {}
    step = steps.get(data.get("element_id") or "", "") or _("a step")
    if kind == "case.opened":
        channel = data.get("channel") or ""
        return str(_("Registered through %(channel)s", channel=channel_names().get(channel, channel)))
    if kind == "task.completed":
        return str(_("Completed: %(step)s", step=step))
    if kind == "task.claimed":
        return str(_("Claimed: %(step)s", step=step))
    if kind == "task.released":
        return str(_("Released to the team queue: %(step)s", step=step))
    if kind == "task.assigned":
        return str(_("Supervisor assigned %(step)s to %(who)s", step=step, who=person(data.get("assignee"))))
    if kind == "task.reassigned":
        return str(_("Supervisor moved %(step)s to %(team)s", step=step, team=team(data.get("to"))))
    if kind == "task.passed_on":
        return str(_("Passed %(step)s on inside the centre to %(team)s", step=step, team=team(data.get("to"))))
    if kind == "task.extended":
        return str(_("Supervisor extended %(step)s to %(when)s", step=step, when=when(parse(data.get("to") or ""))))
    if kind == "task.reminded":
        return str(_("Supervisor reminded the team of %(step)s", step=step))
    if kind.startswith("escalation."):
        action = kind.split(".", 1)[1]
        line = str(_("Escalation of %(step)s closed: %(action)s", step=step,
                     action=action_names().get(action, action)))
        target = (team(data["team"]) if data.get("team") else person(data.get("assignee")) if data.get("assignee")
                  else when(parse(data.get("due_at") or "")) if data.get("due_at") else "")
        return f"{line} → {target}" if target else line
    if kind == "timer.fired":
        names = "、".join(str(t.get("name") or "") for t in data.get("timers") or [] if isinstance(t, dict))
        return str(_("Time limit reached: %(timers)s", timers=names))
    if kind == "timer.failed":
        return str(_("A timer could not fire; the case waits for a supervisor"))
    if kind == "case.linked":
        return str(_("Linked as a duplicate of %(no)s, which carries the matter", no=str(data.get("primary") or "")))
    if kind == "attachment.added":
        what = {"photo": _("a photo"), "document": _("a document"), "video_link": _("a video call link")}
        return str(_("Added %(what)s: %(name)s", what=what.get(str(data.get("kind")), _("a file")),
                     name=str(data.get("name") or "")))
    if kind == "expert.invited":
        return str(_("Invited an expert: %(who)s", who=person(data.get("expert"))))
    if kind == "expert.advised":
        return str(_("The expert recorded their advice"))
    if kind == "case.migrated":
        return str(_("Moved to process version %(key)s", key=str(data.get("to") or "")[:12]))
    if kind == "case.repaired":
        return str(_("Repaired from the workflow state: %(n)s finding(s)", n=len(data.get("findings") or [])))
    if kind == "case.anonymised":
        return str(_("Kept past its retention period: the personal data was anonymised"))
    return str(event.get("summary") or kind)
