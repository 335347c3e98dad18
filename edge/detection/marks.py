"""Marks written among digits that are not digits: dots, dashes, colons, equals and plus signs,
commas, degree signs, apostrophes.

A time, a price, a date, a sum: the model knows only digits and reads any blob as one, so these
are told by their shape and by the digits beside them before anything is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import cv2
import numpy as np

if TYPE_CHECKING:
    from digitcam.edge.detection.detect import Box

MARK_SHARE = 4  # x a blob's height: a digit this much taller beside it makes the blob a dot or a speck
# A pen's dot or dash (a decimal point, half a colon, a hyphen): round or flat, and filled, its box
# at least DOT_FILL ink (a disc fills 79 %), beside a digit DOT_SHARE x its height or taller. A small
# digit has a hole (0, 6, 8, 9) or its strokes leave much of its box empty. A dash (a minus sign)
# as long as a digit is wide is small by its height. A colon or an equals sign, two dots or dashes
# of a size one above the other, is no digit at all: a digit beside it as tall as it makes it a mark.
DOT_FILL = 0.6
DOT_SHARE = 1.8
COLON_SHARE = 1.0
# A comma, a degree sign, an apostrophe: a mark OFF_LINE_SHARE x smaller than the digits beside it,
# at most OFF_LINE_WIDTH x their height wide, wholly outside the middle of their row: below or
# above OFF_LINE of the row's height from its top and bottom.
OFF_LINE, OFF_LINE_SHARE, OFF_LINE_WIDTH = 0.4, 1.25, 0.5
# A plus sign: a stroke across and one upright (each up to SIGN_SLANT, a tangent, off level or
# plumb) crossing so that each of the four arms reaches SIGN_ARM of the blob's width or height,
# with all but SIGN_STRAY of the ink on the two. Beside a digit SIGN_SHARE x its height or taller,
# such a blob is read only when the model is sure of it (reading.SIGN_MIN_SURENESS): an open 4
# with a short hook passes the shape test, and so does a small or blurred digit whose ink has run
# into a blob.
SIGN_SLANT, SIGN_ARM, SIGN_STRAY, SIGN_SHARE = 0.35, 0.25, 0.03, 1.1
SIGN_ASPECT = (0.75, 1.35)  # w / h of a plus sign's box
EQUALS_RIDGE, EQUALS_COLUMNS = 0.7, 0.7  # see equals_sign
SIGN_LOOK = 48  # px: a larger blob is told at this size, as its shape is the same and the cost far less
# Drawn with a pointer (the canvas), a stroke is straight when no point strays from the line
# between its ends by more than STRAIGHT of its length, nor runs past its ends.
STRAIGHT = 0.15
# Every stroke of a pointer's point, colon, comma or degree sign spans under DRAWN_MARK of the
# height of the tallest character drawn beside it, pen included: a digit's strokes span most of it.
DRAWN_MARK = 0.3


def sift(found: list[Box], parts: list[list], mask: np.ndarray, flat: np.ndarray,
         solid: Callable[[Box], bool]) -> tuple[list[Box], set[Box]]:
    """`found` less the marks among it, and the boxes left that may be plus or equals signs (to
    be read only when the model is sure of them). `parts` are the merged parts `found` came from
    ([x, y, w, h, ink area, cut row, colon, ...], as `detect._merge` makes them), `mask` the
    ink, `flat` the grey image with its light evened out, and `solid(box)` says whether it
    shows no lighter hole in a box, as a pen's dot shows none."""
    shares = {tuple(p[:4]): COLON_SHARE if p[6] else DOT_SHARE for p in parts if p[6] or dot_or_dash(p)}
    kept = [box for box in found if not beside_a_digit(
        box, found, shares[box] if box in shares and solid(box) else MARK_SHARE)]
    signs = {(x, y, w, h) for x, y, w, h in kept if beside_a_digit((x, y, w, h), kept, SIGN_SHARE)
             and (plus_sign(mask[y:y + h, x:x + w]) or equals_sign(flat[y:y + h, x:x + w]))}
    return kept, signs


def dot_or_dash(part: list, typical: float | None = None) -> bool:
    """Whether a part ([x, y, w, h, ink area, ...]) is filled and round or flat, as a pen's dot or
    dash is (a 1 is tall), and DOT_SHARE x smaller than a `typical` digit (bold letters of print
    are round and filled too)."""
    _, _, w, h, area = part[:5]
    size = h if w >= 2 * h else max(w, h)  # a dash, a minus sign: as long as a digit is wide
    small = typical is None or DOT_SHARE * size <= typical
    return small and w >= 0.5 * h and area >= DOT_FILL * w * h


def drawn_mark(strokes: list[np.ndarray], pen: float, tallest: float) -> bool:
    """Whether pointer strokes ((x, y) points each), grouped as one character, are a point, a
    colon, a comma or a degree sign beside a character `tallest` px tall: each stroke, `pen`
    wide, spans under DRAWN_MARK of that height."""
    spans = [float(np.ptp(np.asarray(points, float), axis=0).max()) + pen for points in strokes]
    return bool(spans) and max(spans) < DRAWN_MARK * tallest


