"""Pictures made on a computer (an MNIST file, a canvas drawing, a paint program's, a
screenshot), told from photos by a ground of one exact grey level, and what that ground tells:
which side of it the ink lies, a frame drawn round it, ink too faint in grey, and where on a
large canvas the ink lies.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from digitcam.edge.detection.margin import INK_STEP
from digitcam.edge.detection.page import WORK_HEIGHT

# Of the border's pixels, the share at exactly its most common level for a computer-made ground.
FLAT_BORDER = 0.9
# A computer-made digit cropped close reaches the border with its ink: then a smaller share of
# the border will do, as long as what is off the ground level is ink, far from it, and not
# noise around it (of those pixels, a camera's are nearly all within NOISE_LEVELS of the ground).
INKED_BORDER = 0.25
NOISE_LEVELS = 12
NOISE_SHARE = 0.4
INK_WIDTH = 2  # px: the thinnest line a page's ink mask keeps
FRAME_SHARE = 0.25  # of a picture's shorter side: the widest frame or margin looked through for one
FRAME_LEVELS = 12  # grey levels: a ring of a frame or ground within this of one level (JPEG's noise)
# Grey levels between a drawing's ground and its ink under which the ink is made to stand out by
# its colour: blue on black, yellow on white or a pale grey pen are 30-50 levels apart in grey,
# near INK_STEP, and a page's threshold leaves them out.
FAINT_DRAWING = 128
FAINTEST_INK = INK_STEP // 2  # grey levels from the ground: fainter than this, nothing was drawn
INK_PEAK = 99  # percentile of the ink's distance from the ground taken for its darkest (JPEG's outliers above)
# A drawing taller than a page's work height is looked at reduced to it, and a small digit on a
# large canvas came out a few pixels tall, or grown into a blot by the thickening a one-pixel
# pencil needs. Such a drawing is read trimmed to its ink, with a margin of TRIM_MARGIN of the
# ink's longer side, in a window no smaller than a page's (WORK_HEIGHT lines, 4:3).
TRIM_MARGIN = 0.25
TRIM_PAD = 8  # px: the least margin, however small the ink


def computer_made(gray: np.ndarray) -> bool:
    """Whether the ground is one exact grey level: no camera or scanner noise on it, though the
    digit's ink may reach the picture's edge."""
    if gray.size == 0:
        return True
    counts = np.bincount(_border(gray), minlength=256)
    ground = int(counts.argmax())  # ground_level, with the counts kept
    exact = counts[ground] / counts.sum()
    if exact >= FLAT_BORDER:
        return True
    near = (counts[max(0, ground - NOISE_LEVELS):ground + NOISE_LEVELS + 1].sum() - counts[ground]) / counts.sum()
    return exact >= INKED_BORDER and near <= NOISE_SHARE * (1 - exact)


def ground_level(gray: np.ndarray) -> int:
    """A computer-made picture's ground: its border's most common grey level. (Its median is
    the ink's when a bold digit cropped close covers half the border.)"""
    return int(np.bincount(_border(gray), minlength=256).argmax())


def drawn_light(gray: np.ndarray, ground: int) -> bool:
    """Whether a computer-made picture's ink is lighter than its `ground` level. Told by the whole
    picture's median instead, a digit cropped close, half of it ink, may come out inverted."""
    ink = gray[np.abs(gray.astype(np.int16) - ground) > INK_STEP]
    return ink.size > 0 and float(ink.mean()) > ground


def standing_out(image: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """A computer-made picture whose ink is faint in grey, in grey with the ink as far from the
    ground as it goes (the picture itself otherwise, or when it is a photo).

    A pixel's ink is its largest difference from the ground's colour in any channel: where a
    stroke's edge blends into the ground, that grows with the stroke's coverage, as grey does
    for black on white. The ink keeps its side of the ground, darker or lighter.
    """
    if not computer_made(gray):
        return image
    ground = ground_level(gray)
    colour = image[..., :3] if image.ndim == 3 else gray[..., None]
    edge = _border(colour)[_border(gray) == ground]
    tint = np.median(edge, axis=0).astype(np.int16)
    far = np.abs(colour.astype(np.int16) - tint).max(axis=2)
    ink = far > FAINTEST_INK
    if not ink.any():
        return image
    in_grey = np.abs(gray[ink].astype(np.int16) - ground)
    if np.percentile(in_grey, INK_PEAK) >= FAINT_DRAWING:
        return image  # black on white, and any ink that stands out in grey: as it is
    peak = max(float(np.percentile(far[ink], INK_PEAK)), INK_STEP)
    strength = np.clip(far * (255.0 / peak), 0, 255).astype(np.uint8)
    return 255 - strength if float(gray[ink].mean()) < ground else strength


def _border(gray: np.ndarray) -> np.ndarray:
    return np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])


