"""Process versions, write side: validate and deploy bundles as immutable versions (the read side is app.versions)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.designer.validation import validate
from app.engine import BundleInvalid, Problem, bundle_key, clock, parse_xml
from app.extensions import db
from app.versions.models import ProcessVersion
from app.versions.service import MAIN_PROCESS, current_version, version_files

BUNDLE_SUFFIXES = (".bpmn", ".dmn", ".json")
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def shipped_files(processes_dir: str) -> dict[str, bytes]:
    root = Path(processes_dir)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix.lower() in BUNDLE_SUFFIXES}


def _process_ids(name: str, content: bytes) -> set[str]:
    try:
        root = parse_xml(name, content)
    except BundleInvalid:
        return set()
    return {p.get("id") for p in root.iter(f"{BPMN}process") if p.get("id")}


def merge_upload(uploads: dict[str, bytes], base: dict[str, bytes] | None) -> dict[str, bytes]:
    """A designer uploads what they changed: it replaces the files of the same name (or that define the same
    processes) in the current bundle, and everything else carries over."""
    if base is None:
        return dict(uploads)
    by_basename = {name.rsplit("/", 1)[-1]: name for name in base}
    replaced_processes = set().union(*(_process_ids(n, c) for n, c in uploads.items()
                                       if n.lower().endswith((".bpmn", ".xml"))))
    merged = {name: content for name, content in base.items()
              if not (name.lower().endswith(".bpmn") and _process_ids(name, content) & replaced_processes)}
    for name, content in uploads.items():
        merged[by_basename.get(name, name) if "/" not in name else name] = content
    return merged


def base_for(uploads: dict[str, bytes]) -> tuple[dict[str, bytes] | None, str | None]:
    """The version an upload builds on: the current version of a process the upload redefines, else the
    main process when the upload has no diagram (forms, routing table), else none (a new process)."""
    uploaded = set().union(*(_process_ids(n, c) for n, c in uploads.items() if n.lower().endswith((".bpmn", ".xml"))))
    current = current_version(MAIN_PROCESS)
    if current is not None:
        current_processes = set().union(*(_process_ids(n, c) for n, c in version_files(current).items()
                                          if n.endswith(".bpmn")))
        if not uploaded or uploaded & current_processes:
            return version_files(current), current.key
    return None, None


def deploy(files: dict[str, bytes], author: str, note: str | None = None, *,
           dry_run: bool = False) -> tuple[ProcessVersion | None, bool, list[Problem]]:
    """Validate and store a bundle. Returns (version, created, problems); the same content deployed again is
    the same version, made current again."""
    bundle, problems = validate(files)
    if bundle is None or problems:
        return None, False, problems
    if dry_run:
        return None, False, []
    # Deployments are ordered by deployed_at: keep it strictly increasing even when the clock stands still.
    latest = db.session.execute(select(func.max(ProcessVersion.deployed_at))).scalar_one_or_none()
    now = clock.now() if latest is None else max(clock.now(), latest + timedelta(microseconds=1))
    existing = db.session.get(ProcessVersion, bundle.key)
    if existing is not None:
        existing.deployed_at, existing.deployed_by = now, author
        return existing, False, []
    version = ProcessVersion(key=bundle.key, process_id=bundle.process_id,
                             files={name: content.decode("utf-8") for name, content in bundle.files.items()},
                             author=author, note=note, created_at=now, deployed_at=now, deployed_by=author)
    db.session.add(version)
    db.session.flush()
    return version, True, []


def deploy_shipped(processes_dir: str) -> tuple[ProcessVersion, bool]:
    """The diagrams in processes/ as a version: a release that changes them makes them current."""
    files = shipped_files(processes_dir)
    key = bundle_key(files)
    existing = db.session.get(ProcessVersion, key)
    if existing is not None:
        return existing, False
    version, created, problems = deploy(files, author="system", note="diagrams shipped with the service")
    if version is None:
        raise BundleInvalid(problems)
    return version, created
