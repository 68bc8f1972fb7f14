from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import policy
from app.auth.principal import Principal
from app.auth.request import require_staff
from app.cases.present import iso
from app.designer import migration, service
from app.designer.diff import diff_versions
from app.designer.models import ProcessVersion
from app.errors import ApiError, Forbidden, NotFound
from app.extensions import db
from app.http import json_body

blp = Blueprint("api_processes", __name__, url_prefix="/api/v1", description="Process versions (流程版本)")


def _designer() -> Principal:
    principal = require_staff()
    if not (policy.can_design(principal) or policy.can_supervise(principal)):
        raise Forbidden("process versions are for designers and supervisors")
    return principal


def _version(v: ProcessVersion, current_key: str | None) -> dict[str, Any]:
    return {"key": v.key, "process_id": v.process_id, "author": v.author, "note": v.note,
            "created_at": iso(v.created_at), "deployed_at": iso(v.deployed_at), "deployed_by": v.deployed_by,
            "files": sorted(v.files), "current": v.key == current_key}


def _uploads() -> dict[str, bytes]:
    files = request.files.getlist("files")
    if not files:
        raise ApiError(422, "send the files as multipart/form-data, each in a field named 'files'",
                       code="validation_failed", fields={"files": ["required"]})
    out: dict[str, bytes] = {}
    for upload in files:
        # Browsers send base names; where a file lives in the bundle is decided by merge_upload.
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        out[name or "unnamed"] = upload.read()
    return out


@blp.route("/processes")
class Processes(MethodView):
    def get(self) -> Any:
        _designer()
        versions = service.list_versions()
        current = service.current_version()
        items = [_version(v, current.key if current else None) for v in versions]
        return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}

    def post(self) -> Any:
        principal = _designer()
        if not policy.can_design(principal):
            raise Forbidden("deploying needs the designer role")
        uploads = _uploads()
        base, base_key = service.base_for(uploads)
        files = service.merge_upload(uploads, base)
        dry_run = request.args.get("dry_run") in ("1", "true") or request.form.get("dry_run") in ("1", "true")
        note = (request.form.get("note") or "").strip()[:2000] or None
        version, created, problems = service.deploy(files, principal.username, note, dry_run=dry_run)
        if problems:
            return {"error": {"code": "invalid_bundle", "message": f"{len(problems)} problem(s); nothing was deployed",
                              "fields": {}}, "problems": [p.as_dict() for p in problems],
                    "base_version": base_key}, 422
        if version is None:
            return {"valid": True, "base_version": base_key, "files": sorted(files)}, 200
        db.session.commit()
        body = _version(version, version.key)
        body.update(created=created, base_version=base_key)
        return body, (201 if created else 200)


@blp.route("/processes/<string:key>")
class Version(MethodView):
    def get(self, key: str) -> Any:
        _designer()
        version = service.get_version(key)
        current = service.current_version(version.process_id)
        return _version(version, current.key if current else None)


@blp.route("/processes/<string:key>/files/<path:name>")
class VersionFile(MethodView):
    def get(self, key: str, name: str) -> Any:
        _designer()
        version = service.get_version(key)
        if name not in version.files:
            raise NotFound(f"no file {name} in version {version.key[:12]}")
        mimetype = "application/json" if name.endswith(".json") else "application/xml"
        return Response(version.files[name].encode("utf-8"), mimetype=mimetype,
                        headers={"Content-Disposition": f"attachment; filename={name.rsplit('/', 1)[-1]}"})


@blp.route("/processes/<string:key>/diff/<string:other>")
class VersionDiff(MethodView):
    def get(self, key: str, other: str) -> Any:
        _designer()
        old, new = service.get_version(other), service.get_version(key)
        out = diff_versions(service.version_files(old), service.version_files(new))
        out.update(old=old.key, new=new.key)
        return out


@blp.route("/processes/<string:key>/migration")
class Migration(MethodView):
    def get(self, key: str) -> Any:
        _designer()
        return migration.preview(key, request.args.get("from") or None)

    def post(self, key: str) -> Any:
        principal = _designer()
        if not policy.can_design(principal):
            raise Forbidden("moving cases needs the designer role")
        body = json_body() if request.get_data(cache=True).strip() else {}
        if not isinstance(body, dict):
            raise ApiError(422, "send a JSON object", code="validation_failed", fields={"_body": ["must be an object"]})
        case_nos = body.get("case_nos")
        if case_nos is not None and not (isinstance(case_nos, list) and all(isinstance(c, str) for c in case_nos)):
            raise ApiError(422, "case_nos must be a list of case numbers", code="validation_failed",
                           fields={"case_nos": ["must be a list of strings"]})
        from_key = body.get("from") if isinstance(body.get("from"), str) else None
        out = migration.migrate(principal, key, from_key, case_nos)
        db.session.commit()
        return out