def frame_width(gray: np.ndarray) -> int:
    """How far in a frame drawn around a computer-made picture reaches (a canvas' outline, a
    screenshot's border, a box drawn around the digit): 0 when there is none.

    The ground is what the border stands for everywhere else (a drawing's, MNIST's, light or
    dark ink's); under a frame the border is the frame's colour instead. Rings of one grey level
    (give or take JPEG's noise) are peeled off the edge until ink is reached; the innermost run
    of them, two or more of one level, is the ground, and what lies outside it is the frame.
    """
    limit = int(FRAME_SHARE * min(gray.shape[:2]))
    levels: list[int] = []
    for k in range(limit):
        ring = _border(gray[k:gray.shape[0] - k, k:gray.shape[1] - k]).astype(np.int16)
        level = int(np.median(ring))
        if np.mean(np.abs(ring - level) <= FRAME_LEVELS) < FLAT_BORDER:
            break
        levels.append(level)
    start = len(levels)
    while start > 0 and abs(levels[start - 1] - levels[-1]) <= FRAME_LEVELS:
        start -= 1
    return start if start > 0 and len(levels) - start >= 2 else 0


def ink_window(gray: np.ndarray) -> tuple[int, int, int, int] | None:
    """The window of a computer-made picture over WORK_HEIGHT lines tall that its ink lies in,
    with a margin of ground, when that is less tall than the picture; None otherwise, or for a
    photo. Read in it, the ink is reduced less, or not at all."""
    h, w = gray.shape
    if h <= WORK_HEIGHT or not computer_made(gray):
        return None
    rows, cols = np.nonzero(np.abs(gray.astype(np.int16) - ground_level(gray)) > INK_STEP)
    if len(rows) == 0:
        return None
    pad = max(TRIM_PAD, round(TRIM_MARGIN * max(cols.max() - cols.min(), rows.max() - rows.min())))
    y0, y1 = _window(rows.min() - pad, rows.max() + 1 + pad, WORK_HEIGHT, h)
    if y1 - y0 >= h:
        return None
    x0, x1 = _window(cols.min() - pad, cols.max() + 1 + pad, WORK_HEIGHT * 4 // 3, w)
    return x0, y0, x1 - x0, y1 - y0


def _window(start: int, end: int, least: int, limit: int) -> tuple[int, int]:
    """[start, end) grown about its middle to at least `least` long, then moved or cut to lie
    within [0, limit)."""
    grow = max(0, least - (end - start))
    start, end = start - grow // 2, end + grow - grow // 2
    shift = max(0, -start) - max(0, end - limit)
    return max(0, int(start + shift)), min(limit, int(end + shift))


def thickened(image: np.ndarray, reduction: float, light: bool) -> np.ndarray:
    """A drawing with its ink grown to what two pixels become when it is reduced `reduction` times.

    A page's ink mask takes out lines under two pixels wide (specks and grain), and reduced by
    area, a one-pixel pencil line in a large drawing fades to a faint grey that no longer reads
    as ink; grown first, it stays a line two pixels wide.
    """
    grow = math.ceil(INK_WIDTH * max(1.0, reduction))
    spread = cv2.dilate if light else cv2.erode
    return spread(image, np.ones((grow, grow), np.uint8))
