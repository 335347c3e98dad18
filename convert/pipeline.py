"""`digitcam convert` end to end: export, verify, install atomically, record in the manifest.

An artifact reaches its final name only after it passed the gate. One that fails is
kept beside it as `NAME.rejected` for inspection and recorded as not usable; an
interrupted export leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import logging
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from digitcam import atomic
from digitcam.convert.calibrate import fit_temperature
from digitcam.convert.verify import Gate, verify
from digitcam.edge import contract, manifest
from digitcam.edge.backends.keras_model import load_keras_model
from digitcam.edge.formats import FORMATS, Format
from digitcam.edge.recognizer import calibrate
from digitcam.train import data as mnist_data
from digitcam.train.report import expected_calibration_error
from digitcam.train.report import predict as keras_predict

log = logging.getLogger(__name__)

CALIBRATION_SEED = 99
# Measured faster end to end (raw camera bytes need no conversion): scripts/compare_int8_inputs.sh
DEFAULT_INT8_INPUT = "uint8"


@dataclass
class ConvertOptions:
    formats: list[str] = field(default_factory=lambda: [n for n, f in FORMATS.items() if f.exporter])
    calibration: int = 1000
    int8_input: str = DEFAULT_INT8_INPUT
    test_limit: int | None = None
    gate: Gate = field(default_factory=Gate)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _exporter(fmt: Format):
    module, function = fmt.exporter.split(":")
    return getattr(importlib.import_module(module), function)


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime", "ai_edge_litert", "cv2", "numpy"):
        try:
            versions[name] = importlib.import_module(name).__version__
        except (ImportError, AttributeError):
            pass
    return versions


def calibration_images(x_train: np.ndarray, y_train: np.ndarray, count: int) -> np.ndarray:
    """A stratified sample of training images (never test images) for int8 calibration."""
    return x_train[mnist_data.stratified_indices(y_train, min(count, len(y_train)), CALIBRATION_SEED)]


def convert(model_path: Path, out: Path, options: ConvertOptions, data_dir: str | None = None,
            environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Convert one Keras model into every requested format; returns the manifest entries written."""
    model = load_keras_model(model_path, strict=True)
    arrays = mnist_data.load_arrays(mnist_data.locate(data_dir, environ, download=False))
    calibration = calibration_images(arrays["x_train"], arrays["y_train"], options.calibration)
    x_test, y_test = arrays["x_test"], arrays["y_test"]
    if options.test_limit and options.test_limit < len(y_test):
        keep = mnist_data.stratified_indices(y_test, options.test_limit, mnist_data.SPLIT_SEED)
        x_test, y_test = x_test[keep], y_test[keep]
    reference = keras_predict(model, x_test)
    # The temperature is fitted on the validation split, the same seeded split training used.
    split = mnist_data.split_arrays(arrays, seed=mnist_data.SPLIT_SEED)
    temperature = fit_temperature(keras_predict(model, split.x_val), split.y_val)
    calibrated = calibrate(reference, temperature)
    calibration_info = {"temperature": round(temperature, 4), "fitted_on": f"{len(split.y_val)} validation images",
                   "test_ece_before": round(expected_calibration_error(reference, y_test), 5),
                   "test_ece_after": round(expected_calibration_error(calibrated, y_test), 5)}
    source = {"file": model_path.name, "sha256": sha256_of(model_path), "name": model.name,
              "parameters": int(model.count_params()),
              "test_accuracy": round(float((reference.argmax(1) == y_test).mean()), 6)}
    try:
        from digitcam.train.models import count_macs

        source["macs_per_image"] = count_macs(model)
    except Exception:  # a foreign model with layers we cannot count is still convertible
        log.debug("could not count MACs", exc_info=True)
    versions = library_versions()
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for name in options.formats:
        fmt = FORMATS[name]
        metadata = {**contract.describe(), "format": name, "source_sha256": source["sha256"],
                    "producer": "digitcam"}
        log.info("exporting %s", name)
        blob = _exporter(fmt)(model, calibration, metadata, input_type=options.int8_input)
        target = out / fmt.filename(model_path.stem.removesuffix(".keras"))
        entry = _install(blob, target, fmt, x_test, y_test, reference, options.gate)
        entry.update({"labels": list(contract.LABELS), "source": source, "versions": versions,
                      "temperature": calibration_info["temperature"], "calibration": calibration_info,
                      "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                      "calibration_images": int(len(calibration)) if name == "tflite-int8" else None,
                      "gate": asdict(options.gate)})
        entries.append(entry)
        manifest.upsert(out, [entry])
    return entries


def _install(blob: bytes, target: Path, fmt: Format, images: np.ndarray, labels: np.ndarray,
             reference: np.ndarray, gate: Gate) -> dict[str, Any]:
    """Write to a temporary file, verify it there, then rename it to its name or to NAME.rejected."""
    with atomic.temporary_beside(target) as tmp:
        tmp.write_bytes(blob)
        result = verify(tmp, fmt.backends, images, labels, reference, gate)
        final = target if result["passed"] else target.with_name(target.name + ".rejected")
        os.replace(tmp, final)
    primary = next((r for r in result["backends"].values() if "skipped" not in r), {})
    io = primary.pop("io", None) if isinstance(primary, dict) else None
    for r in result["backends"].values():
        r.pop("io", None)
    return {
        "format": fmt.name, "file": final.name, "usable": result["passed"], "sha256": sha256_of(final),
        "bytes": final.stat().st_size,
        "input": {"shape": [None, *contract.INPUT_SHAPE], **(io["input"] if io else
                                                               {"dtype": "float32", "scale": 1.0, "zero_point": 0})},
        "output": {"shape": [None, contract.NUM_CLASSES], **(io["output"] if io else
                                                                {"dtype": "float32", "scale": 1.0, "zero_point": 0})},
        "test_accuracy": primary.get("test_accuracy"), "agreement": primary.get("agreement"),
        "max_probability_difference": primary.get("max_probability_difference"),
        "verification": result,
    }
