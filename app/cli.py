"""Command-line interface: `flask --app app users|demo ...`. Each command commits once, at the end."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.models import ROLES, AuthEvent, User
from app.auth.service import create_user, get_user, set_password
from app.auth.tokens import issue_token, list_tokens, revoke
from app.demo.loader import DEMO_USERS, load_demo
from app.errors import ApiError
from app.extensions import db

users_cli = AppGroup("users", help="Users and API tokens.")
demo_cli = AppGroup("demo", help="Reference and demo data.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="Role (repeat for several).")
@click.option("--team", "teams", multiple=True, help="Team code (repeat for several).")
@click.option("--password", default=None, help="Password for signing in to the web pages.")
@click.option("--display-name", default=None)
@click.option("--qualification", "qualifications", multiple=True, metavar="CODE[:CERTIFICATE]",
              help="social_worker, counsellor, labour_coordinator or mediator, with its certificate number "
                   "(repeat for several).")
@click.option("--leads", multiple=True, help="A team of --team this user leads (repeat for several).")
def users_create(name: str, roles: tuple[str, ...], teams: tuple[str, ...], password: str | None,
                 display_name: str | None, qualifications: tuple[str, ...], leads: tuple[str, ...]) -> None:
    """Create a user (or add roles, teams and qualifications to an existing one)."""
    held = {code: (certificate or None) for code, _sep, certificate in (q.partition(":") for q in qualifications)}
    try:
        user = create_user(name, list(roles), list(teams), password=password, display_name=display_name,
                           qualifications=held, leads=list(leads))
    except ApiError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"user {user.username}: roles {user.roles}; teams {', '.join(teams) or '-'}")


def _user(name: str) -> User:
    user = get_user(name)
    if user is None:
        raise click.ClickException(f"no user {name}; create it with `flask --app app users create`")
    return user


@users_cli.command("token")
@click.argument("name")
@click.option("--label", default=None, help="What the token is for (shown in audits).")
@click.option("--days", default=None, type=click.IntRange(1, 3650),
              help="Lifetime in days (default TOKEN_DAYS, 90).")
def users_token(name: str, label: str | None, days: int | None) -> None:
    """Print a new bearer token for NAME."""
    user = _user(name)
    token, _row = issue_token(user, label, days=days or current_app.config["TOKEN_DAYS"])
    db.session.commit()
    # Only the token: scripts take the whole output (`users tokens NAME` lists ids and expiry).
    click.echo(token)


@users_cli.command("revoke")
@click.argument("target")
def users_revoke(target: str) -> None:
    """Revoke a token by its id, or every token of a user by user name; refused on the very next request."""
    try:
        ids = revoke(target, actor="cli")
    except ApiError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"revoked {len(ids)} token(s): {', '.join(map(str, ids)) or '-'}")


@users_cli.command("tokens")
@click.argument("name")
def users_tokens(name: str) -> None:
    """List NAME's tokens: id, label, created, expires, revoked."""
    for row in list_tokens(_user(name)):
        state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "live"
        expires = f"{row.expires_at:%Y-%m-%d}" if row.expires_at else "never"
        click.echo(f"{row.id:>6}  {row.label or '-':<20} created {row.created_at:%Y-%m-%d}  expires {expires}  {state}")


@users_cli.command("password")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_password(name: str, password: str) -> None:
    """Set NAME's password (the policy applies); every signed-in session of NAME ends."""
    try:
        set_password(_user(name), password, actor="cli")
    except ApiError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"password of {name} changed; their sessions have ended")


@users_cli.command("audit")
@click.argument("name", required=False)
@click.option("--limit", default=50, type=click.IntRange(1, 10_000))
def users_audit(name: str | None, limit: int) -> None:
    """The sign-in and token trail, newest first (of NAME, or everyone)."""
    query = select(AuthEvent).order_by(AuthEvent.id.desc()).limit(limit)
    if name:
        query = query.where(AuthEvent.username == name)
    for ev in db.session.execute(query).scalars():
        click.echo(f"{ev.at:%Y-%m-%d %H:%M:%S}Z  {ev.kind:<16} {ev.username or '-':<16} {ev.address or '-':<15} "
                   f"{'token ' + str(ev.token_id) if ev.token_id else ''} {ev.detail or ''}".rstrip())


