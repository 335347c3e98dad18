"""A pen or a pencil lying on the sheet: one long straight bar, thicker than rules, no digit.

Read as a 1, it also made the digits beside it, far smaller, look like specks or degree signs to
`marks.sift`; touching the writing, it was one blob with the digits it touched, and the rest of
the row, inside its box, was left out with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from digitcam.edge.detection.components import components
from digitcam.edge.detection.marks import runs

if TYPE_CHECKING:
    from digitcam.edge.detection.detect import Box

# One straight bar: a connected part with BAR_OWN of its box's ink, BAR_LENGTH x longer than
# thick, filling BAR_FILL of the turned rectangle around it. A 1 written as a bar is less than
# BAR_TALL x as long as the digits beside it are tall, and leans less than 60 degrees (under
# BAR_FLAT x wider than tall): MNIST's 1s lean up to 50, and a page turned under the camera adds to it.
BAR_OWN, BAR_LENGTH, BAR_FILL, BAR_TALL, BAR_FLAT = 0.9, 6.0, 0.75, 2.0, 1.7
# x the digits' height: a part reaching this far is more than writing, and a pen in it is cut out.
PEN_REACH = 3.0
PEN_CORE = 0.5  # of its thickest: a pen's middle, along which its direction is fitted
PEN_CONTACT = 0.25  # of a part's length: the most of it that may lie along the frame's edge
PEN_POINTS = 400  # of the middle's pixels at most: enough to fit it by, and far faster than all
PEN_TOUCHES = 2  # digits touching a pen at most: more are a line of writing or print run together


def bar_length(mask: np.ndarray, box: Box, area: int) -> float:
    """The length of the ink in `box` (`area` pixels of it) if it is one straight bar, BAR_LENGTH
    x longer than thick and filling BAR_FILL of the turned rectangle around it; else 0."""
    x, y, w, h = box
    count, labels, stats = components(mask[y:y + h, x:x + w])
    if count < 2:
        return 0.0
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    size = int(stats[largest, cv2.CC_STAT_AREA])
    if size < BAR_OWN * area:
        return 0.0  # more than one stroke: a digit, or a bar with a digit beside it
    return _straight(labels == largest)


def _straight(part: np.ndarray) -> float:
    """The length of `part` (boolean) if it is one straight bar, else 0."""
    contours, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return 0.0
    _, (a, b), _ = cv2.minAreaRect(max(contours, key=cv2.contourArea))
    long, short = max(a, b), max(1.0, min(a, b))
    return float(long) if long >= BAR_LENGTH * short and np.count_nonzero(part) >= BAR_FILL * long * short else 0.0


def without_pens(found: list[Box], bars: dict[Box, float]) -> list[Box]:
    """`found` less the straight bars among it (`bars`, with their lengths) that are no 1:
    BAR_TALL x longer than the other blobs are tall, or lying flatter than a 1 ever leans (BAR_FLAT
    x wider than tall)."""
    if not bars:
        return found
    others = [box[3] for box in found if box not in bars]
    digit = float(np.median(others)) if others else float("inf")
    return [box for box in found
            if box not in bars or (bars[box] < BAR_TALL * digit and box[2] < BAR_FLAT * box[3])]


def cut_pens(mask: np.ndarray, labels: np.ndarray, stats: np.ndarray, parts: list[int], digit: float) -> bool:
    """Takes out of `mask` the pens touching the writing (see `_pen_in`) among the connected
    `parts` (labels in `labels`, with `stats`), `digit` being the digits' height. Says whether
    it took any."""
    cut = False
    for i in parts:
        x, y, w, h = (int(v) for v in stats[i, :4])
        if max(w, h) < PEN_REACH * digit:
            continue
        part = labels[y:y + h, x:x + w] == i
        if _along_the_edge(part, (x, y), mask.shape, max(w, h)):
            continue  # a strip of desk or shadow at the frame's edge, not read anyway
        pen = _pen_in(part, digit)
        if pen is None:
            continue
        mask[y:y + h, x:x + w][cv2.dilate(pen.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = 0
        cut = True
    return cut


def _along_the_edge(part: np.ndarray, at: tuple[int, int], frame: tuple[int, ...], length: int) -> bool:
    """Whether `part` (boolean, its box's corner `at`) lies along the frame's edge for more than
    PEN_CONTACT of its `length`: a pen running out of the picture crosses the edge."""
    x, y = at
    h, w = part.shape
    rows = [r for r in (0, frame[0] - 1) if y <= r < y + h]
    cols = [c for c in (0, frame[1] - 1) if x <= c < x + w]
    contact = sum(np.count_nonzero(part[r - y]) for r in rows) + sum(np.count_nonzero(part[:, c - x]) for c in cols)
    return contact > PEN_CONTACT * length


def _pen_in(part: np.ndarray, digit: float) -> np.ndarray | None:
    """The pen in a connected `part` of the ink (boolean), if there is one: a straight bar along
    the part's thickest ink, unbroken for PEN_REACH x the digits' height (`digit`) and BAR_LENGTH
    x its thickness, with one to PEN_TOUCHES digits touching it, each far shorter than it (a 7's
    stem is long, but so is the 7). A bar alone is left to `without_pens`, which knows the
    digits' height better: here lines of print make it small, and a handwritten 1 below them
    would pass for a pen."""
    depth = cv2.distanceTransform(np.pad(part.astype(np.uint8), 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    half = float(depth.max())  # half the pen's thickness: it is the thickest ink
    ys, xs = np.nonzero(depth >= PEN_CORE * half)
    if len(xs) < 2:
        return None
    every = max(1, len(xs) // PEN_POINTS)
    core = np.column_stack((xs[::every], ys[::every])).astype(np.float32)
    dx, dy, x0, y0 = cv2.fitLine(core, cv2.DIST_HUBER, 0, 0.01, 0.01)[:, 0]
    ys, xs = np.nonzero(part)
    along = np.round((xs - x0) * dx + (ys - y0) * dy).astype(int)
    near = np.abs((xs - x0) * dy - (ys - y0) * dx) <= half + 1
    # Where the bar runs unbroken: at least half its thickness across at every step along it.
    start = int(along.min())
    steps = np.bincount(along[near] - start, minlength=int(along.max()) - start + 1) >= half
    unbroken = runs(steps)
    if not unbroken:
        return None
    first, end = (start + v for v in max(unbroken, key=lambda run: run[1] - run[0]))
    length = end - first
    if length < PEN_REACH * digit or length < BAR_LENGTH * 2 * half:
        return None
    pen = np.zeros_like(part)
    on = near & (along >= first) & (along < end)
    pen[ys[on], xs[on]] = True
    rest = part & (cv2.dilate(pen.astype(np.uint8), np.ones((3, 3), np.uint8)) == 0)
    count, _, sizes = components(rest)
    extents = sizes[1:, 2:4].max(axis=1) if count > 1 else np.zeros(0)
    touching = np.count_nonzero(extents >= digit / 2)
    if not 1 <= touching <= PEN_TOUCHES or PEN_REACH * extents.max() > length:
        return None
    return pen