def drawn_sign(strokes: list[np.ndarray]) -> bool:
    """Whether pointer strokes ((x, y) points each), grouped as one character, are a minus, an
    equals or a plus sign: one straight level stroke, two stacked, or a level one and a plumb one
    crossing each SIGN_ARM or more from its ends. No digit is drawn so: a 4's, a 5's, a 7's
    strokes bend, and a 1's serif or base meets its stem at an end."""
    lines = [_straight(np.asarray(points, float)) for points in strokes]
    if not 1 <= len(lines) <= 2 or any(line is None for line in lines):
        return False
    level = [abs(dy) <= SIGN_SLANT * abs(dx) for (_, _, dx, dy) in lines]
    if len(lines) == 1:
        return level[0]
    if all(level):  # an equals sign: one dash above the other, sharing most of their width
        (x0, y0, dx0, _), (x1, y1, dx1, _) = lines
        (a0, b0), (a1, b1) = sorted((x0, x0 + dx0)), sorted((x1, x1 + dx1))
        return min(b0, b1) - max(a0, a1) >= 0.5 * min(b0 - a0, b1 - a1) and \
            abs(y1 - y0) <= max(abs(dx0), abs(dx1))
    plumb = [abs(dx) <= SIGN_SLANT * abs(dy) for (_, _, dx, dy) in lines]
    if sorted(level) != [False, True] or sorted(plumb) != [False, True]:
        return False
    (x0, y0, dx0, dy0), (x1, y1, dx1, dy1) = lines
    # Where the two lines cross, as shares t and u of the way along each.
    det = dx1 * dy0 - dx0 * dy1
    t = (dx1 * (y1 - y0) - dy1 * (x1 - x0)) / det
    u = (dx0 * (y1 - y0) - dy0 * (x1 - x0)) / det
    return SIGN_ARM <= t <= 1 - SIGN_ARM and SIGN_ARM <= u <= 1 - SIGN_ARM


def _straight(points: np.ndarray) -> tuple[float, float, float, float] | None:
    """A stroke's start and its run (x, y, dx, dy) when it is straight (see STRAIGHT), else None."""
    start, run = points[0], points[-1] - points[0]
    length = float(np.hypot(*run))
    if len(points) < 2 or length == 0:
        return None
    along = (points - start) @ run / length
    off = np.abs((points - start) @ np.array((-run[1], run[0])) / length)
    if off.max() > STRAIGHT * length or along.min() < -STRAIGHT * length or along.max() > (1 + STRAIGHT) * length:
        return None
    return float(start[0]), float(start[1]), float(run[0]), float(run[1])


def plus_sign(mask: np.ndarray) -> bool:
    """Whether the ink `mask` of one blob's box is a plus sign (see SIGN_SLANT)."""
    h, w = mask.shape
    if not SIGN_ASPECT[0] <= w / h <= SIGN_ASPECT[1]:
        return False
    if max(h, w) > SIGN_LOOK:
        scale = SIGN_LOOK / max(h, w)
        h, w = max(1, round(h * scale)), max(1, round(w * scale))
        mask = cv2.resize((mask > 0).astype(np.uint8) * 255, (w, h), interpolation=cv2.INTER_AREA) >= 64
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return False
    inside = cv2.distanceTransform(np.pad(mask, 1).astype(np.uint8), cv2.DIST_L2, 3)
    pen = 2 * float(np.percentile(inside[inside > 0], 90))  # a stroke's width, not where two cross
    reach = pen / 2 + max(1.0, 0.04 * max(w, h))  # with a hand's wobble
    across, row, tilt = _stroke(xs, ys, w / 2, reach)
    upright, column, lean = _stroke(ys, xs, h / 2, reach)
    if np.mean(across | upright) < 1 - SIGN_STRAY:
        return False
    y = row  # where the strokes cross, the two lines solved for it in two steps
    for _ in range(2):
        x = column + lean * (y - h / 2)
        y = row + tilt * (x - w / 2)
    return _arms(xs, across & ~upright, x, w, pen, reach) and _arms(ys, upright & ~across, y, h, pen, reach)


