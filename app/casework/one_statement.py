"""A unit of work's save as one statement, for PostgreSQL.

On PostgreSQL every statement is a round trip to the server; saving a completion as separate statements
(the work item, the case under its lock, the steps that stopped waiting, the new ones, the event) costs five of
them on top of reading the item. Here they are data-modifying CTEs of one statement, each later part written
only when the parts before it matched (the item was in the state the change starts from, the case still at
the lock version read); the answer says which part refused, the unit raises, and the caller's rollback
discards whatever matched. A row takes one change per statement (the unit refuses two), and the steps that
stopped waiting are cancelled except the items this save changes. SQLite has no data-modifying CTEs and no
network: it runs the same changes as separate statements (unit.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by

from app.casework import statements as sql
from app.casework.models import OPEN_STATES
from app.database import execute
from app.types import UTCDateTime

ITEM_COLUMNS = [c.name for c in sql.items_t.c if c.name != "id"]
NOTICE_COLUMNS = [c.name for c in sql.outbox_t.c if c.name != "id"]


@dataclass
class Outcome:
    changes_matched: list[bool]
    saved: bool
    cancelled: list[int]
    created: dict[str, int]  # task id -> new work item id


@dataclass
class Save:
    """What the unit writes: item changes, the case row (when its workflow ran), the work items it implies,
    and the event."""

    changes: list[tuple[str, dict[str, Any]]]
    case_values: dict[str, Any] | None
    case_extra: dict[str, Any]
    case_id: int
    gone: list[str]
    new_rows: list[dict[str, Any]]
    event: dict[str, Any]
    now: datetime
    first_response: datetime | None = None  # a claim's first response, when the case row is not saved
    notices: list[dict[str, Any]] = field(default_factory=list)  # outbox rows, written with the case


def _count(cte: Any) -> Any:
    return select(func.count()).select_from(cte).scalar_subquery()


def _prefixed(prefix: str) -> sql.Param:
    return lambda name, type_=None: bindparam(f"{prefix}{name}", type_=type_)


@lru_cache(maxsize=256)
def _statement(changes: tuple[str, ...], with_case: bool, case_extra: tuple[str, ...], with_gone: bool,
               new_rows: int, with_response: bool = False, notices: int = 0) -> Any:
    """The statement of one shape of save, built once; a save binds its values (p<i>_, case_, r<i>_, n<i>_,
    ev_)."""
    change_ctes = [sql.item_change(name, _prefixed(f"p{i}_")).returning(sql.items_t.c.id).cte(f"change_{i}")
                   for i, name in enumerate(changes)]
    ok: Any = and_(*[_count(c) == 1 for c in change_ctes]) if change_ctes else literal(True)
    saved = cancelled = created = None
    if with_case:
        extra = {name: bindparam(f"case_x_{name}", type_=sql.cases_t.c[name].type) for name in case_extra}
        saved = (sql.save_case(_prefixed("case_")).values(**extra).where(ok)
                 .returning(sql.cases_t.c.id).cte("saved"))
        ok = exists(select(saved.c.id))
        items = sql.items_t
        if with_gone:
            cancelled = (items.update()
                         .where(items.c.case_id == bindparam("case_b_id"),
                                items.c.task_id.in_(bindparam("gone", expanding=True)),
                                items.c.state.in_(OPEN_STATES),
                                items.c.id.not_in(bindparam("changed_ids", expanding=True)), ok)
                         .values(state="cancelled", completed_at=bindparam("ev_at", type_=UTCDateTime()))
                         .returning(items.c.id).cte("cancelled"))
        if new_rows:
            rows = [select(*[bindparam(f"r{i}_{c}", type_=items.c[c].type).label(c) for c in ITEM_COLUMNS])
                    .where(ok) for i in range(new_rows)]
            source = rows[0] if len(rows) == 1 else union_all(*rows)
            created = (insert(items).from_select(ITEM_COLUMNS, source)
                       .returning(items.c.id, items.c.task_id, items.c.element_id, items.c.name, items.c.team_code)
                       .cte("created"))
    responded = None
    if with_response and not with_case:
        responded = (sql.cases_t.update()
                     .where(sql.cases_t.c.id == bindparam("case_b_id"), sql.cases_t.c.first_response_at.is_(None), ok)
                     .values(first_response_at=bindparam("case_first_response", type_=UTCDateTime()))
                     .returning(sql.cases_t.c.id).cte("responded"))
    logged = insert(sql.events_t).from_select(
        ["case_id", "at", "actor", "kind", "summary", "data"],
        select(bindparam("case_b_id", type_=BigInteger), bindparam("ev_at", type_=UTCDateTime()),
               bindparam("ev_actor", type_=String), bindparam("ev_kind", type_=String),
               bindparam("ev_summary", type_=String), _event_data(created, cancelled))
        .where(ok)).returning(sql.events_t.c.id).cte("logged")

    notified = None
    if notices:
        outbox = sql.outbox_t
        owed = [select(*[bindparam(f"n{i}_{c}", type_=outbox.c[c].type).label(c) for c in NOTICE_COLUMNS]).where(ok)
                for i in range(notices)]
        notified = (insert(outbox).from_select(NOTICE_COLUMNS, owed[0] if len(owed) == 1 else union_all(*owed))
                    .returning(outbox.c.id).cte("notified"))

    columns = [_count(c).label(f"change_{i}") for i, c in enumerate(change_ctes)]
    columns.append((_count(saved) if saved is not None else literal(0)).label("saved"))
    columns.append(_count(logged).label("logged"))
    columns.append((select(func.json_agg(cancelled.c.id)).scalar_subquery() if cancelled is not None
                    else literal(None, JSON)).label("cancelled"))
    columns.append((select(func.json_object_agg(created.c.task_id, created.c.id)).scalar_subquery()
                    if created is not None else literal(None, JSON)).label("created"))
    ctes = [*change_ctes, *(c for c in (saved, cancelled, created, responded, notified) if c is not None), logged]
    return select(*columns).add_cte(*ctes)


def run(save: Save) -> Outcome:
    statement = _statement(tuple(name for name, _v in save.changes), save.case_values is not None,
                           tuple(sorted(save.case_extra)), bool(save.gone), len(save.new_rows),
                           save.first_response is not None, len(save.notices))
    params: dict[str, Any] = {f"p{i}_{k}": v for i, (_n, values) in enumerate(save.changes) for k, v in values.items()}
    params.update({f"case_{k}": v for k, v in (save.case_values or {}).items()})
    params.update({f"case_x_{k}": v for k, v in save.case_extra.items()})
    params.update({f"r{i}_{c}": row[c] for i, row in enumerate(save.new_rows) for c in ITEM_COLUMNS})
    params.update({f"n{i}_{c}": row[c] for i, row in enumerate(save.notices) for c in NOTICE_COLUMNS})
    params.update({"case_b_id": save.case_id, "ev_at": save.now, "ev_actor": save.event["actor"],
                   "ev_kind": save.event["kind"], "ev_summary": save.event["summary"], "ev_data": save.event["data"]})
    if save.first_response is not None:
        params["case_first_response"] = save.first_response
    if save.gone:
        params.update(gone=save.gone, changed_ids=[values["b_item"] for _n, values in save.changes] or [0])
    row = execute(statement, params).one()
    return Outcome(changes_matched=[getattr(row, f"change_{i}") == 1 for i in range(len(save.changes))],
                   saved=bool(row.saved), cancelled=list(row.cancelled or []),
                   created={k: int(v) for k, v in (row.created or {}).items()})


def _event_data(created: Any, cancelled: Any) -> Any:
    """The event's data as given, plus the new steps and the cancelled ones as the statement wrote them."""
    out: Any = cast(bindparam("ev_data", type_=JSON), JSONB)
    if created is not None:
        step = func.jsonb_build_object("work_item", created.c.id, "element_id", created.c.element_id,
                                       "name", created.c.name, "team", created.c.team_code)
        out = out.op("||")(func.jsonb_build_object(
            "next", select(func.jsonb_agg(aggregate_order_by(step, created.c.id))).scalar_subquery()))
    if cancelled is not None:
        ids = select(func.jsonb_agg(aggregate_order_by(cancelled.c.id, cancelled.c.id))).scalar_subquery()
        out = out.op("||")(case((ids.is_(None), cast(literal("{}"), JSONB)),
                                else_=func.jsonb_build_object("cancelled_items", ids)))
    return cast(out, JSON)
