from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.auth import audit, permissions, policy, sessions
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.service import check_password, get_user, principals, set_password
from app.errors import Invalid
from app.extensions import db, limiter
from app.web import WebUser, safe_local_path

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=256)])


def _safe_next(target: str | None) -> str:
    return safe_local_path(target, url_for("tasks.queue_page"))


def _account_key() -> str:
    return "login-account:" + (request.form.get("username") or "").strip().lower()[:64]


def _failed(response: BaseResponse) -> bool:
    # Only failed attempts count towards the limits: a caseworker signing in often is never throttled.
    return response.status_code != 302


def _sign_in(user: User, principal: Principal) -> None:
    """A new database session for this browser, committed, and a fresh cookie: nothing planted before
    it carries over."""
    token = sessions.start(user, current_app.config["WEB_SESSION_HOURS"])
    db.session.commit()
    session.clear()
    login_user(WebUser(principal, token))


def _clear_account_count() -> None:
    for applied in limiter.current_limits:
        if "login-account" in applied.key:
            limiter.limiter.clear(applied.limit, *applied.request_args)


def _locked(limit: RequestLimit) -> Response:
    """A throttled attempt: the same page for known and unknown names, the password is not even checked."""
    audit.later("login.locked", username=(request.form.get("username") or "").strip()[:64] or None,
                detail=f"limit {limit.limit}")
    retry = max(1, int(limit.window.reset_time - time.time()))
    page = render_template("auth/login.html", form=LoginForm(), error=_(
        "Too many failed sign-ins. Try again in %(minutes)s minutes.", minutes=max(1, -(-retry // 60))))
    return Response(page, status=429, headers={"Retry-After": str(retry)}, mimetype="text/html")


@bp.route("/login", methods=["GET", "POST"])
@permissions.public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed,
               on_breach=_locked, scope="login-address")
# Per account every attempt counts the moment it arrives (an atomic hit, so a burst of parallel guesses
# gets no more than the limit) and a successful sign-in clears the count: N failures in a row lock.
# Per address only failures count, so an office behind one address is not locked out by its own sign-ins.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_account_key,
               on_breach=_locked, scope="login-account")
def login() -> str | BaseResponse:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        name = form.username.data.strip()
        user = get_user(name)
        # check_password runs for unknown names too (against a dummy hash): the answer takes as long.
        good = check_password(user.password_hash if user is not None else None, form.password.data)
        principal = principals.get(user.id, user.auth_version) if user is not None and good else None
        if user is not None and principal is not None:
            _sign_in(user, principal)
            _clear_account_count()
            if principal.must_change_password:
                flash(_("An administrator reset your password. Choose your own before you go on."), "info")
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
        audit.later("login.failed", username=name[:64], user_id=user.id if user is not None else None,
                    detail="unknown user" if user is None else ("inactive" if good else "wrong password"))
        error = _("Wrong user name or password.")
    elif request.method == "POST":
        error = _("Enter your user name and password.")
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)  # type: ignore[return-value]


class PasswordForm(FlaskForm):
    current = PasswordField("current", validators=[DataRequired(), Length(max=256)])
    new = PasswordField("new", validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField("confirm", validators=[DataRequired(), Length(max=256)])


def _user_key() -> str:
    # The person, not the session: signing in again gives no fresh attempts.
    return f"password-change:{current_user.principal.user_id if current_user.is_authenticated else '-'}"


def _password_throttled(limit: RequestLimit) -> Response:
    audit.later("password.locked", username=current_user.principal.username, user_id=current_user.principal.user_id)
    page = render_template("auth/password.html", form=PasswordForm(), errors={"current": [_(
        "Too many wrong attempts. Try again later.")]})
    return Response(page, status=429, mimetype="text/html")


@bp.route("/account/password", methods=["GET", "POST"])
@permissions.page(policy.signed_in)
# Every attempt counts the moment it arrives (atomic: parallel guesses get no more than the limit).
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_user_key,
               on_breach=_password_throttled, scope="password-change")
def change_password() -> str | BaseResponse:
    """Change one's own password: every session of the user ends (copied cookies included), and this
    browser continues in a fresh one."""
    form = PasswordForm()
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        principal = current_user.principal
        user = get_user(principal.username)
        if user is None or not check_password(user.password_hash, form.current.data):
            errors["current"] = [_("The current password is wrong.")]
        elif form.new.data != form.confirm.data:
            errors["confirm"] = [_("The two new passwords differ.")]
        else:
            try:
                set_password(user, form.new.data)
            except Invalid as err:
                errors["new"] = err.fields.get("password", [err.message])
            else:
                _sign_in(user, principals.get(user.id, user.auth_version) or principal)
                flash(_("Password changed. Every other signed-in session has ended."), "ok")
                return redirect(url_for("tasks.queue_page"))
        db.session.rollback()
        if "current" in errors:
            audit.later("password.failed", username=principal.username, user_id=principal.user_id)
    elif request.method == "POST":
        errors["_form"] = [_("Fill in all three fields.")]
    status = 422 if errors else 200
    return render_template("auth/password.html", form=form, errors=errors), status  # type: ignore[return-value]


@bp.post("/logout")
@permissions.public
def logout() -> BaseResponse:
    if current_user.is_authenticated:
        sessions.end(current_user.session_token, current_user.principal)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
