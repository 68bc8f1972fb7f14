"""Moving running cases to a newer version of their process, where SpiffWorkflow's diff says it is safe:
a preview of which cases can move and why the others cannot, then the move, one audit event per case."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.auth.principal import Principal
from app.casework import operations
from app.casework.models import Case
from app.casework.unit import CaseRef, CaseUnit
from app.engine import CaseRun, EngineError, clock
from app.errors import Invalid
from app.extensions import db
from app.versions.service import bundle_for, get_version

cases_t = Case.__table__
LIMIT = 500


def _running(target_key: str, process_id: str, from_key: str | None, case_nos: list[str] | None) -> list[Any]:
    query = (select(cases_t.c.id, cases_t.c.case_no, cases_t.c.status, cases_t.c.process_version,
                    cases_t.c.lock_version, cases_t.c.workflow_state)
             .where(cases_t.c.closed_at.is_(None), cases_t.c.process_version != target_key)
             .order_by(cases_t.c.id).limit(LIMIT))
    if from_key:
        query = query.where(cases_t.c.process_version == get_version(from_key).key)
    if case_nos:
        query = query.where(cases_t.c.case_no.in_(case_nos))
    rows = db.session.execute(query).all()
    return [r for r in rows if bundle_for(r.process_version).process_id == process_id]


def preview(target: str, from_key: str | None = None, case_nos: list[str] | None = None) -> dict[str, Any]:
    version = get_version(target)
    new = bundle_for(version.key)
    cases = []
    for row in _running(version.key, version.process_id, from_key, case_nos):
        check = CaseRun.resume(bundle_for(row.process_version), row.workflow_state).check_migration(new)
        cases.append({"case_no": row.case_no, "status": row.status, "from_version": row.process_version,
                      "movable": check.safe, "reasons": check.reasons, "changed_steps": check.changed})
    return {"to_version": version.key, "movable": sum(c["movable"] for c in cases),
            "blocked": sum(not c["movable"] for c in cases), "cases": cases}


def migrate(principal: Principal, target: str, from_key: str | None = None,
            case_nos: list[str] | None = None) -> dict[str, Any]:
    version = get_version(target)
    new = bundle_for(version.key)
    moved, skipped = [], []
    rows = _running(version.key, version.process_id, from_key, case_nos)
    if case_nos and len(rows) < len(set(case_nos)):
        found = {r.case_no for r in rows}
        raise Invalid("some cases are not running cases of another version of this process",
                      {"case_nos": [n for n in case_nos if n not in found]})
    now = clock.now()
    for row in rows:
        unit = CaseUnit(CaseRef(row.id, row.case_no, row.status, row.lock_version, row.process_version,
                                row.workflow_state), now)
        check = unit.run.check_migration(new)
        if not check.safe:
            skipped.append({"case_no": row.case_no, "reasons": check.reasons})
            continue
        try:
            with db.session.begin_nested():
                operations.move_to_version(unit, new, version.key, check.changed,
                                           principal.username)
        except EngineError as err:
            skipped.append({"case_no": row.case_no, "reasons": [f"the case fails on the new version: {err}"]})
            continue
        moved.append(row.case_no)
    return {"to_version": version.key, "moved": moved, "skipped": skipped}
