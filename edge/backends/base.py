"""The one interface every inference runtime sits behind.

A backend takes a batch of 28x28 uint8 images and returns probabilities. Quantization
parameters come from the model file itself, never from constants here.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np

from digitcam.edge import contract

log = logging.getLogger(__name__)


class Backend(ABC):
    """Loads one model file and runs batches through it."""

    name: str = "base"

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        self.path = Path(path)
        self.threads = threads
        started = time.perf_counter()
        self._load()
        self.load_seconds = time.perf_counter() - started
        log.debug("%s loaded %s in %.1f ms", self.name, self.path, self.load_seconds * 1e3)

    @abstractmethod
    def _load(self) -> None:
        """Open the model; raise ModelError for a bad file, MissingDependency for a missing runtime."""

    @abstractmethod
    def _run(self, batch: np.ndarray) -> np.ndarray:
        """Run an (N, 28, 28, 1) uint8 batch; return (N, 10) float probabilities."""

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Probabilities for one 28x28 image or a batch of them, as float32 of shape (N, 10)."""
        batch = contract.as_batch(images)
        if len(batch) == 0:
            return np.zeros((0, contract.NUM_CLASSES), np.float32)
        return np.asarray(self._run(batch), dtype=np.float32).reshape(len(batch), contract.NUM_CLASSES)

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "file": str(self.path), "threads": self.threads,
                "load_ms": round(self.load_seconds * 1e3, 2)}

    def close(self) -> None:
        """Release native resources; the default has none to release."""

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
