"""Pure drawing on numpy arrays: boxes, digits, confidence bars, the heads-up line.

No window code here, so every picture the app shows can be produced and checked in tests.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import cv2
import numpy as np

from digitcam.edge.detection import Box
from digitcam.edge.recognizer import Prediction

FONT = cv2.FONT_HERSHEY_SIMPLEX
SURE = (80, 200, 60)     # BGR green
UNSURE = (0, 165, 255)   # BGR orange
TEXT = (255, 255, 255)
PANEL = (32, 32, 32)
GUIDE = (255, 200, 0)


def _text(image: np.ndarray, text: str, origin: tuple[int, int], scale: float = 0.5,
          color: tuple[int, int, int] = TEXT, thickness: int = 1, background: bool = True) -> None:
    """Text with a dark box behind it, readable on any picture."""
    (w, h), base = cv2.getTextSize(text, FONT, scale, thickness)
    x, y = origin
    if background:
        cv2.rectangle(image, (x - 2, y - h - 3), (x + w + 2, y + base), (0, 0, 0), cv2.FILLED)
    cv2.putText(image, text, (x, y), FONT, scale, color, thickness, cv2.LINE_AA)


def describe(prediction: Prediction, threshold: float) -> str:
    """"7 93%" when sure; "? 4 41% / 9 38%" with the top two when not."""
    if prediction.sure(threshold):
        return f"{prediction.digit} {prediction.confidence * 100:.0f}%"
    second, p2 = prediction.runner_up
    return f"? {prediction.digit} {prediction.confidence * 100:.0f}% / {second} {p2 * 100:.0f}%"


def draw_detections(image: np.ndarray, items: Sequence[tuple[Box, Prediction]], threshold: float) -> None:
    for (x, y, w, h), prediction in items:
        color = SURE if prediction.sure(threshold) else UNSURE
        cv2.rectangle(image, (x, y), (x + w, y + h), color, 2)
        _text(image, describe(prediction, threshold), (x, max(14, y - 6)), 0.55, color, 1)


def draw_guide(image: np.ndarray, roi: Box) -> None:
    x, y, w, h = roi
    for corner_x, corner_y, dx, dy in ((x, y, 1, 1), (x + w, y, -1, 1), (x, y + h, 1, -1), (x + w, y + h, -1, -1)):
        length = max(10, min(w, h) // 8)
        cv2.line(image, (corner_x, corner_y), (corner_x + dx * length, corner_y), GUIDE, 2)
        cv2.line(image, (corner_x, corner_y), (corner_x, corner_y + dy * length), GUIDE, 2)


def draw_number(image: np.ndarray, number: str) -> None:
    if number:
        _text(image, number, (10, image.shape[0] - 14), 1.2, SURE, 2)


def draw_hud(image: np.ndarray, fps: float, stages_ms: Mapping[str, float]) -> None:
    """The heads-up line: frames per second and milliseconds per stage."""
    parts = [f"{fps:4.1f} fps"] + [f"{name} {ms:.1f}" for name, ms in stages_ms.items()]
    _text(image, "  ".join(parts) + " ms", (8, 18), 0.45)


def probability_bars(probabilities: np.ndarray | None, width: int = 220, height: int = 160,
                     highlight: int | None = None) -> np.ndarray:
    """A bar chart of the ten probabilities, the winner highlighted."""
    chart = np.full((height, width, 3), PANEL, np.uint8)
    slot = width // 10
    for digit in range(10):
        p = 0.0 if probabilities is None else float(probabilities[digit])
        top = int((height - 22) * (1 - p)) + 4
        color = SURE if digit == highlight else (150, 150, 150)
        cv2.rectangle(chart, (digit * slot + 3, top), ((digit + 1) * slot - 3, height - 20), color, cv2.FILLED)
        _text(chart, str(digit), (digit * slot + slot // 2 - 5, height - 5), 0.45, background=False)
    return chart


def enlarge(input28: np.ndarray, size: int) -> np.ndarray:
    """The 28x28 model input, blown up with visible pixels."""
    return cv2.cvtColor(cv2.resize(input28, (size, size), interpolation=cv2.INTER_NEAREST), cv2.COLOR_GRAY2BGR)


def side_panel(height: int, input28: np.ndarray, prediction: Prediction | None, threshold: float,
               message: str, lines: Sequence[str] = (), width: int = 240) -> np.ndarray:
    """The canvas' right-hand panel: verdict, bars, the model's-eye view and notes."""
    panel = np.full((height, width, 3), PANEL, np.uint8)
    if prediction is not None:
        color = SURE if prediction.sure(threshold) else UNSURE
        _text(panel, prediction.label(threshold), (12, 62), 2.2, color, 4, background=False)
        _text(panel, f"{prediction.confidence * 100:.1f}%", (90, 40), 0.7, color, 2, background=False)
        if not prediction.sure(threshold):
            second, p2 = prediction.runner_up
            _text(panel, f"{prediction.digit}? {second}?", (90, 66), 0.55, color, 1, background=False)
    _text(panel, message, (10, 92), 0.5, background=False)
    bars = probability_bars(None if prediction is None else prediction.probabilities, width - 20, 120,
                            None if prediction is None else prediction.digit)
    panel[100:220, 10:width - 10] = bars
    view = min(width - 20, 96)
    panel[230:230 + view, 10:10 + view] = enlarge(input28, view)
    _text(panel, "model input", (10 + view + 6, 240), 0.4, background=False)
    for i, line in enumerate(lines):
        y = 230 + view + 20 + 16 * i
        if y < height - 4:
            _text(panel, line, (10, y), 0.42, background=False)
    return panel
