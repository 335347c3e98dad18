"""The parity gate: an artifact is usable only if it matches its Keras model closely enough.

Artifacts are scored through the edge runtime's own backends, the code that will run
them on the device, on the same test images as the reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitcam.edge.backends import BACKENDS, open_backend

BATCH = 500


@dataclass(frozen=True)
class Gate:
    """Thresholds in percentage points and percent, as the command-line flags give them."""

    max_accuracy_drop: float = 0.3
    min_agreement: float = 99.5


def predict_all(backend, images: np.ndarray) -> np.ndarray:
    return np.concatenate([backend.predict(images[i:i + BATCH]) for i in range(0, len(images), BATCH)])


def compare(reference: np.ndarray, candidate: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Accuracy of the candidate and how closely it follows the reference, on the same images."""
    return {
        "test_accuracy": float((candidate.argmax(1) == labels).mean()),
        "reference_accuracy": float((reference.argmax(1) == labels).mean()),
        "agreement": float((candidate.argmax(1) == reference.argmax(1)).mean()),
        "max_probability_difference": float(np.abs(candidate - reference).max()),
    }


def judge(scores: dict[str, float], gate: Gate) -> str | None:
    """Why the scores fail the gate, or None when they pass."""
    drop = (scores["reference_accuracy"] - scores["test_accuracy"]) * 100
    if drop > gate.max_accuracy_drop:
        return f"accuracy {scores['test_accuracy'] * 100:.2f} % is {drop:.2f} points below the Keras model's " \
               f"(allowed {gate.max_accuracy_drop})"
    if scores["agreement"] * 100 < gate.min_agreement:
        return f"top-1 agreement {scores['agreement'] * 100:.2f} % is below {gate.min_agreement} %"
    return None


def verify(path: Path, backends: tuple[str, ...], images: np.ndarray, labels: np.ndarray,
           reference: np.ndarray, gate: Gate) -> dict[str, Any]:
    """Run `path` through every installed backend that can run it; all must pass."""
    results: dict[str, Any] = {}
    failure = None
    for name in backends:
        if BACKENDS[name].missing():
            results[name] = {"skipped": BACKENDS[name].missing()}
            continue
        with open_backend(path, name) as backend:
            scores = compare(reference, predict_all(backend, images), labels)
            io = backend.io_details() if hasattr(backend, "io_details") else None
        scores = {k: round(v, 6) for k, v in scores.items()}
        reason = judge(scores, gate)
        results[name] = {**scores, "passed": reason is None, **({"reason": reason} if reason else {})}
        if io:
            results[name]["io"] = io
        failure = failure or (f"{name}: {reason}" if reason else None)
    ran = [r for r in results.values() if "skipped" not in r]
    if not ran:
        failure = "no installed backend can run it"
    return {"images": int(len(labels)), "backends": results, "passed": failure is None,
            **({"reason": failure} if failure else {})}
