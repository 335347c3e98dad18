"""Which model file the runtime uses, and what is known about it.

Order: `--model PATH`, `$DIGITCAM_MODEL`, `./models/`, then the models shipped inside the
package. In a folder with a manifest the best usable artifact that an installed backend
can run wins; without one, the newest model file (the seed's behaviour).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from digitcam.edge import manifest as manifests
from digitcam.edge.backends import choose
from digitcam.edge.formats import format_of
from digitcam.errors import DigitcamError, MissingDependency, ModelError

log = logging.getLogger(__name__)

MODEL_ENV = "DIGITCAM_MODEL"
# Among usable artifacts, what a device should prefer when the manifest names no default.
FORMAT_PREFERENCE = ("tflite-int8", "onnx", "tflite-fp16", "tflite-fp32", "keras")
MODEL_SUFFIXES = (".tflite", ".onnx", ".keras")


@dataclass
class ModelChoice:
    path: Path
    backend: str
    entry: dict[str, Any] | None  # the manifest entry, when there is one
    found_by: str

    @property
    def temperature(self) -> float:
        return float((self.entry or {}).get("temperature", 1.0))

    def describe(self, backend_info: Mapping[str, Any] | None = None) -> dict[str, Any]:
        entry = self.entry or {}
        fmt = format_of(self.path)
        return {
            "file": str(self.path), "format": entry.get("format", fmt.name if fmt else "unknown"),
            "backend": self.backend, "bytes": self.path.stat().st_size,
            "test_accuracy": entry.get("test_accuracy"), "agreement": entry.get("agreement"),
            "temperature": self.temperature, "found_by": self.found_by,
            "source_model": (entry.get("source") or {}).get("name"),
            **({"load_ms": backend_info.get("load_ms")} if backend_info else {}),
        }


def info_lines(info: Mapping[str, Any], mean_latency_ms: float | None = None) -> list[str]:
    """What the `i` key and `digitcam info` show."""
    accuracy = info.get("test_accuracy")
    lines = [f"file: {Path(info['file']).name}", f"format: {info['format']}",
             f"backend: {info['backend']}", f"size: {info['bytes'] / 1024:.0f} KB",
             f"accuracy: {accuracy * 100:.2f} % (MNIST test, manifest)" if accuracy is not None
             else "accuracy: unknown (no manifest entry)"]
    if mean_latency_ms is not None:
        lines.append(f"latency: {mean_latency_ms:.2f} ms mean")
    return lines


def shipped_folder() -> Path:
    return Path(str(resources.files("digitcam.models")))


def _runnable(path: Path, backend: str) -> str | None:
    try:
        return choose(path, backend)
    except (MissingDependency, DigitcamError) as error:
        log.debug("%s not runnable here: %s", path, error)
        return None


def _from_manifest(folder: Path, manifest: dict[str, Any], backend: str) -> tuple[Path, str, dict] | None:
    usable = [e for e in manifest["artifacts"] if e.get("usable") and (folder / e["file"]).is_file()]
    default = manifest.get("default")  # a file name chosen for the device, see the model card

    def rank(entry: dict[str, Any]) -> tuple:
        fmt = entry.get("format")
        order = FORMAT_PREFERENCE.index(fmt) if fmt in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)
        return (entry["file"] != default, order, -(entry.get("test_accuracy") or 0))

    for entry in sorted(usable, key=rank):
        path = folder / entry["file"]
        name = _runnable(path, backend)
        if name:
            return path, name, entry
    return None


def _from_folder(folder: Path, backend: str, found_by: str) -> ModelChoice | None:
    manifest = manifests.load(folder)
    if manifest is not None:
        picked = _from_manifest(folder, manifest, backend)
        if picked:
            return ModelChoice(picked[0], picked[1], picked[2], f"{found_by} (manifest)")
        log.info("%s: no usable artifact in the manifest runs here", folder)
    files = sorted((p for p in folder.iterdir() if p.suffix in MODEL_SUFFIXES and p.is_file()),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for path in files:
        name = _runnable(path, backend)
        if name:
            return ModelChoice(path, name, None, f"{found_by} (newest file)")
    return None


def find_model(model: str | os.PathLike | None = None, backend: str = "auto",
               environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> ModelChoice:
    """Resolve the model to run; ModelError says where it looked."""
    environ = os.environ if environ is None else environ
    explicit = model or environ.get(MODEL_ENV)
    if explicit:
        path = Path(explicit)
        found_by = "--model" if model else f"${MODEL_ENV}"
        if path.is_dir():
            choice = _from_folder(path, backend, found_by)
            if choice is None:
                raise ModelError(f"{path}: no model file that an installed backend can run")
            return choice
        if not path.is_file():
            raise ModelError(f"{path}: no such model file or folder")
        folder_entry = manifests.entry_for(path.parent, path.name)
        return ModelChoice(path, choose(path, backend), folder_entry, found_by)
    places = [((cwd or Path.cwd()) / "models", "./models"), (shipped_folder(), "shipped with digitcam")]
    for folder, found_by in places:
        if folder.is_dir():
            choice = _from_folder(folder, backend, found_by)
            if choice:
                return choice
    raise ModelError(f"no model found: pass --model, set ${MODEL_ENV}, or put one in ./models/")
