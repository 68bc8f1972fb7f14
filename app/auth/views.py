from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.auth.service import check_password, get_user, principal_for
from app.web import WebUser

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=256)])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after sign-in is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("tasks.queue_page")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = get_user(form.username.data.strip())
        principal = principal_for(user.id) if user is not None else None
        if user is not None and principal is not None and check_password(user.password_hash, form.password.data):
            login_user(WebUser(principal))
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong user name or password.")
    elif request.method == "POST":
        error = _("Enter your user name and password.")
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)  # type: ignore[return-value]


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    return redirect(url_for("auth.login"))
