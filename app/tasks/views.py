"""The caseworker's pages: the queue, claiming, and the task form rendered from its JSON Schema."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import moments
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.auth.principal import Principal
from app.cases import identification, record
from app.cases import service as cases
from app.errors import ApiError, Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.http import deferred, page_arg
from app.people import duty, workload
from app.routing.gazetteer import categories, gazetteer
from app.routing.lanes import lane_role
from app.routing.models import Team
from app.tasks import completion, formrender, forms, pass_on, service, supervision
from app.tasks.queue import QueueFilter, queue, step_choices
from app.web import page_message, safe_local_path, status_names

bp = Blueprint("tasks", __name__)


def _me() -> Principal:
    return caller()


@bp.get("/")
@permissions.page(policy.sees_cases)
def queue_page() -> str:
    principal = _me()
    args = request.args
    f = QueueFilter(step=args.get("step") or None, township=args.get("township") or None,
                    category=args.get("category") or None, overdue=args.get("overdue") == "1",
                    q=(args.get("q") or "").strip()[:32] or None, page=page_arg(args),
                    mine_only=args.get("mine") == "1")
    items, total = queue(principal, f)
    pages = max(1, -(-total // 20))
    return render_template("tasks/queue.html", items=items, total=total, f=f, pages=pages,
                           steps=step_choices(), desk=_desk(principal),
                           townships=gazetteer().places, categories=list(categories().values()))


def _desk(principal: Principal) -> dict[str, Any]:
    """The caller's own load, and for each of their teams who is on duty now and how loaded it is."""
    codes = sorted(principal.teams)
    if not codes:
        return {"teams": [], "mine": workload.Load()}
    names = dict(db.session.execute(select(Team.code, Team.name).where(Team.code.in_(codes))).all())
    on_duty = duty.on_duty(codes)
    loads = workload.by_team(codes)
    return {"mine": workload.by_member(usernames=[principal.username]).get(principal.username, workload.Load()),
            "teams": [{"code": c, "name": names.get(c, c), "on_duty": on_duty.get(c, []),
                       "load": loads.get(c, workload.Load())} for c in codes]}


def _back(default: str) -> Response:
    return redirect(safe_local_path(request.form.get("next"), default))


def _item_action(action: Callable[[Principal, int], Any], item_id: int, done: str, back: str) -> Response:
    """Claim or release from a page: one commit, a message, and back to where the user was."""
    try:
        action(_me(), item_id)
        db.session.commit()
        flash(done, "ok")
    except ApiError as err:
        db.session.rollback()
        if isinstance(err, NotFound):
            abort(404)
        flash(page_message(err), "error")
    return _back(back)


@bp.post("/tasks/<id:item_id>/claim")
@permissions.page(policy.works_on_steps)
def claim(item_id: int) -> Response:
    return _item_action(service.claim, item_id, _("Claimed. It is yours now."),
                        url_for("tasks.task_page", item_id=item_id))


@bp.post("/tasks/<id:item_id>/release")
@permissions.page(policy.works_on_steps)
def release(item_id: int) -> Response:
    return _item_action(service.release, item_id, _("Released back to the team queue."),
                        url_for("tasks.queue_page"))


def _render(principal: Principal, item: dict[str, Any], values: dict[str, Any] | None, errors: dict[str, list[str]],
            *, status: int = 200, stale: str | None = None) -> tuple[str, int]:
    """``values`` None: a fresh page of a waiting step (its data, pre-filled from the suggestion)."""
    form = item["form"]
    case = cases.get_case(principal, item["case_no"])
    prefilled: list[str] = []
    if values is None:
        # The step's data as GET /tasks/{id} answers it: pre-filled from the suggestion on an identifying step.
        properties = form["schema"].get("properties") or {}
        values = item["data"]
        prefilled = [str((properties.get(k) or {}).get("title", k)) for k in item.get("prefilled", [])]
    fields = formrender.build(form["schema"], form["ui_schema"], values, errors)
    sections = cases.record_of(principal, item["case_no"])
    general = [m for k, msgs in errors.items() if k in ("_body", "data") or not any(
        k == f.path or k.startswith(f.path + ".") for f in fields) for m in msgs]
    supervising = policy.can_supervise(principal) and item["state"] in ("open", "claimed")
    return render_template("tasks/task.html", item=item, fields=fields, case=case, stale=stale,
                           qualified=policy.holds(principal, item.get("qualification")),
                           suggestion=case.get("suggestion") if identification.identifies(form["schema"]) else None,
                           prefilled=prefilled,
                           general_errors=general, sections=sections,
                           again=record.why_again(sections, item["created_at"]) if item.get("round", 1) > 1 else [],
                           pickers=supervision.pickers(item["lane"], (item["team"] or {}).get("code"),
                                                       item.get("qualification"))
                           if supervising else None,
                           pass_to=[(t["code"], t["name"]) for t in item.get("pass_on_to", [])]
                           if policy.can_decide(principal, lane_role(item["lane"]), (item["team"] or {}).get("code"))
                           else []), status


