"""Process versions, read side: which version new cases start on, a version by key, its parsed bundle.

Below every domain: cases, tasks, timers and the unit of work read versions here; only the designer (and the
deploy commands) write them. Nothing here deploys: a database without a version answers NoProcessDeployed,
and `flask processes deploy` or `flask demo load` puts the shipped diagrams in.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.engine import ProcessBundle, bundles
from app.errors import ApiError, NotFound
from app.extensions import db
from app.versions.models import ProcessVersion

MAIN_PROCESS = "appeal"


class NoProcessDeployed(ApiError):
    def __init__(self, process_id: str) -> None:
        super().__init__(503, f"no version of the process {process_id} is deployed; run `flask --app app processes "
                              f"deploy` (or `demo load`)", code="no_process_deployed")


def _newest(what: Any, process_id: str) -> Any:
    """The most recently deployed version of a process: what new cases use."""
    return (select(what).where(ProcessVersion.process_id == process_id)
            .order_by(ProcessVersion.deployed_at.desc()).limit(1))


def current_version(process_id: str = MAIN_PROCESS) -> ProcessVersion | None:
    return db.session.execute(_newest(ProcessVersion, process_id)).scalar_one_or_none()


def current_version_key(process_id: str = MAIN_PROCESS) -> str:
    # Only the key: intake runs this on every new case and need not load the version's files.
    key: str | None = db.session.execute(_newest(ProcessVersion.key, process_id)).scalar_one_or_none()
    if key is None:
        raise NoProcessDeployed(process_id)
    return key


def get_version(key: str) -> ProcessVersion:
    version = db.session.get(ProcessVersion, key)
    if version is None:
        # Short keys (the first characters, as shown in lists) are accepted when unambiguous.
        found = list(db.session.execute(select(ProcessVersion).where(ProcessVersion.key.like(f"{key}%"))
                                        .limit(2)).scalars()) if len(key) >= 8 else []
        if len(found) != 1:
            raise NotFound(f"no process version {key}")
        version = found[0]
    return version


def version_files(version: ProcessVersion) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in version.files.items()}


def bundle_for(key: str) -> ProcessBundle:
    def load() -> dict[str, bytes]:
        files = db.session.execute(select(ProcessVersion.files).where(ProcessVersion.key == key)).scalar_one_or_none()
        if files is None:
            raise NotFound(f"no process version {key}")
        return {name: text.encode("utf-8") for name, text in files.items()}

    return bundles.get(key, load)


def list_versions() -> list[ProcessVersion]:
    return list(db.session.execute(select(ProcessVersion).order_by(ProcessVersion.deployed_at.desc())).scalars())
