"""/open311/v2/: Open311 GeoReport v2 — discovery, services, service definitions, requests (GET and POST),
a request by id and tokens, each as .json or .xml. Anyone may read; posting takes an intake token as api_key."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, request, url_for

from app.auth import permissions
from app.errors import ApiError
from app.extensions import db
from app.open311 import render, service
from app.open311.service import Refused

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FMT = "<any(json, xml):fmt>"


def spoken(view: Callable[..., Response]) -> Callable[..., Response]:
    """Refusals as the spec's error list, in the format the path asks for; the jurisdiction checked first."""
    @wraps(view)
    def answer(*args: Any, fmt: str, **kwargs: Any) -> Response:
        try:
            if request.method == "GET":
                service.check_jurisdiction(request.args.get("jurisdiction_id"))
            return view(*args, fmt=fmt, **kwargs)
        except Refused as refused:
            db.session.rollback()
            return render.errors(fmt, refused.status, refused.description)
        except ApiError as err:  # the intake's own refusals (a conflict, a role): the same error list
            db.session.rollback()
            return render.errors(fmt, 400 if err.status == 422 else err.status, err.message)
    return answer


@bp.route(f"/discovery.{FMT}")
@permissions.public
@spoken
def discovery(fmt: str) -> Response:
    return render.answer(fmt, "discovery", service.discovery(url_for("open311.services_list", fmt="json",
                                                                         _external=True).rsplit("/", 1)[0]))


@bp.route(f"/services.{FMT}")
@permissions.public
@spoken
def services_list(fmt: str) -> Response:
    return render.answer(fmt, "services", service.services())


@bp.route(f"/services/<code>.{FMT}")
@permissions.public
@spoken
def service_definition(code: str, fmt: str) -> Response:
    return render.answer(fmt, "service_definition", service.definition(code))


@bp.route(f"/requests.{FMT}", methods=["GET", "POST"])
@permissions.public  # a POST is admitted by its api_key (an intake token), checked in service.post
@spoken
def requests_list(fmt: str) -> Response:
    if request.method == "GET":
        return render.answer(fmt, "service_requests", service.requests(request.args.to_dict(flat=True)))
    posted = service.post(request.form.to_dict(flat=True))
    db.session.commit()
    return render.answer(fmt, "service_requests", posted.body, 201 if posted.created else 200)


@bp.route(f"/requests/<request_id>.{FMT}")
@permissions.public
@spoken
def request_one(request_id: str, fmt: str) -> Response:
    return render.answer(fmt, "service_requests", service.one_request(request_id))


@bp.route(f"/tokens/<token_id>.{FMT}")
@permissions.public
@spoken
def token(token_id: str, fmt: str) -> Response:
    return render.answer(fmt, "service_requests", service.token(token_id))
