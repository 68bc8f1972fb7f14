from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.apidoc import READ_ONE, WRITE, BundleProblemsSchema, OpenSchema, operation
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases.schemas import PageSchema
from app.designer import migration, service
from app.designer.diff import diff_versions
from app.errors import ApiError, NotFound
from app.extensions import db
from app.fields import LocalTime, Str
from app.http import json_body, load
from app.versions import service as version_store
from app.versions.models import ProcessVersion

blp = Blueprint("api_processes", __name__, url_prefix="/api/v1", description="Process versions (流程版本)")


class VersionSchema(OpenSchema):
    key = fields.String(required=True)
    process_id = fields.String(required=True)
    author = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = LocalTime(allow_none=True)
    deployed_at = LocalTime(allow_none=True)
    deployed_by = fields.String(allow_none=True)
    files = fields.List(fields.String(), required=True)
    current = fields.Boolean(required=True)
    created = fields.Boolean()
    base_version = fields.String(allow_none=True)


class VersionPageSchema(PageSchema):
    items = fields.List(fields.Nested(VersionSchema), required=True)


class DeployAnswerSchema(VersionSchema):
    """A deployed version (201 new, 200 an existing content made current again), or for a dry run
    {valid: true, base_version, files}: the version's own fields are then absent."""

    key = fields.String()
    process_id = fields.String()
    current = fields.Boolean()
    valid = fields.Boolean()


class DiffChangeSchema(OpenSchema):
    what = fields.String(required=True, metadata={"description": "an attribute, or a path such as script or "
                                                                 "extensionElements.properties.property[team]"})
    old = fields.String(allow_none=True)
    new = fields.String(allow_none=True)


class DiffElementSchema(OpenSchema):
    element_id = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.String(allow_none=True)
    changes = fields.List(fields.Nested(DiffChangeSchema), metadata={"description": "changed elements: old and new"})


class DiffFileSchema(OpenSchema):
    file = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["added", "removed", "changed"]})
    changes = fields.List(fields.Nested(DiffChangeSchema), metadata={"description": "form files: paths changed"})
    added = fields.List(fields.Nested(DiffElementSchema))
    removed = fields.List(fields.Nested(DiffElementSchema))
    changed = fields.List(fields.Nested(DiffElementSchema))


class DiffSchema(OpenSchema):
    old = fields.String(required=True)
    new = fields.String(required=True)
    files = fields.List(fields.Nested(DiffFileSchema), required=True)


class PreviewCaseSchema(OpenSchema):
    case_no = fields.String(required=True)
    status = fields.String(required=True)
    from_version = fields.String(required=True)
    movable = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True)
    changed_steps = fields.List(fields.Raw(), required=True)


class PreviewSchema(OpenSchema):
    to_version = fields.String(required=True)
    movable = fields.Integer(required=True)
    blocked = fields.Integer(required=True)
    cases = fields.List(fields.Nested(PreviewCaseSchema), required=True)


class MigrationResultSchema(OpenSchema):
    to_version = fields.String(required=True)
    moved = fields.List(fields.String(), required=True)
    skipped = fields.List(fields.Dict(), required=True)


class PreviewArgsSchema(OpenSchema):
    from_ = Str(data_key="from", metadata={"description": "only cases on this version"})


class DeployArgsSchema(OpenSchema):
    dry_run = Str(validate=validate.OneOf(("0", "1", "true", "false")),
                  metadata={"description": "1 or true: validate only, deploy nothing"})


class MigrationBodySchema(OpenSchema):
    case_nos = fields.List(Str(validate=validate.Length(max=32)), allow_none=True, validate=validate.Length(max=10_000),
                           metadata={"description": "only these cases (default: all)"})
    from_ = Str(data_key="from", allow_none=True)


