"""Which configurations to measure, and measuring each in its own process.

The format table decides which backends can run which file; a backend that is not
installed becomes a "skipped" row with the reason, never an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from digitcam.edge import manifest as manifests
from digitcam.edge.backends import BACKENDS
from digitcam.edge.formats import format_of

KERAS_BASELINES = (("keras-predict", "Keras model.predict, one image (the seed's way)"),
                   ("keras-call", "Keras model(x), one image"))


@dataclass
class Config:
    model: Path
    backend: str
    format: str
    kind: str = "backend"
    skipped: str | None = None
    label: str = ""
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.model.name} / {self.backend}"


def model_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and format_of(p) is not None)
        elif path.is_file() and format_of(path) is not None:
            files.append(path)
        else:
            from digitcam.errors import UsageError

            raise UsageError(f"{path}: not a model file or folder")
    return files


def _tensorflow_missing() -> str | None:
    import importlib.util

    return None if importlib.util.find_spec("tensorflow") else "tensorflow is not installed (digitcam[train])"


def plan(models: list[Path], backends: list[str] | None) -> list[Config]:
    configs: list[Config] = []
    for model in model_files(models):
        fmt = format_of(model)
        if fmt.name == "keras":
            for backend, label in KERAS_BASELINES:
                if backends and "keras" not in backends and backend not in backends:
                    continue
                configs.append(Config(model, backend, "keras", kind="keras", skipped=_tensorflow_missing(),
                                      label=label))
            continue
        for backend in fmt.backends:
            if backends and backend not in backends:
                continue
            configs.append(Config(model, backend, fmt.name, skipped=BACKENDS[backend].missing()))
    return configs


def run_job(job: dict[str, Any], timeout: float = 900) -> dict[str, Any]:
    """Run one worker process; its stdout's last line is the result."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if job["kind"] == "matmul":
        env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "digitcam.benchmarks.worker", json.dumps(job)],
                          capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["no output"]
        return {"error": lines[-1][:300]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def macs_of(model: Path) -> int | None:
    """Multiply-accumulates per image, from the manifest (an artifact's entry, or any entry made from it)."""
    entry = manifests.entry_for(model.parent, model.name)
    if entry:
        return (entry.get("source") or {}).get("macs_per_image")
    try:
        manifest = manifests.load(model.parent) or {"artifacts": []}
    except Exception:  # a damaged manifest only costs us this column
        return None
    for other in manifest["artifacts"]:
        source = other.get("source") or {}
        if source.get("file") == model.name:
            return source.get("macs_per_image")
    return None


def measure_all(configs: list[Config], runs: int, threads: int | None, data_dir: str | None,
                limit: int | None, progress: Callable[[int, int, str], None]) -> None:
    todo = [c for c in configs if not c.skipped]
    for i, config in enumerate(todo):
        progress(i, len(todo), config.name)
        job = {"kind": config.kind, "model": str(config.model), "backend": config.backend, "runs": runs,
               "threads": threads, "data_dir": data_dir, "limit": limit}
        config.result = run_job(job)
        macs = macs_of(config.model)
        if macs and "throughput_ips" in config.result:
            config.result["macs_per_image"] = macs
            config.result["macs_per_second"] = macs * config.result["throughput_ips"]
    progress(len(todo), len(todo), "done")


def add_agreement(configs: list[Config]) -> str | None:
    """Top-1 agreement of every configuration with the reference (Keras if measured, else fp32)."""
    measured = [c for c in configs if "predictions" in c.result]
    order = {"keras": 0, "tflite-fp32": 1, "onnx": 2, "tflite-fp16": 3, "tflite-int8": 4}
    if not measured:
        return None
    reference = min(measured, key=lambda c: order.get(c.format, 9))
    ref = reference.result["predictions"]
    for config in measured:
        ours = config.result["predictions"]
        config.result["agreement"] = sum(a == b for a, b in zip(ours, ref)) / len(ref)
    return reference.name
