"""Boxes digits are written in, found in the ink mask so that detection can take them out.

One digit per box, as on a form: boxes alone or in a row sharing their walls, printed or drawn
by hand. Read whole, a box and its digit look like an 8 or a 0; cut up by line removal, its
walls look like 1s. Sizes in pixels are at the work scale (page.WORK_HEIGHT).
"""

from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from digitcam.edge.detection.components import components

FRAME_INK = 0.3  # of its box's area, at most: a box drawn around digits is mostly empty
WALLED_INK = 0.6  # the same for printed boxes whose digits touch their walls
# A printed box's walls, at work scale: thin, straight, and running WALL_SPAN of its width (top
# and bottom) or of the height between those (sides). A photo shows them up to WALL_SLANT of
# their length off straight (under 2 degrees); a digit crosses one or runs along it for up to
# WALL_GAP px (sides) or a box's height (top and bottom).
WALL_SPAN, WALL_SLANT = 0.8, 0.03
WALL_THICKNESS = 5  # px: the thickest a printed wall shows in the ink mask
WALL_GAP = 15
BOX_ASPECT = 0.6  # w / h: the narrowest a box is
PITCH_SLACK = 0.15  # of the boxes' pitch: how far a wall of a row of equal boxes may stray (perspective)
BOX_ROW_SHARE = 0.4  # of the frame's height: the tallest a printed box (or row of them) is
# Degrees: a box or row of them turned this much (the sheet askew under the camera) is levelled
# before its walls are looked for; under SLANT_LEAST, WALL_SLANT copes. Levelled, a row may
# stand up to ASKEW_ROOM x taller in the frame than BOX_ROW_SHARE.
SLANT_LEAST, SLANT_MOST = 1.5, 15.0
ASKEW_ROOM = 1.5


