"""Frames of handwritten digits on paper, made up: for demos, tests and benchmarks without a camera.

Real MNIST handwriting (a small bundled sample) is inked onto white, ruled or squared
paper lying on a desk, under uneven light, with perspective, blur and sensor noise.
Each frame comes with its ground truth, so detection can be scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from digitcam.edge.sources.base import Frame, Source

PAPERS = ("white", "ruled", "squared")


@dataclass
class Truth:
    labels: list[int]
    boxes: list[tuple[int, int, int, int]]

    @property
    def number(self) -> str:
        return "".join(str(d) for d in self.labels)


def glyphs() -> tuple[np.ndarray, np.ndarray]:
    """The bundled handwriting sample: 28x28 MNIST training digits and their labels."""
    with resources.files("digitcam.edge.sources").joinpath("glyphs.npz").open("rb") as f:
        with np.load(f) as npz:
            return npz["images"], npz["labels"]


def _paper(h: int, w: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    tone = rng.uniform(205, 250)
    paper = np.full((h, w), tone, np.float32)
    spacing = int(rng.uniform(22, 34))
    line = tone - rng.uniform(25, 60)
    if kind in ("ruled", "squared"):
        paper[spacing // 2::spacing, :] = line
    if kind == "squared":
        paper[:, spacing // 2::spacing] = line
    return paper


def make_frame(rng: np.random.Generator, digits: int = 4, size: tuple[int, int] = (640, 480),
               paper: str | None = None, perspective: float = 0.06, blur: float = 1.0,
               noise: float = 4.0, light: float = 0.35, desk: bool = True) -> tuple[np.ndarray, Truth]:
    """One BGR frame with `digits` handwritten digits in a row, and where they are."""
    images, labels = glyphs()
    w, h = size
    kind = paper or PAPERS[rng.integers(len(PAPERS))]
    desk_tone = rng.uniform(40, 120)
    canvas = np.full((h, w), desk_tone if desk else 230, np.float32)
    sx0, sy0 = (int(w * rng.uniform(0.04, 0.1)), int(h * rng.uniform(0.04, 0.1))) if desk else (0, 0)
    sx1, sy1 = (w - int(w * rng.uniform(0.04, 0.1)), h - int(h * rng.uniform(0.04, 0.1))) if desk else (w, h)
    canvas[sy0:sy1, sx0:sx1] = _paper(sy1 - sy0, sx1 - sx0, kind, rng)
    ids = np.zeros((h, w), np.uint8)
    margin = int(0.04 * w)
    digit_h = int(rng.uniform(0.16, 0.3) * h)
    pitch = int(digit_h * rng.uniform(0.75, 1.0))
    room = (sx1 - sx0) - 2 * margin
    if pitch * (digits - 1) + digit_h > room:  # shrink the writing to fit the sheet
        factor = room / (pitch * (digits - 1) + digit_h)
        digit_h, pitch = int(digit_h * factor), int(pitch * factor)
    span = pitch * (digits - 1) + digit_h
    start_x = sx0 + margin + int(rng.uniform(0, max(1, room - span)))
    top = int(h * rng.uniform(0.3, 0.45))
    ink_tone = rng.uniform(10, 70)
    chosen = rng.integers(len(images), size=digits)
    for k, index in enumerate(chosen):
        glyph = cv2.resize(images[index], (digit_h, digit_h), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        x = start_x + k * pitch
        y = int(np.clip(top + rng.uniform(-0.03, 0.03) * h, sy0 + margin, sy1 - margin - digit_h))
        region = canvas[y:y + digit_h, x:x + digit_h]
        canvas[y:y + digit_h, x:x + digit_h] = region * (1 - glyph) + ink_tone * glyph
        ids[y:y + digit_h, x:x + digit_h][glyph > 0.35] = k + 1
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    gradient = (np.cos(angle) * (xx / w - 0.5) + np.sin(angle) * (yy / h - 0.5))
    canvas *= 1 - light * (gradient + 0.5) * rng.uniform(0.5, 1.0)
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    moved = (corners + rng.uniform(-perspective, perspective, (4, 2)) * [w, h]).astype(np.float32)
    warp = cv2.getPerspectiveTransform(corners, moved)
    canvas = cv2.warpPerspective(canvas, warp, (w, h), borderMode=cv2.BORDER_REPLICATE)
    ids = cv2.warpPerspective(ids, warp, (w, h), flags=cv2.INTER_NEAREST)
    if blur > 0:
        canvas = cv2.GaussianBlur(canvas, (0, 0), blur)
    canvas += rng.normal(0, noise, canvas.shape)
    gray = np.clip(canvas, 0, 255).astype(np.uint8)
    frame = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    tint = rng.uniform(0.9, 1.1, 3)
    frame = np.clip(frame * tint, 0, 255).astype(np.uint8)
    boxes = []
    for k in range(digits):
        ys, xs = np.nonzero(ids == k + 1)
        boxes.append((int(xs.min()), int(ys.min()), int(np.ptp(xs) + 1), int(np.ptp(ys) + 1)) if len(xs) else (0, 0, 0, 0))
    return frame, Truth([int(labels[i]) for i in chosen], boxes)


class SyntheticSource(Source):
    """A camera stand-in: an endless (or `count`-long) stream of made-up paper frames."""

    live = True

    def __init__(self, seed: int = 0, count: int | None = None, size: tuple[int, int] = (640, 480),
                 hold: int = 15) -> None:
        super().__init__("synthetic")
        self.rng = np.random.default_rng(seed)
        self.count, self.size, self.hold = count, size, hold
        self._index = 0
        self._frame: np.ndarray | None = None
        self.truth: Truth | None = None

    def read(self) -> Frame | None:
        if self.count is not None and self._index >= self.count:
            return None
        if self._frame is None or self._index % self.hold == 0:  # hold a sheet like a hand would
            self._frame, self.truth = make_frame(self.rng, digits=int(self.rng.integers(1, 6)), size=self.size)
        noisy = np.clip(self._frame + self.rng.normal(0, 2, self._frame.shape), 0, 255).astype(np.uint8)
        self._index += 1
        return Frame(noisy, self._index - 1, self.name)


def write_video(path: Path, frames: int = 90, seed: int = 0, fps: float = 15.0) -> list[Truth]:
    """A short MP4 of held sheets (the demo sample is made with this)."""
    source = SyntheticSource(seed=seed, count=frames)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, source.size)
    truths = []
    try:
        while (frame := source.read()) is not None:
            writer.write(frame.image)
            truths.append(source.truth)
    finally:
        writer.release()
    return truths
