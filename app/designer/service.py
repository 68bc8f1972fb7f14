"""Process versions: deploy a bundle as a new immutable version; find the newest; load a version's specs."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.designer.models import ProcessVersion
from app.engine import ProcessBundle, bundle_key, bundles, clock, parse_bundle
from app.errors import NotFound
from app.extensions import db

MAIN_PROCESS = "appeal"
BUNDLE_SUFFIXES = (".bpmn", ".dmn", ".json")


def shipped_files(processes_dir: str) -> dict[str, bytes]:
    root = Path(processes_dir)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix.lower() in BUNDLE_SUFFIXES}


def deploy(files: dict[str, bytes], author: str, note: str | None = None) -> tuple[ProcessVersion, bool]:
    """Validate and store a bundle; the same content deployed twice is the same version."""
    key = bundle_key(files)
    existing = db.session.get(ProcessVersion, key)
    if existing is not None:
        return existing, False
    bundle = parse_bundle(files)  # raises BundleInvalid with the problems
    version = ProcessVersion(key=key, process_id=bundle.process_id,
                             files={name: content.decode("utf-8") for name, content in files.items()},
                             author=author, note=note, created_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError:  # deployed concurrently by someone else: same content, same version
        found = db.session.get(ProcessVersion, key)
        if found is None:
            raise
        return found, False
    return version, True


def deploy_shipped(processes_dir: str) -> tuple[ProcessVersion, bool]:
    """The diagrams in processes/ as a version: a release that changes them makes them current."""
    return deploy(shipped_files(processes_dir), author="system", note="diagrams shipped with the service")


def current_version_key(processes_dir: str, process_id: str = MAIN_PROCESS) -> str:
    key = db.session.execute(
        select(ProcessVersion.key).where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.created_at.desc()).limit(1)
    ).scalar_one_or_none()
    if key is not None:
        return key
    return deploy_shipped(processes_dir)[0].key


def bundle_for(key: str) -> ProcessBundle:
    def load() -> dict[str, bytes]:
        files = db.session.execute(select(ProcessVersion.files).where(ProcessVersion.key == key)).scalar_one_or_none()
        if files is None:
            raise NotFound(f"no process version {key}")
        return {name: text.encode("utf-8") for name, text in files.items()}

    return bundles.get(key, load)


def list_versions() -> list[ProcessVersion]:
    return list(db.session.execute(select(ProcessVersion).order_by(ProcessVersion.created_at.desc())).scalars())
