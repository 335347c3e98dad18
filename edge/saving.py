"""Saving what the user asked to keep: atomic, timestamped, never overwriting, never fatal."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Mapping

import cv2
import numpy as np

from digitcam import atomic

log = logging.getLogger(__name__)


def _encode(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("PNG encoding failed")
    return data.tobytes()


def _claim(folder: Path, stem: str, suffixes: list[str]) -> str:
    """A stem free for every suffix: stem, stem-1, stem-2 ..."""
    for n in range(10_000):
        candidate = stem if n == 0 else f"{stem}-{n}"
        if not any((folder / f"{candidate}{s}").exists() for s in suffixes):
            return candidate
    raise FileExistsError(f"{folder}: no free name for {stem}")


def save_set(folder: str | os.PathLike, prefix: str, images: Mapping[str, np.ndarray],
             record: Mapping[str, Any]) -> list[Path]:
    """Write images as PNGs plus the record as JSON under one new timestamped stem.

    Each file appears whole or not at all; os.link refuses to replace an existing file,
    so two savers racing for a name cannot overwrite each other.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    blobs = {f"{suffix}.png": _encode(image) for suffix, image in images.items()}
    blobs[".json"] = (json.dumps(record, indent=2) + "\n").encode()
    stem = _claim(folder, f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}", list(blobs))
    written: list[Path] = []
    try:
        for suffix, blob in blobs.items():
            target = folder / f"{stem}{suffix}"
            with atomic.temporary_beside(target) as tmp:
                tmp.write_bytes(blob)
                os.link(tmp, target)
            written.append(target)
    except OSError:
        for path in written:  # a set is whole or absent
            path.unlink(missing_ok=True)
        raise
    return written


def try_save(folder: str | os.PathLike, prefix: str, images: Mapping[str, np.ndarray],
             record: Mapping[str, Any]) -> tuple[list[Path], str | None]:
    """save_set that reports failure (a full disk, a read-only folder) instead of raising."""
    try:
        return save_set(folder, prefix, images, record), None
    except OSError as error:
        message = f"save failed: {folder}: {error.strerror or error}"
        log.error("%s", message)
        return [], message
