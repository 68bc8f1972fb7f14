"""The server-rendered side: sessions, CSRF, language and time zone for the pages."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, has_request_context, request, session
from flask_babel import format_datetime, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import UserMixin, current_user
from sqlalchemy import select

from app import moments
from app.auth import sessions
from app.auth.models import User
from app.auth.principal import Principal
from app.cases import identification
from app.cases.timeline import channel_names
from app.engine import clock
from app.errors import ApiError
from app.extensions import babel, csrf, db, login_manager
from app.moments import SHANGHAI, local_iso
from app.routing.models import Team

LANGUAGES = ("zh_CN", "en")


class WebUser(UserMixin):
    """The signed-in user of a page; get_id is the session's random id (what Flask-Login keeps in the cookie)."""

    def __init__(self, principal: Principal, session_token: str) -> None:
        self.principal = principal
        self.session_token = session_token

    def get_id(self) -> str:
        return self.session_token


def _load_user(session_token: object) -> WebUser | None:
    # Whatever a cookie says (an int from a forged or old cookie included) is only a key to look up.
    if not isinstance(session_token, str):
        return None
    principal = sessions.resolve(session_token)
    return WebUser(principal, session_token) if principal is not None else None


def safe_local_path(target: str | None, default: str) -> str:
    """Only same-site paths (an open redirect is a phishing tool). Browsers drop tabs and newlines from
    URLs, so "/\t/evil.example" would become "//evil.example": any control character or white space,
    a backslash, or a second leading slash means the default."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target)
            or urlsplit(target).netloc):
        return default
    return target


def select_locale() -> str:
    if not has_request_context():
        return "zh_CN"  # a command (the replay, the sweep) speaks the default language
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "zh_CN"


def session_principal() -> Principal | None:
    if current_user.is_authenticated:
        return current_user.principal  # type: ignore[no-any-return]
    return None


def role_names() -> dict[str, str]:
    return {"intake": _("intake"), "dispatcher": _("dispatcher"), "caseworker": _("caseworker"),
            "court": _("court"), "callback": _("callback"), "supervisor": _("supervisor"),
            "designer": _("designer"), "expert": _("expert"), "monitor": _("monitor"),
            "admin": _("admin")}


def qualification_names() -> dict[str, str]:
    return {"social_worker": _("social worker"), "counsellor": _("counsellor"),
            "labour_coordinator": _("labour-relations coordinator"), "mediator": _("people's mediator")}


def team_kind_names() -> dict[str, str]:
    return {"township": _("township team"), "specialised": _("specialised team"), "department": _("department"),
            "dispatch": _("dispatch centre"), "court": _("court"), "callback": _("callback centre"),
            "supervision": _("supervision centre")}


def load_label(held: Any) -> str:
    """What a picker shows beside a name: the steps the person holds now, and how many are overdue."""
    if held is None or not held.open:
        return str(_(" (free)"))
    return str(_(" (%(n)d held, %(late)d overdue)", n=held.open, late=held.overdue))


def status_names() -> dict[str, str]:
    return {"open": _("awaiting routing"), "in_progress": _("being handled"), "mediation": _("in mediation"),
            "judicial_confirmation": _("judicial confirmation"), "callback": _("callback"), "closed": _("closed"),
            "returned_to_police": _("returned to police")}


def when(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A time as pages write it, in Asia/Shanghai."""
    return format_datetime(value, fmt) if value is not None else ""


def person(username: str | None) -> str:
    """A person's name for a page (pages show names, not usernames); all names are read once per request."""
    if not username:
        return ""
    operations = {"check --repair": _("the consistency check"), "retention": _("data retention")}
    if username in operations:
        return str(operations[username])  # the service's own commands, not a person
    if "person_names" not in g:
        g.person_names = dict(db.session.execute(select(User.username, User.display_name)).all())
    name: str = g.person_names.get(username) or username
    return name


def team_names(principal: Principal | None) -> list[str]:
    if principal is None or not principal.teams:
        return []
    if "team_names" not in g:
        g.team_names = list(db.session.execute(select(Team.name).where(Team.code.in_(principal.teams))
                                               .order_by(Team.name)).scalars())
    return g.team_names  # type: ignore[no-any-return]


def init_web(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: SHANGHAI.key)

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        principal = session_principal()
        return {"when": when, "iso": local_iso, "current_locale": str(get_locale()), "principal": principal,
                "role_names": role_names(), "team_names": team_names(principal), "status_names": status_names(),
                "qualification_names": qualification_names(), "team_kind_names": team_kind_names(),
                "channel_names": channel_names(), "person": person,
                "decided_labels": identification.decided_labels(), "decided_value": identification.decided_value}

    # A global, not a context variable: the form-field macros are imported without the page's context.
    app.jinja_env.globals["how_long"] = lambda seconds: format_timedelta(timedelta(seconds=seconds or 0),
                                                                          threshold=1.5, add_direction=False)
    app.jinja_env.globals["load_label"] = load_label
    app.jinja_env.globals["local_now"] = lambda fmt="yyyy-MM-dd HH:mm": format_datetime(clock.now(), fmt)

    @app.template_filter("localtime")
    def _localtime(value: str | None) -> str:
        """An RFC 3339 text (as answers and stored data keep times) in the page's time zone."""
        when = moments.parse(value or "")
        return format_datetime(when, "yyyy-MM-dd HH:mm") if when is not None else (value or "")

    @app.before_request
    def _remember_lang() -> None:
        g.lang = select_locale()


def page_message(err: ApiError) -> str:
    """An API refusal as a page says it: in the page's language, with names rather than codes. The API's
    own message (English, for integrators) is the last resort."""
    by_code = {
        "claimed": _("Someone else has claimed this step; ask them or a supervisor to release it."),
        "not_open": _("This step is done or closed already; nothing left to do here."),
        "case_changed": _("The case changed meanwhile; reload the page and try again."),
        "step_closed": _("The escalated step is not waiting any more; close the escalation with a reminder."),
        "already_linked": _("This case is linked to its primary already."),
        "case_closed": _("Only an open case can be linked as a duplicate."),
        "carries_duplicates": _("This case carries duplicates of its own: link the other case to this one instead."),
        "file_type": _("Only photos (JPEG, PNG, WebP) and PDF documents can be added; this file is something else, "
                       "whatever its name says."),
        "file_damaged": _("The file is damaged or incomplete; take the photo again or send the whole document."),
        "file_name": _("The file's name may not contain a folder or a path (/, \\ or ..); rename it."),
        "file_size": _("The file is too large."),
    }
    if err.code in by_code:
        return str(by_code[err.code])
    if err.status == 403:
        return str(_("Your role may not do this."))
    if err.status == 404:
        return str(_("Not found, or not one of your teams'."))
    by_field = {
        "due_at": _("Give a new limit: a date and time later than now and than the current limit."),
        "team": _("Choose a team of the kind this step needs."),
        "target": _("Choose a team or a person."),
        "username": _("Choose an active member of the step's team who may decide it."),
        "note": _("Write what the reminder says."),
        "primary": _("Give the number of the primary case: another case, not itself a duplicate."),
        "video_url": _("Give the video call's web address (starting with http:// or https://)."),
        "action": _("A court's step is decided by the court: remind, extend or move it to another court instead."),
    }
    found = [str(by_field[f]) for f in (err.fields or {}) if f in by_field]
    return " ".join(found) if found else err.message
