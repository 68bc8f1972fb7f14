"""The case's record: what each finished step recorded, as labelled read-only sections rendered from that
step's own form schema (titles, choice titles, the order of its UI file), newest last, with who and when.
Every task page and the case page show it, so that the court reads the agreement it is asked to confirm and
the callback operator knows what was done and promised."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import moments
from app.auth.principal import Principal
from app.cases.masking import Mask
from app.casework.models import WorkItem
from app.extensions import db
from app.routing.lanes import lane_role
from app.routing.models import Team
from app.versions.service import bundle_for

items_t = WorkItem.__table__
teams_t = Team.__table__


@dataclass
class Entry:
    label: str
    text: str = ""
    long: bool = False  # free text: shown as a paragraph, not on one line
    groups: list[list[Entry]] = field(default_factory=list)  # repeated groups (the parties)


@dataclass
class Section:
    item_id: int
    element_id: str
    name: str
    team: str | None
    by: str | None  # the username: pages show the person's name (app.web.person)
    at: datetime | None
    round: int
    entries: list[Entry]
    hidden: bool = False  # what the step recorded is not for this reader (who and when still show)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _choice_titles(node: dict[str, Any]) -> dict[str, str]:
    options = node.get("oneOf") or node.get("anyOf") or []
    return {str(o["const"]): str(o.get("title", o["const"])) for o in options if isinstance(o, dict) and "const" in o}


def _text(node: dict[str, Any], value: Any) -> str:
    titles = _choice_titles(node)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        item_titles = _choice_titles(_obj(node.get("items")))
        return "、".join(item_titles.get(str(v), str(v)) for v in value)
    if titles:
        return titles.get(str(value), str(value))
    if node.get("format") == "date-time" and isinstance(value, str):
        when = moments.parse(value)
        if when is not None:
            local = when.astimezone(moments.SHANGHAI) if when.tzinfo else when
            return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def entries(schema: dict[str, Any], ui: dict[str, Any], data: dict[str, Any], mask: Mask,
            in_full: bool) -> list[Entry]:
    """The recorded values in the form's order, labelled by the form; fields left empty are left out."""
    props = _obj(schema.get("properties"))
    given = ui.get("ui:order")
    order: list[Any] = given if isinstance(given, list) else []
    names = [n for n in order if n in props] + [n for n in props if n not in order]
    out: list[Entry] = []
    for name in names:
        node = _obj(props[name])
        value = data.get(name)
        if value is None or value == "" or value == []:
            continue
        label = str(node.get("title", name))
        if node.get("type") == "array" and _obj(node.get("items")).get("type") == "object":
            groups = [entries(_obj(node.get("items")), _obj(_obj(ui.get(name)).get("items")), g, mask, in_full)
                      for g in value if isinstance(g, dict)]
            out.append(Entry(label, groups=groups))
            continue
        text = _text(node, value)
        if node.get("x-personal") and not in_full:
            text = mask.name(text) or ""
        long = node.get("type") == "string" and not _choice_titles(node) and (
            _obj(ui.get(name)).get("ui:widget") == "textarea" or (node.get("maxLength") or 0) > 200)
        out.append(Entry(label, text, long))
    return out


def readable_step(mask: Mask, principal: Principal, schema: dict[str, Any], team_code: str | None,
              lane: str | None) -> bool:
    """Roles that see personal data read every step; others their own team's steps and the steps whose form
    names their role in `x-readers` (the mediation agreement names the court: it is what the court confirms).
    Supervisors' own steps (escalations, reviews) carry internal notes: personal-data roles only."""
    if mask.personal:
        return True
    if lane_role(lane) == "supervisor":
        return False
    readers = schema.get("x-readers")
    shared = isinstance(readers, list) and any(isinstance(r, str) and principal.has_role(r) for r in readers)
    return shared or (team_code is not None and team_code in mask.own_teams)


def case_record(principal: Principal, case_id: int, process_version: str) -> list[Section]:
    """The finished steps of a case as its principal may read them (see readable_step); personal fields of the
    readable ones are masked for roles that do not see personal data, except the court's, whose ruling names
    the parties."""
    mask = Mask.for_principal(principal)
    in_full = mask.personal or principal.has_role("court")
    rows = db.session.execute(
        select(items_t.c.id, items_t.c.element_id, items_t.c.name, items_t.c.lane, items_t.c.team_code,
               items_t.c.completed_by,
               items_t.c.completed_at, items_t.c.round, items_t.c.form_file, items_t.c.ui_file,
               items_t.c.result_data, teams_t.c.name.label("team_name"))
        .select_from(items_t.outerjoin(teams_t, teams_t.c.code == items_t.c.team_code))
        .where(items_t.c.case_id == case_id, items_t.c.state == "completed")
        .order_by(items_t.c.completed_at, items_t.c.id)
    ).all()
    bundle = bundle_for(process_version)
    sections = []
    for r in rows:
        schema = _obj(bundle.form(r.form_file)) if r.form_file else {}
        ui = _obj(bundle.form(r.ui_file)) if r.ui_file else {}
        readable = readable_step(mask, principal, schema, r.team_code, r.lane)
        shown = entries(schema, ui, _obj(r.result_data), mask, in_full) if readable else []
        sections.append(Section(r.id, r.element_id, r.name, r.team_name, r.completed_by,
                                r.completed_at, r.round or 1, shown, hidden=not readable))
    return sections


def why_again(sections: list[Section], created_at: datetime | None) -> list[Section]:
    """For a step that comes again: the steps finished in the save that brought it back (the unsatisfied
    callback, the wrong-team return), whose words say why."""
    if created_at is None:
        return []
    return [s for s in sections if s.at is not None and abs((s.at - created_at).total_seconds()) < 1]
