"""Inference backends behind one interface, and the factory that picks one for a model file."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

from digitcam.edge.backends.base import Backend
from digitcam.edge.formats import format_of
from digitcam.errors import MissingDependency, ModelError, UsageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackendSpec:
    name: str
    target: str  # "module:Class"
    modules: tuple[str, ...]  # any one of these makes the backend usable
    extra: str
    package: str

    def missing(self) -> str | None:
        """Why this backend cannot run here, or None when it can."""
        if any(importlib.util.find_spec(m) is not None for m in self.modules):
            return None
        return f"{self.package} is not installed (pip install 'digitcam[{self.extra}]')"

    def load(self) -> type[Backend]:
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module), cls)


BACKENDS: dict[str, BackendSpec] = {s.name: s for s in (
    BackendSpec("litert", "digitcam.edge.backends.litert:LiteRTBackend",
                ("ai_edge_litert", "tflite_runtime"), "edge", "ai-edge-litert"),
    BackendSpec("onnxruntime", "digitcam.edge.backends.onnx_runtime:OnnxRuntimeBackend",
                ("onnxruntime",), "onnx", "onnxruntime"),
    BackendSpec("opencv", "digitcam.edge.backends.opencv_dnn:OpenCVBackend", ("cv2",), "edge", "opencv-python"),
    BackendSpec("keras", "digitcam.edge.backends.keras_model:KerasBackend", ("keras",), "train", "keras"),
)}


def candidates(path: str | Path) -> tuple[str, ...]:
    """Backends that can run this file, best first (from the format table)."""
    fmt = format_of(path)
    if fmt is None:
        raise ModelError(f"{path}: unknown model format (expected .tflite, .onnx or .keras)")
    return fmt.backends


def choose(path: str | Path, backend: str = "auto") -> str:
    """The backend to use: the named one if it fits the file, else the best installed one."""
    options = candidates(path)
    if backend != "auto":
        if backend not in BACKENDS:
            raise UsageError(f"--backend {backend!r}: choose from auto, {', '.join(BACKENDS)}")
        if backend not in options:
            raise UsageError(f"--backend {backend}: cannot run {Path(path).name} (use {', '.join(options)})")
        options = (backend,)
    for name in options:
        reason = BACKENDS[name].missing()
        if reason is None:
            return name
        log.debug("backend %s unavailable: %s", name, reason)
    spec = BACKENDS[options[0]]
    raise MissingDependency(spec.package, spec.extra, f"needed to run {Path(path).name}")


def open_backend(path: str | Path, backend: str = "auto", threads: int | None = None) -> Backend:
    """Load `path` with the chosen backend; errors name the file, the fault or the extra."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    name = choose(path, backend)
    return BACKENDS[name].load()(path, threads=threads)
