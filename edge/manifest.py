"""The manifest the converter writes and the runtime reads: one entry per artifact.

Defined here, on the device side, because the device decides which artifact it can
run; `digitcam convert` only adds entries.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterable

from digitcam import atomic
from digitcam.edge import contract
from digitcam.errors import ModelError

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
SCHEMA_VERSION = 1


def empty() -> dict[str, Any]:
    return {"schema": SCHEMA_VERSION, "contract": contract.describe(), "artifacts": []}


def load(folder: str | Path) -> dict[str, Any] | None:
    """The folder's manifest, None when there is none; ModelError when it is damaged."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: not a readable manifest ({error})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("artifacts"), list):
        raise ModelError(f"{path}: not a digitcam manifest (no 'artifacts' list)")
    if manifest.get("schema", 0) > SCHEMA_VERSION:
        raise ModelError(f"{path}: manifest schema {manifest['schema']} is newer than this digitcam understands")
    return manifest


def upsert(folder: str | Path, entries: Iterable[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """Add or replace entries (by file name) and write the manifest atomically."""
    folder = Path(folder)
    manifest = load(folder) or empty()
    by_file = {entry["file"]: entry for entry in manifest["artifacts"]}
    for entry in entries:
        by_file[entry["file"]] = entry
    manifest["artifacts"] = sorted(by_file.values(), key=lambda e: e["file"])
    manifest.update(fields)
    atomic.write_json(folder / MANIFEST_NAME, manifest)
    return manifest


def entry_for(folder: str | Path, file_name: str) -> dict[str, Any] | None:
    """The manifest entry describing `file_name`, if the folder has a manifest that lists it."""
    try:
        manifest = load(folder)
    except ModelError as error:
        log.warning("%s", error)
        return None
    for entry in (manifest or {}).get("artifacts", []):
        if entry.get("file") == file_name:
            return entry
    return None
