"""Command-line interface: `flask --app app users|demo ...`. Each command commits once, at the end."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth.models import ROLES
from app.auth.service import create_user, get_user
from app.auth.tokens import issue_token
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
def users_create(name: str, roles: tuple[str, ...], teams: tuple[str, ...], password: str | None,
                 display_name: str | None) -> None:
    """Create a user (or add roles and teams to an existing one)."""
    try:
        user = create_user(name, list(roles), list(teams), password=password, display_name=display_name)
    except ApiError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"user {user.username}: roles {user.roles}; teams {', '.join(teams) or '-'}")


@users_cli.command("token")
@click.argument("name")
@click.option("--label", default=None, help="What the token is for (shown in audits).")
def users_token(name: str, label: str | None) -> None:
    """Print a new bearer token for NAME."""
    user = get_user(name)
    if user is None:
        raise click.ClickException(f"no user {name}; create it with `flask --app app users create`")
    token = issue_token(user, label)
    db.session.commit()
    click.echo(token)


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


def register_cli(app: Flask) -> None:
    from app.timers.cli import timers_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(timers_cli)
