"""The live pipeline on 640x480 frames of paper digits: time per stage and frames per second."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from digitcam.edge.app import FramePipeline, RunOptions
from digitcam.edge.backends import open_backend
from digitcam.edge.recognizer import Recognizer
from digitcam.edge.sources.base import Frame, Source

STAGES = ("capture", "detect", "preprocess", "inference", "overlay")


class MemorySource(Source):
    """Frames made up front and handed out from memory, so "capture" costs only a copy."""

    def __init__(self, frames: list[np.ndarray]) -> None:
        super().__init__("synthetic-frames")
        self.frames = frames
        self._index = 0

    def read(self) -> Frame | None:
        if self._index >= len(self.frames):
            return None
        self._index += 1
        return Frame(self.frames[self._index - 1].copy(), self._index - 1, self.name)


def frame_source(video: Path | None, frames: Path | None, count: int) -> Source:
    """The user's video or folder; otherwise made-up 640x480 sheets of one to five digits."""
    from digitcam.edge.sources import open_source
    from digitcam.edge.sources.synthetic import make_frame

    if video or frames:
        return open_source(str(video or frames)).open()
    rng = np.random.default_rng(2026)
    return MemorySource([make_frame(rng, digits=int(rng.integers(1, 6)))[0] for _ in range(count)])


def measure(model: Path, backend: str, threads: int | None, source: Source, max_frames: int) -> dict[str, Any]:
    recognizer = Recognizer(open_backend(model, backend, threads=threads))
    pipeline = FramePipeline(recognizer, RunOptions())
    per_stage: dict[str, list[float]] = {s: [] for s in (*STAGES, "total", "total_without_capture")}
    digits = []
    size: list[int] = []
    with source:
        for _ in range(max_frames):
            stepped = pipeline.step(source, draw=True)
            if stepped is None:
                break
            frame, result, _ = stepped
            stages = result.stages_ms
            for name in (*STAGES, "total"):
                per_stage[name].append(stages.get(name, 0.0))
            per_stage["total_without_capture"].append(stages["total"] - stages["capture"])
            digits.append(len(result.items))
            size = [int(frame.image.shape[1]), int(frame.image.shape[0])]
    if not per_stage["total"]:
        raise ValueError("the frame source gave no frames")
    summary = {name: {"median_ms": float(np.median(v)), "p95_ms": float(np.percentile(v, 95))}
               for name, v in per_stage.items()}
    return {"model": str(model), "backend": backend, "frames": len(per_stage["total"]),
            "digits_per_frame": float(np.mean(digits)), "frame_size": size,
            "stages": summary, "fps_median": 1000 / summary["total"]["median_ms"],
            "fps_p95": 1000 / summary["total"]["p95_ms"]}