def box_ink(mask: np.ndarray, min_height: float) -> np.ndarray:
    """The ink of boxes drawn or printed around digits in the ink mask (`min_height`: the
    smallest digit's height, px).

    Of a printed box, with thin straight walls, that is all but the digits written into it, also
    those that touch the walls and so are one blob with them; a row of them a few degrees askew
    is levelled first, on its own (`_askew_digits`). Any other box (drawn by hand) is
    a mostly empty outline with a digit-sized blob in a hole of its own, and all of it is box; a
    0 or an 8 holds no blob in its loops."""
    _, labels, stats = components(mask)
    px, py, pw, ph, area = stats.T

    def a_box(x: int, y: int, own: np.ndarray) -> bool:
        """A mostly empty outline with a digit-sized blob of its own in one of its holes."""
        h, w = own.shape
        if int(own.sum()) > FRAME_INK * w * h:
            return False
        held = np.nonzero((px > x) & (py > y) & (px + pw < x + w) & (py + ph < y + h) & (ph * 3 >= h))[0]
        return bool(len(held)) and _in_a_hole(own, [(px[j] + pw[j] // 2 - x, py[j] + ph[j] // 2 - y) for j in held])

    box = np.zeros_like(mask)
    # Digits touching the walls of printed boxes add their ink to the outline's.
    candidates = (pw >= min_height) & (ph >= min_height) & (area <= WALLED_INK * pw * ph)
    candidates[0] = False  # the ground
    for i in np.nonzero(candidates)[0]:
        x, y, w, h = stats[i, :4]
        own = labels[y:y + h, x:x + w] == i
        # A row of boxes is a line of writing high; taller outlines (a grid) hold no printed box.
        kept = _askew_digits(own) if h <= ASKEW_ROOM * BOX_ROW_SHARE * len(mask) else None
        found = _straight_walls(own) if kept is None and h <= BOX_ROW_SHARE * len(mask) else None
        if found is not None:
            walls, strokes = found
            # A box out of line with the rest keeps what walls of it were found.
            kept = _digits_left(own & ~walls, strokes, lambda x0, y0, piece: a_box(
                x + x0, y + y0, piece | walls[y0:y0 + piece.shape[0], x0:x0 + piece.shape[1]]))
        if kept is not None:
            box[y:y + h, x:x + w][own & ~kept] = 255
        elif a_box(x, y, own):
            box[y:y + h, x:x + w][own] = 255
    return box


def _askew_digits(own: np.ndarray) -> np.ndarray | None:
    """The digits (a mask like `own`) in a printed box, or row of them, a few degrees askew and
    one blob with digits that touch its walls; None when it is no such box or is level enough.

    Levelled by the turn of the smallest rectangle around it (either way: OpenCV's rectangle
    angle does not say which), its walls are found as in an upright one. Each of its pixels is
    then looked up where the turn took it, so no digit pixel is lost to resampling."""
    (cx, cy), _, angle = cv2.minAreaRect(cv2.findNonZero(own.astype(np.uint8)))
    turn = ((angle + 45.0) % 90.0) - 45.0
    if not SLANT_LEAST <= abs(turn) <= SLANT_MOST:
        return None
    h, w = own.shape
    side = int(np.hypot(h, w)) + 2
    shift = np.array([[0, 0, side / 2 - cx], [0, 0, side / 2 - cy]])
    for sign in (1, -1):
        forward = cv2.getRotationMatrix2D((cx, cy), sign * turn, 1.0) + shift
        level = cv2.warpAffine(own.astype(np.uint8), forward, (side, side), flags=cv2.INTER_NEAREST)
        rows, cols = np.nonzero(level.any(axis=1))[0], np.nonzero(level.any(axis=0))[0]
        y0, x0 = rows[0], cols[0]
        crop = level[y0:rows[-1] + 1, x0:cols[-1] + 1].astype(bool)
        found = _straight_walls(crop)
        if found is None:
            continue
        walls, strokes = found
        kept = np.zeros((side, side), np.uint8)
        kept[y0:rows[-1] + 1, x0:cols[-1] + 1] = _digits_left(crop & ~walls, strokes, lambda *_: False)
        kept = cv2.dilate(kept, np.ones((3, 3), np.uint8))  # rounding, both ways
        ys, xs = np.nonzero(own)
        at = np.rint(forward @ np.stack([xs, ys, np.ones_like(xs)]).astype(np.float64)).astype(int)
        inside = (at[0] >= 0) & (at[0] < side) & (at[1] >= 0) & (at[1] < side)
        out = np.zeros_like(own)
        out[ys[inside], xs[inside]] = kept[at[1, inside], at[0, inside]] > 0
        return out
    return None


def _digits_left(left: np.ndarray, strokes: np.ndarray, a_box: Callable[[int, int, np.ndarray], bool]) -> np.ndarray:
    """What is left of printed boxes once their straight walls are gone: digits that touched
    them, and bits of wall (corners, stubs, two walls side by side, too thick for one) or whole
    boxes out of line with the rest (`a_box`, given a piece's offset and ink, tells). A digit is
    at least a third as tall as the boxes; a wall left standing is box-high, upright and no
    wider than two walls, and holds none of the upright `strokes` found off the walls' pitch."""
    h = left.shape[0]
    count, labels, stats = components(left)
    keep = []
    for i in range(1, count):
        x, y, w, bh = stats[i, :4]
        piece = labels[y:y + bh, x:x + w] == i
        standing = (bh >= 0.6 * h and w <= 2 * WALL_THICKNESS + 3 and _upright(piece)
                    and not strokes[y:y + bh, x:x + w][piece].any())
        if bh * 3 < h or standing or a_box(x, y, piece):
            continue
        keep.append(i)
    return np.isin(labels, keep)


def _upright(piece: np.ndarray) -> bool:
    """Whether a bar stands straight up, as walls do: its middle drifts under half a wall's
    thickness from top to bottom. A handwritten 1 mostly leans (an upright one touching the
    walls is taken for one)."""
    rows = np.nonzero(piece.any(axis=1))[0]
    if len(rows) < 2:
        return False
    middles = np.array([np.nonzero(piece[r])[0].mean() for r in rows])
    return abs(np.polyfit(rows, middles, 1)[0]) * len(rows) < WALL_THICKNESS / 2


def _straight_walls(own: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The walls of a printed box or row of boxes: thin straight lines along its top and bottom,
    and from one to the other at both ends and between; grown by a pixel. None for anything
    else: a box drawn by hand, whose walls wobble, or a digit, which has no thin straight
    sides all round. Digits written into the boxes, touching the walls or not, are left.

    Returned with the walls: the upright strokes that run from top to bottom like them but off
    the boxes' pitch (an upright 1 touching both walls), which are digits."""
    h, w = own.shape
    if w < BOX_ASPECT * h:
        return None  # a 1 or a 7: straight, but no box
    # Cheap first: ink across nearly all of each quarter along the four sides.
    quarters = (own[:h // 4].any(axis=0), own[h - h // 4:].any(axis=0),
                own[:, :w // 4].any(axis=1), own[:, w - w // 4:].any(axis=1))
    if min(float(quarter.mean()) for quarter in quarters) < WALL_SPAN:
        return None
    # A margin of paper: OpenCV's morphology takes what lies beyond the edge as ink.
    pad = max(WALL_GAP, h)
    ink = np.pad(own, pad).astype(np.uint8)
    # The bottom of a digit may run along the bottom wall for as long as a box is wide.
    across = _straight(ink, int(WALL_SPAN * w), horizontal=True, gap=h)[pad:-pad, pad:-pad]
    # The rows a wall runs along (a few, when the photo is askew) are mostly wall; a digit's
    # stroke near a wall only joins it in places.
    slant = int(WALL_SLANT * w) + 1
    band = cv2.dilate(across, np.ones((2 * slant + 1, 1), np.uint8))
    rows = np.nonzero(band.sum(axis=1) >= WALL_SPAN * w / 2)[0]
    across[~np.isin(np.arange(h), rows)] = 0
    top, bottom = rows[rows < h // 4], rows[rows >= h - h // 4]
    if not len(top) or not len(bottom):
        return None
    # Side walls run between the top and bottom ones, less the corners those make thick.
    inner = int(bottom[0]) - int(top[-1])
    down = _straight(ink, int(WALL_SPAN * inner), horizontal=False)[pad:-pad, pad:-pad]
    count, labels, stats = components(down)
    reach = WALL_THICKNESS + 3 + slant
    sides = [i for i in range(1, count) if stats[i, 1] <= top[-1] + reach
             and stats[i, 1] + stats[i, 3] >= bottom[0] - reach]
    lefts = [stats[i, 0] for i in sides]
    if not lefts or min(lefts) >= w // 4 or max(lefts) < w - w // 4:
        return None
    on_pitch = _on_the_pitch([stats[i, 0] + stats[i, 2] / 2 for i in sides], BOX_ASPECT * inner)
    walls = (across > 0) | np.isin(labels, [i for i, wall in zip(sides, on_pitch) if wall])
    strokes = np.isin(labels, [i for i, wall in zip(sides, on_pitch) if not wall])
    return cv2.dilate(walls.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & own, strokes


def _on_the_pitch(centres: list[float], narrowest: float) -> list[bool]:
    """Which upright lines are walls of a row of equal boxes: those on the most even spacing
    from the first to the last, no narrower than `narrowest`, that has a line at every step. A
    digit's straight stroke between them (an upright 1, a 7's stem) is off it. Boxes of unequal
    widths keep every line."""
    x = np.asarray(centres, np.float64)
    first, last = x.min(), x.max()
    for count in range(len(x) - 1, 1, -1):
        pitch = (last - first) / count
        if pitch < narrowest:
            continue
        grid = first + pitch * np.arange(count + 1)
        near = np.abs(x[:, None] - grid[None, :]) <= max(WALL_THICKNESS + 2, PITCH_SLACK * pitch)
        if near.any(axis=0).all():
            return near.any(axis=1).tolist()
    return [True] * len(x)


def _straight(ink: np.ndarray, length: int, horizontal: bool, gap: int = WALL_GAP) -> np.ndarray:
    """The thin ink on straight lines at least `length` long. Where a digit crosses the line or
    runs along it, the ink is thick across it; such gaps up to `gap` are bridged. A photo's
    slant is allowed for by growing the ink across the line by WALL_SLANT of its length: an arc
    (a 0's top) strays further."""
    along, across = (1, 0) if horizontal else (0, 1)

    def kernel(size_along: int, size_across: int) -> np.ndarray:
        shape = [0, 0]
        shape[along], shape[across] = size_along, size_across  # (rows, cols)
        return np.ones(shape, np.uint8)

    thin = ink & (1 - cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel(1, WALL_THICKNESS + 1)))
    bridged = cv2.morphologyEx(thin, cv2.MORPH_CLOSE, kernel(gap, 1))
    grown = cv2.dilate(bridged, kernel(1, 2 * int(WALL_SLANT * length) + 1))
    return cv2.morphologyEx(grown, cv2.MORPH_OPEN, kernel(max(3, length), 1)) & thin


def _in_a_hole(ink: np.ndarray, points: list[tuple[int, int]]) -> bool:
    """Whether any of the points (x, y in the crop) lies in a hole of the ink, walled off from outside."""
    ground = np.pad(~ink, 1, constant_values=True).astype(np.uint8)
    _, labels = cv2.connectedComponents(ground, connectivity=4)
    return any(labels[y + 1, x + 1] not in (0, labels[0, 0]) for x, y in points)