def equals_sign(grey: np.ndarray) -> bool:
    """Whether a blob's box in the grey image (dark ink on light) is an equals sign whose dashes
    the ink mask ran together (a marker's, drawn close, or blurred): down EQUALS_COLUMNS of its
    middle columns, two dark runs, one above its middle and one below, and between them paper
    lighter than EQUALS_RIDGE of the darker that runs out of both sides. A 0's hole is closed,
    and a 2 or a 7 written flat crosses the middle."""
    h, w = grey.shape
    if w < SIGN_ASPECT[0] * h or h < 5:
        return False
    dark = float(grey.max()) - cv2.blur(grey.astype(np.float32), (1, 3))  # smoothed down the columns
    ink = dark >= EQUALS_RIDGE * dark.max(axis=0)
    left, right = w // 4, w - w // 4
    split = []
    for x in range(left, right):
        found = runs(ink[:, x])
        if len(found) == 2 and found[0][1] <= h / 2 <= found[1][0]:
            split.append((x, (found[0][1] + found[1][0]) // 2))
    if len(split) < EQUALS_COLUMNS * (right - left):
        return False
    # The paper between the dashes reaches both sides (padded with paper), not around the ink:
    # the rows above and below it, where the blurred box has none, are left out.
    rows = np.flatnonzero(ink.any(axis=1))
    paper = np.pad(~ink[rows[0]:rows[-1] + 1], ((0, 0), (1, 1)), constant_values=True).astype(np.uint8)
    _, labels = cv2.connectedComponents(paper, connectivity=4)
    x, y = split[len(split) // 2]
    return bool(labels[y - rows[0], x + 1] == labels[0, 0] == labels[0, -1])


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """The runs of True in a 1-D array, as (start, end) with end exclusive."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _arms(along: np.ndarray, own: np.ndarray, crossing: float, extent: int, pen: float, reach: float) -> bool:
    """Whether a stroke's own ink (off the other stroke, which reaches `reach` either side of the
    `crossing`) goes SIGN_ARM of the blob's `extent` out on both sides, as a stroke `pen` wide
    does: with ink along the whole way."""
    for side in (along[own] - crossing, crossing - along[own]):
        arm = side[side > 0]
        if arm.size == 0 or arm.max() < SIGN_ARM * extent or arm.size < 0.5 * pen * (arm.max() - reach):
            return False
    return True


def _stroke(along: np.ndarray, off: np.ndarray, middle: float, reach: float) -> tuple[np.ndarray, float, float]:
    """The straight band `reach` either side of a line holding the most ink, the line at most
    SIGN_SLANT off the `along` axis: which pixels lie in it, and the line's offset at `middle`
    and its slope."""
    best = (-1, 0.0, 0.0)
    for slope in np.linspace(-SIGN_SLANT, SIGN_SLANT, 9):
        position = np.sort(off - slope * (along - middle))
        # Per pixel as the band's low edge: how many pixels lie within 2 * reach above it.
        inside = np.searchsorted(position, position + 2 * reach, side="right") - np.arange(len(position))
        k = int(inside.argmax())
        if inside[k] > best[0]:
            best = (int(inside[k]), float(position[k] + reach), float(slope))
    _, offset, slope = best
    return np.abs(off - slope * (along - middle) - offset) <= reach, offset, slope


def beside_a_digit(box: Box, boxes: list[Box], share: float = MARK_SHARE) -> bool:
    """Whether `box` is a dot or a speck next to a digit `share` x its height or taller (a decimal
    point, a full stop after a number, a stray mark): written digits side by side are of a size.
    A filled dot, or a colon, needs a digit less tall beside it: a marker's dot is big.

    A narrow mark OFF_LINE_SHARE x smaller than the digits beside it is a comma on the line, or
    a degree sign or an apostrophe above it, when it lies wholly below or above the middle of
    their row (the line through the middles of the digits on either side: a row may be written
    aslant). A smaller digit in a row reaches its middle."""
    x, y, w, h = box
    left: Box | None = None
    right: Box | None = None
    for other in boxes:
        bx, by, bw, bh = other
        apart = max(bx - (x + w), x - (bx + bw), 0)
        above_or_below = max(by - (y + h), y - (by + bh), 0)
        if other == box or apart >= bh or above_or_below >= bh / 2:
            continue
        if bh >= share * h:
            return True
        if bh >= OFF_LINE_SHARE * h and w <= OFF_LINE_WIDTH * bh:
            if bx + bw / 2 < x + w / 2:
                left = other if left is None or bx > left[0] else left
            else:
                right = other if right is None or bx < right[0] else right
    neighbours = [b for b in (left, right) if b is not None]
    return bool(neighbours) and _off_the_row(box, neighbours[0], neighbours[-1])


def _off_the_row(box: Box, left: Box, right: Box) -> bool:
    """Whether `box` lies wholly below or above the middle band of the row through the digits
    `left` and `right` of it (the same digit when there is one): the band reaches 0.5 - OFF_LINE
    of the row's height either side of the line through their middles."""
    x, y, w, h = box
    (x0, y0, h0), (x1, y1, h1) = ((bx + bw / 2, by + bh / 2, bh) for bx, by, bw, bh in (left, right))
    t = 0.5 if x1 == x0 else (x + w / 2 - x0) / (x1 - x0)
    middle, height = y0 + t * (y1 - y0), h0 + t * (h1 - h0)
    clear = (0.5 - OFF_LINE) * height
    return y >= middle + clear or y + h <= middle - clear


