"""Browser libraries installed from npm (package.json) and served by the app itself: no CDN at run time."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.wrappers import Response

from app.auth.permissions import public

bp = Blueprint("vendor", __name__)
PACKAGES = {"bpmn-js": "bpmn-js/dist", "dmn-js": "dmn-js/dist", "echarts": "echarts/dist"}


def available(package: str) -> bool:
    return (Path(current_app.config["NODE_MODULES"]) / PACKAGES[package]).is_dir()


@bp.get("/vendor/<package>/<path:filename>")
@public
def asset(package: str, filename: str) -> Response:
    if package not in PACKAGES:
        abort(404)
    root = Path(current_app.config["NODE_MODULES"]) / PACKAGES[package]
    return send_from_directory(root, filename, max_age=86_400)