def action_args(action: str, form: Any) -> dict[str, Any]:
    """A supervisor's action as a page posts it (the task page's and the desk's forms alike): a note; for assign
    and reassign a target "CODE" (a team's queue), "CODE:USERNAME" or ":USERNAME" (the desk writes "team:" in
    front, and an older desk form a separate username); for extend the new limit, local time without offset."""
    args: dict[str, Any] = {"note": form.get("note", "").strip()[:2000]}
    if action in ("assign", "reassign"):
        team, _sep, person = form.get("target", "").strip().removeprefix("team:").partition(":")
        person = person or form.get("username", "").strip()
        if not team and not person:
            raise Invalid(_("Choose a team or a person."), {"target": ["required"]})
        if person:
            args["username"] = person[:64]
        if action == "reassign" and team:
            args["team"] = team
    if action == "extend":
        when = moments.parse_local(form.get("due_at", "").strip())
        if when is None:
            raise Invalid(_("Give the new limit as a date and time."), {"due_at": ["required"]})
        args["due_at"] = when
    return args


@bp.post("/tasks/<id:item_id>/pass-on")
@permissions.page(policy.works_on_steps)
def pass_on_page(item_id: int) -> Response:
    try:
        pass_on.pass_on(_me(), item_id, request.form.get("team", "").strip()[:64],
                        request.form.get("note", "").strip()[:2000])
        db.session.commit()
        flash(_("Passed on inside the centre."), "ok")
    except ApiError as err:
        db.session.rollback()
        if isinstance(err, NotFound):
            abort(404)
        flash(page_message(err), "error")
        return redirect(url_for("tasks.task_page", item_id=item_id))
    return redirect(url_for("tasks.queue_page"))


@bp.post("/tasks/<id:item_id>/supervise/<action>")
@permissions.page(policy.can_supervise)
def supervise(item_id: int, action: str) -> Response:
    """The task page's supervisor actions: the same ones as the desk's and the API's (tasks.supervision)."""
    if action not in supervision.ACTIONS:
        abort(404)
    try:
        args = action_args(action, request.form)
        if action == "remind" and not args["note"]:
            raise Invalid(_("Write what the reminder says."), {"note": ["required"]})
        supervision.act_on_item(_me(), item_id, action, args)
        db.session.commit()
        flash(_("Done."), "ok")
    except ApiError as err:
        db.session.rollback()
        if isinstance(err, NotFound):
            abort(404)
        flash(page_message(err), "error")
    return redirect(url_for("tasks.task_page", item_id=item_id))


@bp.get("/tasks/<id:item_id>")
@permissions.page(policy.sees_cases)
def task_page(item_id: int) -> tuple[str, int]:
    principal = _me()
    try:
        item = service.get_item(principal, item_id)
    except NotFound:
        abort(404)
    if item["state"] not in ("open", "claimed"):
        return _render(principal, item, item.get("result") or item["data"], {},
                       stale=_("This step is %(state)s; nothing left to do here.", state=item["state"]))
    return _render(principal, item, None, {})


@bp.post("/tasks/<id:item_id>")
@permissions.page(policy.works_on_steps)
def submit(item_id: int) -> Response | tuple[str, int]:
    principal = _me()
    try:
        item = service.get_item(principal, item_id)
    except NotFound:
        abort(404)
    data, raw = formrender.read(item["form"]["schema"], request.form)
    page_rules = forms.page_rule_errors(item["process_version"], item["element_id"], item["form"]["ui_schema"], data)
    if page_rules and policy.can_decide(principal, lane_role(item["lane"]), (item["team"] or {}).get("code")):
        schema = item["form"]["schema"]
        found = forms.errors(forms.validator_for(item["process_version"], f"{item['element_id']}#page", schema),
                             forms.prepare(schema, data))
        for path, messages in page_rules.items():
            found.setdefault(path, []).extend(m for m in messages if m not in found.get(path, []))
        return _render(principal, item, raw, found, status=422)
    try:
        result = completion.complete(principal, item_id, deferred(lambda: {"data": data}))
        db.session.commit()
    except Invalid as err:
        db.session.rollback()
        return _render(principal, item, raw, err.fields, status=422)
    except Forbidden:
        db.session.rollback()
        return _render(principal, item, raw, {}, status=403, stale=_(
            "You may see this step but not decide it; it is decided by its own lane's role. Nothing was saved."))
    except Conflict as err:
        db.session.rollback()
        return _render(principal, item, raw, {}, status=409,
                       stale=_("Someone else finished or took this step meanwhile (%(why)s). Your input is "
                               "still below; nothing was saved.", why=page_message(err)))
    codes = [n["team"] for n in result.get("next", []) if n["team"]]
    names = {r.code: r.name for r in db.session.execute(select(Team.code, Team.name).where(Team.code.in_(codes)))}
    nxt = "；".join(f"{n['name']}（{names.get(n['team'], n['team'] or '—')}）" for n in result.get("next", [])) \
        or _("none — the case is %(status)s", status=status_names().get(result.get("case_status", ""), ""))
    flash(_("Done: %(step)s. Next: %(next)s.", step=item["name"], next=nxt), "ok")
    return redirect(url_for("cases.case_page", case_no=item["case_no"]))
