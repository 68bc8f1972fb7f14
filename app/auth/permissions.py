"""Permissions on the route: every view names the one policy function that lets a caller in, and this module
checks it before the view runs (401 or a sign-in redirect for nobody, 403 for a role without it). Services
may still refuse on the row (another team's item is 404), but no route relies on a staff role alone for what
a role should not do. The url_map test walks every route and reads the name back from ``view.permission``."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _

from app.auth.principal import Principal
from app.auth.request import current_principal, via_session
from app.errors import ApiError, Forbidden
from app.extensions import login_manager
from app.web import session_principal

Rule = Callable[[Principal], bool]
View = TypeVar("View", bound=Callable[..., Any])
PUBLIC = "public"
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout"})
# Routes registered by libraries, open to anyone: the API document and static files.
LIBRARY_ENDPOINTS = frozenset({"static", "api-docs.openapi_json", "api-docs.openapi_redoc",
                               "api-docs.openapi_swagger_ui", "api-docs.openapi_rapidoc"})


def _named(view: View, name: str) -> View:
    view.permission = name  # type: ignore[attr-defined]
    return view


def api(rule: Rule, conceal: Callable[..., None] | None = None) -> Callable[[View], View]:
    """A JSON route: a token or a signed-in session, holding the rule. ``conceal(principal, **path_args)``
    runs first for a caller without it and raises 404 for an object they may not see, so that a refusal
    does not tell another team's work item from a missing one."""
    def wrap(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                raise ApiError(401, "sign in or send 'Authorization: Bearer <token>'")
            # A token is a credential of its own; a session signed in with a reset password is not one yet.
            if principal.must_change_password and via_session():
                raise ApiError(403, "change your password first (an administrator reset it)",
                               code="password_change_required")
            if not rule(principal):
                if conceal is not None:
                    conceal(principal, **kwargs)
                raise Forbidden(f"this needs the permission {rule.__name__}")
            return view(*args, **kwargs)

        return _named(cast(View, guarded), rule.__name__)
    return wrap


def page(rule: Rule) -> Callable[[View], View]:
    """A page: a signed-in session (else the sign-in page), holding the rule (else 403)."""
    def wrap(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            principal = session_principal()
            if principal is None:
                return login_manager.unauthorized()
            if principal.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
                # An administrator reset the password: the temporary one opens the password page and nothing else.
                return redirect(url_for("auth.change_password"))
            if not rule(principal):
                abort(403, _("Your role may not open this page."))
            g.principal = principal
            return view(*args, **kwargs)

        return _named(cast(View, guarded), rule.__name__)
    return wrap


def public(view: View) -> View:
    """Open to anyone (the sign-in page)."""
    return _named(view, PUBLIC)


def caller() -> Principal:
    """The principal the route's permission admitted."""
    principal = current_principal()
    if principal is None:
        raise ApiError(401, "sign in or send 'Authorization: Bearer <token>'")
    return principal
