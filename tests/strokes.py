"""Digits as a hand draws them with a mouse or a pen tool, for the canvas and for drawings saved as files."""

from __future__ import annotations

import cv2
import numpy as np


def _loop(cx: float, cy: float, rx: float, ry: float, start: float = 0.0, turn: float = 1.0, n: int = 24):
    return [(cx + rx * np.cos(start + 2 * np.pi * turn * k / n), cy + ry * np.sin(start + 2 * np.pi * turn * k / n))
            for k in range(n + 1)]


# Digits as a hand draws them with a mouse, in a box 0.6 wide and 1 high: strokes of (x, y) points.
DIGIT_STROKES = {
    0: [_loop(0.3, 0.5, 0.27, 0.48)],
    1: [[(0.32, 0.0), (0.3, 1.0)]],
    2: [[(0.03, 0.25), (0.15, 0.05), (0.35, 0.0), (0.52, 0.1), (0.55, 0.3), (0.45, 0.5), (0.03, 1.0), (0.6, 1.0)]],
    3: [[(0.05, 0.08), (0.3, 0.0), (0.52, 0.1), (0.5, 0.35), (0.25, 0.48), (0.52, 0.6), (0.55, 0.85), (0.3, 1.0),
         (0.03, 0.92)]],
    4: [[(0.45, 0.0), (0.02, 0.65), (0.6, 0.65)], [(0.45, 0.0), (0.45, 1.0)]],
    5: [[(0.55, 0.0), (0.1, 0.0), (0.05, 0.45), (0.35, 0.4), (0.55, 0.6), (0.52, 0.88), (0.3, 1.0), (0.03, 0.92)]],
    6: [[(0.5, 0.05), (0.25, 0.1), (0.08, 0.45), (0.05, 0.75), (0.25, 1.0), (0.5, 0.9), (0.52, 0.65), (0.3, 0.52),
         (0.08, 0.65)]],
    7: [[(0.02, 0.0), (0.6, 0.0), (0.2, 1.0)]],
    8: [[(0.3 + 0.25 * np.sin(2 * t), 0.5 - 0.5 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 33)]],
    9: [_loop(0.3, 0.27, 0.26, 0.26, start=0.0, turn=1.0) + [(0.54, 1.0)]],
}


def drawing(digits: str, height: int, pen: int, margin: float = 0.4, smooth: bool = True) -> np.ndarray:
    """A white picture with `digits` drawn in black along DIGIT_STROKES, `pen` px wide, as a paint
    program saves it."""
    pitch = int(0.9 * height)
    pad = int(margin * height)
    picture = np.full((height + 2 * pad, pitch * len(digits) + 2 * pad, 3), 255, np.uint8)
    for k, digit in enumerate(digits):
        _draw(picture, DIGIT_STROKES[int(digit)], (pad + k * pitch, pad), height, pen,
              line=cv2.LINE_AA if smooth else cv2.LINE_8)
    return picture


def _draw(picture: np.ndarray, strokes: list, at: tuple[int, int], height: int, pen: int, slant: float = 0.0,
          line: int = cv2.LINE_AA) -> None:
    """Draws one digit's strokes, its box's top left corner at `at`, leaning right by `slant` of
    its height from bottom to top."""
    for stroke in strokes:
        points = np.array([(at[0] + (x + slant * (0.5 - y)) * height, at[1] + y * height) for x, y in stroke],
                          np.int32)
        cv2.polylines(picture, [points], False, (0, 0, 0), pen, line)


# The same digits written in habits MNIST rarely shows (its writers were American), or shaped
# unlike DIGIT_STROKES: each is (digit, strokes) in the same 0.6 x 1 box.
STYLES = {
    "1 with a flag": (1, [[(0.1, 0.22), (0.35, 0.0), (0.35, 1.0)]]),
    "1 with a flag and a foot": (1, [[(0.1, 0.22), (0.35, 0.0), (0.35, 1.0)], [(0.1, 1.0), (0.6, 1.0)]]),
    "7 crossed": (7, [[(0.02, 0.0), (0.6, 0.0), (0.2, 1.0)], [(0.15, 0.5), (0.55, 0.5)]]),
    "7 with a hook": (7, [[(0.02, 0.1), (0.1, 0.0), (0.6, 0.0), (0.4, 0.4), (0.3, 1.0)]]),
    "4 open": (4, [[(0.1, 0.0), (0.05, 0.6), (0.6, 0.6)], [(0.45, 0.2), (0.45, 1.0)]]),
    "4 in one stroke": (4, [[(0.45, 1.0), (0.45, 0.0), (0.02, 0.65), (0.6, 0.65)]]),
    "9 with a straight stem": (9, [_loop(0.3, 0.25, 0.25, 0.25) + [(0.55, 0.25), (0.55, 1.0)]]),
    "9 with a curled tail": (9, [_loop(0.3, 0.27, 0.26, 0.26) + [(0.5, 0.8), (0.3, 1.0), (0.1, 0.9)]]),
    "2 with a loop": (2, [[(0.03, 0.25), (0.15, 0.05), (0.35, 0.0), (0.52, 0.1), (0.55, 0.3), (0.45, 0.5),
                           (0.1, 0.95), (0.05, 0.85), (0.15, 0.8), (0.25, 0.95), (0.6, 1.0)]]),
    "0 slashed": (0, [_loop(0.3, 0.5, 0.27, 0.48), [(0.5, 0.1), (0.1, 0.9)]]),
    "3 with a flat top": (3, [[(0.05, 0.0), (0.55, 0.0), (0.25, 0.4), (0.52, 0.6), (0.55, 0.85), (0.3, 1.0),
                               (0.03, 0.92)]]),
    "5 with its bar drawn last": (5, [[(0.12, 0.0), (0.08, 0.45), (0.35, 0.4), (0.55, 0.6), (0.52, 0.88), (0.3, 1.0),
                                       (0.03, 0.92)], [(0.12, 0.0), (0.58, 0.0)]]),
    "6 round": (6, [[(0.5, 0.0), (0.2, 0.3), (0.05, 0.7)] + _loop(0.3, 0.72, 0.25, 0.27, start=np.pi)]),
    "8 of two loops": (8, [_loop(0.3, 0.25, 0.2, 0.24), _loop(0.3, 0.74, 0.26, 0.26)]),
}


def glyph(strokes: list, height: int, pen: int, slant: float = 0.0) -> np.ndarray:
    """A white picture of one digit drawn along `strokes`, `pen` px wide, leaning right by
    `slant` of its height from bottom to top."""
    pad = int(0.4 * height)
    picture = np.full((height + 2 * pad, int(0.6 * height) + 2 * pad + height // 3, 3), 255, np.uint8)
    _draw(picture, strokes, (pad + height // 6, pad), height, pen, slant)
    return picture
