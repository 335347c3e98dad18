"""From 28x28 inputs to answers: one batched backend call, calibration, the confidence rule."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from digitcam.edge import contract
from digitcam.edge.backends.base import Backend

DEFAULT_THRESHOLD = 0.6


@dataclass
class Prediction:
    digit: int
    confidence: float
    probabilities: np.ndarray  # (10,)

    @property
    def runner_up(self) -> tuple[int, float]:
        order = np.argsort(self.probabilities)[::-1]
        return int(order[1]), float(self.probabilities[order[1]])

    def sure(self, threshold: float) -> bool:
        return self.confidence >= threshold

    def label(self, threshold: float) -> str:
        """The digit, or "?" when unsure."""
        return contract.LABELS[self.digit] if self.sure(threshold) else "?"


def calibrate(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature scaling on probabilities: softmax(log p / T), the same as scaling the logits."""
    if temperature == 1.0:
        return probs
    logits = np.log(np.clip(probs, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


class Recognizer:
    """A backend plus what the manifest says about using it (temperature)."""

    def __init__(self, backend: Backend, temperature: float = 1.0) -> None:
        self.backend = backend
        self.temperature = temperature
        self.last_ms = 0.0
        self._latencies: list[float] = []

    def predict(self, inputs: Sequence[np.ndarray] | np.ndarray) -> list[Prediction]:
        """All inputs of one frame in one batched call."""
        if len(inputs) == 0:
            self.last_ms = 0.0
            return []
        started = time.perf_counter()
        probs = calibrate(self.backend.predict(np.asarray(inputs)), self.temperature)
        self.last_ms = (time.perf_counter() - started) * 1e3
        self._latencies = (self._latencies + [self.last_ms])[-200:]
        return [Prediction(int(p.argmax()), float(p.max()), p) for p in probs]

    @property
    def mean_latency_ms(self) -> float | None:
        return float(np.mean(self._latencies)) if self._latencies else None
