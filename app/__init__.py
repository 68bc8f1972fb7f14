"""民声一键办 case service."""
from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, Response, abort, g, request

from app.errors import ApiError, wants_json
from app.extensions import api, db, migrate
from app.http import LARGE_BODIES


def _secret_key(app: Flask) -> None:
    """Sessions are signed with SECRET_KEY: never a value from the sources. Production must set one; a
    development run makes its own, once, in the instance folder."""
    key = app.config.get("SECRET_KEY")
    if key:
        if app.config.get("REQUIRE_SECRET_KEY") and len(str(key)) < 32:
            raise RuntimeError("SECRET_KEY must be at least 32 characters (e.g. python -c "
                               "'import secrets; print(secrets.token_hex(32))')")
        return
    if app.config.get("REQUIRE_SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set: the production configuration refuses to start without it")
    from config import instance_secret_key

    app.config["SECRET_KEY"] = instance_secret_key()


def _refuse(message: str, fields: dict[str, list[str]] | None = None) -> None:
    """A 400 before any view runs: in the contract's shape for the API, Werkzeug's page for the pages."""
    if not wants_json():
        abort(400)
    raise ApiError(400, message, fields=fields)


def create_app(config: Any = None) -> Flask:
    """Build the app: extensions, blueprints, CLI, error handlers. Nothing here touches the database."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config or os.environ.get("APP_CONFIG", "config.Config"))
    _secret_key(app)
    from app.configcheck import check as check_config

    check_config(app.config, production=bool(app.config.get("REQUIRE_SECRET_KEY")))
    from app.database import begin_request, configure_engine, end_request, engine_options

    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))

    from app.http import ID_SCHEMA, USERNAME_SCHEMA, IdConverter, UsernameConverter
    from app.jsonin import StrictJSONProvider

    app.json = StrictJSONProvider(app)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["username"] = UsernameConverter
    db.init_app(app)
    from app.casework.warm import warm

    warm.resize(app.config["WARM_WORKFLOWS"])
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    api.init_app(app)
    api.register_converter(IdConverter, lambda _converter: dict(ID_SCHEMA))
    api.register_converter(UsernameConverter, lambda _converter: dict(USERNAME_SCHEMA))
    from app.apidoc import times_as_documented

    api.ma_plugin.converter.add_attribute_function(times_as_documented)
    with app.app_context():
        configure_engine(app, db.engine)

    from app import models  # noqa: F401  (every table known to Alembic)
    from app.auth.audit import init_audit
    from app.auth.views import bp as auth_pages
    from app.cases.api import blp as cases_blp
    from app.cases.evidence_page import bp as evidence_pages
    from app.cases.experts_api import blp as experts_blp
    from app.cases.intake_page import bp as intake_page
    from app.cases.views import bp as case_pages
    from app.cli import register_cli
    from app.designer.api import blp as processes_blp
    from app.designer.views import bp as designer_pages
    from app.errors import register_error_handlers
    from app.extensions import csrf
    from app.health import bp as health_checks
    from app.notify.api import blp as notifications_blp
    from app.open311.views import bp as open311_door
    from app.ops.monitoring import bp as monitoring
    from app.ops.monitoring import init_monitoring
    from app.people.api import blp as people_blp
    from app.people.views import bp as admin_pages
    from app.public.api import blp as public_blp
    from app.public.views import bp as public_pages
    from app.reports.api import blp as reports_blp
    from app.reports.views import bp as report_pages
    from app.routing.api import blp as teams_blp
    from app.routing.suggestions.api import blp as suggestions_blp
    from app.security import init_security
    from app.tasks.api import blp as tasks_blp
    from app.tasks.views import bp as task_pages
    from app.timers.api import blp as escalations_blp
    from app.timers.views import bp as supervisor_pages
    from app.web import init_web

    # First: its clock and request id cover answers that other hooks give early (a throttled sign-in's 429).
    init_monitoring(app)
    init_security(app)
    init_web(app)
    init_audit(app)
    for blueprint in (cases_blp, tasks_blp, teams_blp, suggestions_blp, processes_blp, escalations_blp, reports_blp,
                      public_blp, notifications_blp, experts_blp, people_blp):
        # Bearer-token clients carry no cookie to forge; session use of the API is checked in auth.request.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    from app.vendor import bp as vendor_assets

    for page in (auth_pages, task_pages, case_pages, intake_page, supervisor_pages, designer_pages, report_pages,
                 public_pages, evidence_pages, admin_pages, health_checks, monitoring, vendor_assets):
        app.register_blueprint(page)
    # The evidence upload checks its CSRF token itself, once its own size limit is set (app/cases/evidence_page.py).
    csrf.exempt("app.cases.evidence_page.upload")
    # Other systems post Open311 requests with an api_key, not from a page of ours: no CSRF token to carry.
    csrf.exempt(open311_door)
    app.register_blueprint(open311_door)
    register_error_handlers(app)
    register_cli(app)

    app.teardown_request(end_request)

    @app.before_request
    def _transaction_mode() -> None:
        begin_request(request.endpoint, request.method)

    @app.after_request
    def _server_timing(response: Response) -> Response:
        # The service's own time per request, for browsers' dev tools and the benchmark.
        # The request's clock is the monitoring's (app/ops/monitoring.py), started before any other hook.
        if "request_started" in g and app.config.get("SERVER_TIMING"):
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.request_started) * 1000:.2f}"
        # Answers carry personal data: no shared or browser cache keeps them (static assets excepted).
        if request.endpoint not in ("static", "vendor.asset"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def _body_limit() -> None:
        # Before anything reads the form (the NUL check below, CSRF): a route's own, larger limit.
        larger = LARGE_BODIES.get(request.endpoint or "")
        if larger is not None:
            request.max_content_length = larger()

    @app.before_request
    def _refuse_nul() -> None:
        # NUL cannot be stored or compared in PostgreSQL text; refuse it at the door, not with a 500.
        if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
            _refuse("NUL characters are not allowed in paths or query strings")
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                             "multipart/form-data"):
            bad = sorted({k or "" for k, v in request.form.items(multi=True)
                          if (isinstance(k, str) and "\x00" in k) or (isinstance(v, str) and "\x00" in v)})
            if bad:
                _refuse("NUL characters are not allowed in form fields",
                        {k.replace("\x00", "") or "_body": ["must not contain NUL"] for k in bad})

    return app
