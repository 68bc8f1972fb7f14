"""`flask --app app check [--repair]`, `backup PATH`, `restore PATH` and `retention --older-than 3y`."""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.casework import operations
from app.casework.models import WorkItem
from app.engine import clock
from app.extensions import db
from app.ops import retention
from app.ops.backup import BackupError, backup, restore
from app.ops.check import Checked, Finding, check


@click.command("check")
@click.option("--repair", is_flag=True, help="Write again what the workflow state implies (status, timer index, "
                                             "work items), one transaction and one audit event per case.")
@click.option("--case", "case_no", default=None, help="Check one case only.")
@with_appcontext
def check_command(repair: bool, case_no: str | None) -> None:
    """Check that every case's stored status, work items, timer and timeline agree with its workflow state.

    Prints one line per finding and exits 1 when any remains."""
    tally = Checked()
    findings = list(check(case_no=case_no, checked=tally))
    for f in findings:
        click.echo(f"{f.case_no}  {f.kind:<12} {f.message}{'' if f.repairable else '  (needs a person)'}")
    remaining = len(findings)
    if repair and findings:
        remaining = _repair(findings)
    click.echo(f"checked {tally.cases} case(s): {len(findings)} finding(s)"
               + (f", {len(findings) - remaining} repaired, {remaining} remaining" if repair else ""))
    if remaining:
        raise SystemExit(1)


def _repair(findings: list[Finding]) -> int:
    by_case: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        by_case[f.case_id].append(f)
    remaining = 0
    items_t = WorkItem.__table__
    for case_id, found in by_case.items():
        if not all(f.repairable for f in found):  # a parked timer, say, waits for a person: the case is left as is
            remaining += len(found)
            continue
        stored = {r.task_id: (r.id, r.state) for r in db.session.execute(
            select(items_t.c.id, items_t.c.task_id, items_t.c.state).where(items_t.c.case_id == case_id))}
        operations.repair(case_id, stored, [f"{f.kind}: {f.message}" for f in found], "check --repair",
                          clock.now())
        db.session.commit()
        left = list(check(case_no=found[0].case_no))
        for f in left:
            click.echo(f"{f.case_no}  still {f.kind}: {f.message}", err=True)
        remaining += len(left)
        click.echo(f"{found[0].case_no}  repaired ({len(found)} finding(s))")
    return remaining


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the whole database to PATH, safe while the service runs."""
    try:
        done = backup(path)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"backup of the {done.kind} database written to {done.path} ({done.bytes:,} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask (scripts).")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup at PATH. Stop the web processes and workers first."""
    if not yes and sys.stdin.isatty():
        click.confirm(f"Replace everything in the database with {path}?", abort=True)
    try:
        done = restore(path)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{done.kind} database restored from {done.path}; run `flask --app app db upgrade` if the backup "
               f"is older than this release, then `flask --app app check`")


@click.command("retention")
@click.option("--older-than", "age", default="3y", show_default=True,
              help="Anonymise cases that ended longer ago than this (3y, 36m, 1095d).")
@click.option("--apply", is_flag=True, help="Anonymise; without it, a dry run that only counts and lists.")
@with_appcontext
def retention_command(age: str, apply: bool) -> None:
    """Anonymise ended cases older than --older-than: reporter, address, typed text, evidence files; the figures
    the reports count stay. A dry run unless --apply; every run is in the audit trail (`users audit`)."""
    try:
        done = retention.run(age, clock.now(), apply=apply,
                             key=str(current_app.config.get("RETENTION_KEY") or current_app.config["SECRET_KEY"]))
    except retention.BadAge as err:
        raise click.BadParameter(str(err), param_hint="--older-than") from None
    click.echo(f"cases ended before {done.cutoff:%Y-%m-%d %H:%M} UTC and not yet anonymised: {done.due}")
    for case_no in done.first:
        click.echo(f"  {case_no}")
    if done.due > len(done.first):
        click.echo(f"  … and {done.due - len(done.first)} more")
    if apply:
        click.echo(f"anonymised {done.anonymised} case(s); {done.files_deleted} evidence file(s) deleted")
    else:
        click.echo("dry run: nothing changed (give --apply to anonymise)")


def register_ops_cli(app: Flask) -> None:
    for command in (check_command, backup_command, restore_command, retention_command):
        app.cli.add_command(command)
