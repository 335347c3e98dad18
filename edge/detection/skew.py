"""The slant of a page in the frame, from its long straight lines, so that it can be levelled.

Rules, grid lines and the walls of printed boxes are taken out of the ink because they are
long, straight and level (or upright); a sheet a few degrees askew under the camera makes
them neither, and they stay, read as rows of 1s. Levelling the frame first keeps the tests
simple. A page with no such lines (plain paper, a drawing) is left as it is.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitcam.edge.detection.components import components
from digitcam.edge.detection.page import WORK_HEIGHT

# px at work scale: lines this long count (rules, grid, a form's row of boxes); digits and
# print are shorter, and their strokes thicker than THIN_LINE. So is a row of a few boxes drawn
# by hand, each a little out of line with the next, which would mislead the measure below.
LINE_LENGTH = WORK_HEIGHT // 2
THIN_LINE = 4       # px at half work scale
# Degrees: under LEAST the tests for lines and walls cope (boxes.WALL_SLANT, the slack in
# detect._lines), and turning would only blur them; beyond MOST a page is not lined up at all.
LEAST, MOST = 2.5, 15.0
STEP = 0.25         # degrees: the finest turn tried; Hough's angles come at twice it
VOTES = 5           # strongest lines of each kind that vote for the slant
NEAR = 3.0          # degrees: Hough's angles this close to their median are tried
SHARPER = 1.2       # how much more the lines must pile up on rows and columns once levelled


def slant(work: np.ndarray) -> float:
    """The turn, in degrees as `level` (and cv2.getRotationMatrix2D) take it, that brings the
    page's long thin lines level or upright; 0.0 when there are none, or they are within LEAST
    of it already."""
    h, w = work.shape
    half = cv2.resize(work, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(half, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12)
    thick = cv2.dilate(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((THIN_LINE, THIN_LINE), np.uint8)),
                       np.ones((3, 3), np.uint8))
    thin = cv2.bitwise_and(ink, cv2.bitwise_not(thick))
    # Only what runs long: digits and print are left out, and with them most of the cost.
    count, labels, stats = components(thin)
    long = np.maximum(stats[:, 2], stats[:, 3]) >= LINE_LENGTH // 2
    long[0] = False  # the ground
    if not long.any():
        return 0.0
    lines = long[labels].astype(np.uint8) * 255
    angles: list[float] = []
    # Hough at half this scale again, and coarser, costs a twelfth (a dense grid has many
    # pixels); the turn is refined below.
    rough = (cv2.resize(lines, (max(1, lines.shape[1] // 2), max(1, lines.shape[0] // 2)),
                        interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    # Hough angles are the normal's: upright lines near 0 (or 180 degrees), level ones near 90.
    for low, high in ((0.0, MOST), (180.0 - MOST, 180.0), (90.0 - MOST, 90.0 + MOST)):
        found = cv2.HoughLines(rough, 1, np.deg2rad(2 * STEP), LINE_LENGTH // 4,
                               min_theta=np.deg2rad(low), max_theta=np.deg2rad(high))
        if found is not None:
            angles += [float(np.rad2deg(theta)) for theta in found.reshape(-1, 2)[:VOTES, 1]]
    if not angles:
        return 0.0
    # A normal past 90 degrees (or past 0) is a line turned counter-clockwise on screen (y
    # points down), which getRotationMatrix2D's positive angle turns back.
    turns = sorted(round((((a + 45.0) % 90.0) - 45.0) / STEP) * STEP for a in angles)
    middle = turns[len(turns) // 2]
    if abs(middle) < LEAST:
        return 0.0  # most lines level or upright already: the common case, and cheap
    # The turn that levels the lines is the one that piles them up on fewest rows and columns.
    # Boxes drawn side by side a little out of line have a slanted line through the tops of
    # them all, which Hough sees; levelled, it makes them pile up worse than they did.
    seen: dict[float, float] = {}

    def piled(turn: float) -> float:
        if turn not in seen:
            seen[turn] = _sharpness(level(lines, turn)[0] if turn else lines)
        return seen[turn]

    best = max({t for t in turns if abs(t - middle) <= NEAR} | {0.0}, key=piled)
    # Hough's angles are each a line's; the page's may lie between them.
    for step in (1.0, 0.5, STEP):
        best = max((best - step, best, best + step), key=piled)
    if not LEAST <= abs(best) <= MOST or piled(best) < SHARPER * piled(0.0):
        return 0.0
    return best


def _sharpness(lines: np.ndarray) -> float:
    """How much of the ink lies on few rows and columns: level and upright lines pile up."""
    ink = lines > 127
    return float((ink.sum(axis=1).astype(np.float64) ** 2).sum() + (ink.sum(axis=0).astype(np.float64) ** 2).sum())


def level(image: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """`image` turned by `angle` degrees about its centre, its corners filled from its edges,
    and the 2x3 matrix that takes its pixels back to the image's."""
    h, w = image.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(image, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return turned, cv2.invertAffineTransform(turn)


def box_back(box: tuple[int, int, int, int], back: np.ndarray) -> tuple[float, float, float, float]:
    """The upright box, in the image before levelling, around a box in the levelled one."""
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], np.float64) @ back.T
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)