@demo_cli.command("load")
@click.option("--no-users", is_flag=True, help="Townships, teams and diagrams only.")
def demo_load(no_users: bool) -> None:
    """Put the Jiaxing townships, the teams, the shipped diagrams and demo users into the database."""
    counts = load_demo(current_app.config["PROCESSES_DIR"], with_users=not no_users)
    db.session.commit()
    click.echo(f"townships added: {counts['townships']}, teams added: {counts['teams']}")
    if not no_users:
        click.echo(f"demo users (password for all: {DEMO_USERS[0].password}):")
        for demo in DEMO_USERS:
            click.echo(f"  {demo.username:<14} {','.join(demo.roles):<12} {','.join(demo.teams) or '-':<40} "
                       f"{demo.display_name}")


@demo_cli.command("replay")
@click.option("--cases", default=102_000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3660))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--end", default=None, help="The replay's last instant, ISO 8601 with offset (default: now).")
@click.option("--truth", "truth", default=None, type=click.Path(dir_okay=False, writable=True),
              help="Write the figures the reports must show, as JSON of the reports' shape.")
@click.option("--force", is_flag=True, help="Replay into a database that holds cases already (the expectations then "
                                             "count the replayed cases only, and the reports will differ from them).")
def demo_replay(cases: int, days: int, seed: int, end: str | None, truth: str | None, force: bool) -> None:
    """Drive a generated year (or CASES over DAYS) through the service, with the clock moved and the timers swept.

    Replay into a database no timer worker is sweeping: the replay sweeps its own moved clock."""
    from pathlib import Path

    from app.demo.replay.run import NotEmpty, replay
    from app.engine import clock
    from app.moments import parse

    until = parse(end) if end else clock.now()
    if until is None or until.tzinfo is None:
        raise click.BadParameter("give a time with an offset, e.g. 2026-12-01T00:00:00+08:00", param_hint="--end")
    try:
        done = replay(current_app.config["PROCESSES_DIR"], cases=cases, days=days, seed=seed, end=until,
                      truth_path=Path(truth) if truth else None, force=force)
    except NotEmpty as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"replayed {len(done.log.cases)} cases over {days} days in {done.seconds:.1f} s "
               f"({len(done.log.cases) / max(done.seconds, 1e-9):.1f} cases/s); sweeps: {len(done.log.ticks)}; "
               f"failed actions: {len(done.log.failures)}")
    for failure in done.log.failures[:20]:
        click.echo(f"  {failure}", err=True)
    if truth:
        click.echo(f"expected figures written to {truth}")


@demo_cli.command("roster")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--members", default=1400, show_default=True, type=click.IntRange(1, 20_000))
@click.option("--bad", default=0, show_default=True, type=click.IntRange(0, 1000),
              help="Rows with a problem each (unknown team, duplicate user name, bad phone, unknown qualification).")
@click.option("--seed", default=2026, show_default=True, type=int)
def demo_roster(path: str, members: int, bad: int, seed: int) -> None:
    """Write a generated roster of the township and specialised teams to PATH (.xlsx or .csv) for /admin's import."""
    from pathlib import Path

    from app.demo.rosters import generate
    from app.routing.models import Team

    teams = list(db.session.execute(select(Team.code).where(Team.kind.in_(("township", "specialised")),
                                                              Team.active.is_(True)).order_by(Team.kind.desc(),
                                                                                              Team.code)).scalars())
    if not teams:
        raise click.ClickException("no teams yet: run `flask --app app demo load` first")
    roster = generate(teams[:87], members, bad, seed)
    target = Path(path)
    target.write_bytes(roster.xlsx_bytes() if target.suffix.lower() == ".xlsx" else roster.csv_bytes())
    click.echo(f"{members} members of {min(len(teams), 87)} teams written to {path}"
               + (f"; bad rows: {', '.join(str(r) for r, _c in roster.expected)}" if bad else ""))


processes_cli = AppGroup("processes", help="Process versions.")


@processes_cli.command("deploy")
@click.option("--dir", "directory", default=None, help="A folder of BPMN, DMN and form files (default: processes/).")
def processes_deploy(directory: str | None) -> None:
    """Deploy the shipped diagrams (or DIR's) as the current version; the same content again changes nothing."""
    from app.designer.service import deploy_shipped
    from app.engine import BundleInvalid

    try:
        version, created = deploy_shipped(directory or current_app.config["PROCESSES_DIR"])
    except BundleInvalid as err:
        db.session.rollback()
        for problem in err.problems:
            click.echo(f"{problem.file}:{problem.line or '-'} {problem.element_id or ''} {problem.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"{'deployed' if created else 'already deployed'}: {version.process_id} {version.key[:12]}")


def register_cli(app: Flask) -> None:
    from app.notify.cli import notify_cli
    from app.ops.cli import register_ops_cli
    from app.routing.suggestions.cli import suggestions_cli
    from app.timers.cli import timers_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(timers_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(processes_cli)
    app.cli.add_command(suggestions_cli)
    register_ops_cli(app)