UPLOAD = {"type": "object", "required": ["files"], "properties": {
    "files": {"type": "array", "items": {"type": "string", "format": "binary"},
              "description": "BPMN, DMN and JSON form files; a file replaces the current version's file of its name"},
    "note": {"type": "string", "maxLength": 2000},
    "dry_run": {"type": "string", "enum": ["0", "1", "true", "false"]}}}
FILE_ANSWER = {"200": {"description": "the file as stored", "content": {
    "application/xml": {"schema": {"type": "string"}}, "application/json": {"schema": {}}}}}


def _version(v: ProcessVersion, current_key: str | None) -> dict[str, Any]:
    return {"key": v.key, "process_id": v.process_id, "author": v.author, "note": v.note,
            "created_at": v.created_at, "deployed_at": v.deployed_at, "deployed_by": v.deployed_by,
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
    @operation(blp, ok={200: VersionPageSchema}, errors=(*READ_ONE, 400), summary="Process versions, newest first")
    @permissions.api(policy.reads_versions)
    def get(self) -> Any:
        versions = version_store.list_versions()
        current = version_store.current_version()
        items = [_version(v, current.key if current else None) for v in versions]
        return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}

    @operation(blp, ok={201: DeployAnswerSchema, 200: DeployAnswerSchema, 422: BundleProblemsSchema}, errors=WRITE,
               query=DeployArgsSchema, body=UPLOAD, content_type="multipart/form-data",
               summary="Validate and deploy a new version (422 with problems names each file, element and line)")
    @permissions.api(policy.can_design)
    def post(self) -> Any:
        principal = caller()
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
    @operation(blp, ok={200: VersionSchema}, errors=(*READ_ONE, 400), summary="One process version")
    @permissions.api(policy.reads_versions)
    def get(self, key: str) -> Any:
        version = version_store.get_version(key)
        current = version_store.current_version(version.process_id)
        return _version(version, current.key if current else None)


@blp.route("/processes/<string:key>/files/<path:name>")
class VersionFile(MethodView):
    @operation(blp, ok={}, errors=(*READ_ONE, 400), summary="Download one file of a version")
    @blp.doc(responses=FILE_ANSWER)
    @permissions.api(policy.reads_versions)
    def get(self, key: str, name: str) -> Any:
        version = version_store.get_version(key)
        if name not in version.files:
            raise NotFound(f"no file {name} in version {version.key[:12]}")
        mimetype = "application/json" if name.endswith(".json") else "application/xml"
        return Response(version.files[name].encode("utf-8"), mimetype=mimetype,
                        headers={"Content-Disposition": f"attachment; filename={name.rsplit('/', 1)[-1]}"})


@blp.route("/processes/<string:key>/diff/<string:other>")
class VersionDiff(MethodView):
    @operation(blp, ok={200: DiffSchema}, errors=(*READ_ONE, 400), summary="Elements added, removed, changed")
    @permissions.api(policy.reads_versions)
    def get(self, key: str, other: str) -> Any:
        old, new = version_store.get_version(other), version_store.get_version(key)
        out = diff_versions(version_store.version_files(old), version_store.version_files(new))
        out.update(old=old.key, new=new.key)
        return out


@blp.route("/processes/<string:key>/migration")
class Migration(MethodView):
    @operation(blp, ok={200: PreviewSchema}, errors=(*READ_ONE, 400), query=PreviewArgsSchema,
               summary="Which running cases can move to this version, and why not")
    @permissions.api(policy.reads_versions)
    def get(self, key: str) -> Any:
        return migration.preview(key, request.args.get("from") or None)

    @operation(blp, ok={200: MigrationResultSchema}, errors=WRITE, body=MigrationBodySchema, body_required=False,
               summary="Move running cases to this version (each case one event)")
    @permissions.api(policy.can_design)
    def post(self, key: str) -> Any:
        principal = caller()
        body = load(MigrationBodySchema(), json_body() if request.get_data(cache=True) else {})
        case_nos, from_key = body.get("case_nos"), body.get("from_")
        out = migration.migrate(principal, key, from_key, case_nos)
        db.session.commit()
        return out
