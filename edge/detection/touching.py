"""Touching digits: where to cut a wide ink blob so that each piece holds one digit.

Only candidates are made here; which reading is right (the whole blob, two pieces, three...)
is for the model to say (`reading.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from digitcam.edge.detection.detect import Box

Piece = tuple["Box", np.ndarray]  # a piece of a blob: its box and its own ink mask inside the box

MAX_PIECES = 5
CUT_DRIFT = 0.02  # ink pixels a cut would cross to stay one column nearer its even position
CUT_ROWS = 40  # taller blobs are cut on every other row


def _cut_path(ink: np.ndarray, lo: int, hi: int, centre: float) -> np.ndarray:
    """The column, row by row, of a top-to-bottom path between columns lo and hi that crosses
    the least ink (moving at most one column per row, so it can slip between slanted digits)."""
    if len(ink) > CUT_ROWS:
        # Found on every other row (a Python step per row is the cost here), then stretched back.
        return np.repeat(_cut_path(ink[::2], lo, hi, centre), 2)[:len(ink)]
    cols = np.arange(lo, hi)
    cost = ink[:, lo:hi].astype(np.float32) + CUT_DRIFT * np.abs(cols - centre)[None, :]
    step = np.zeros(cost.shape, np.int8)
    wall = np.full(1, np.inf, np.float32)
    for row in range(1, len(cost)):
        above = cost[row - 1]
        choices = np.stack([np.concatenate([wall, above[:-1]]), above, np.concatenate([above[1:], wall])])
        best = choices.argmin(axis=0)
        cost[row] += choices[best, np.arange(len(above))]
        step[row] = best - 1
    path = np.empty(len(cost), np.int64)
    path[-1] = int(cost[-1].argmin())
    for row in range(len(cost) - 1, 0, -1):
        path[row - 1] = path[row] + step[row, path[row]]
    return path + lo


def split_options(mask: np.ndarray, box: Box) -> list[list[Piece]]:
    """Ways to cut a wide blob into touching digits: for each likely count of digits, paths
    through the least ink near evenly spaced columns, each piece trimmed to its own ink."""
    x, y, w, h = box
    region = (mask[y:y + h, x:x + w] > 0).astype(np.uint8)
    columns = np.arange(w)[None, :]
    options = []
    # From digits as wide as tall to digits half as wide (a "1" is thinner still, but rare in a row).
    for count in range(max(2, int(w / h)), min(MAX_PIECES, int(np.ceil(w / (0.5 * h)))) + 1):
        reach = w / (3 * count)
        cuts = [np.zeros(h, np.int64)]
        for i in range(1, count):
            centre = i * w / count
            lo, hi = max(int(cuts[-1].max()) + 2, int(centre - reach)), min(w - 2, int(centre + reach) + 1)
            if lo >= hi:
                break
            cuts.append(_cut_path(region, lo, hi, centre))
        else:
            cuts.append(np.full(h, w, np.int64))
            pieces = [_trimmed(region * ((columns >= left[:, None]) & (columns < right[:, None])), x, y)
                      for left, right in zip(cuts, cuts[1:])]
            # A piece without a digit's height is a stroke's end, not a digit.
            if all(piece is not None and piece[0][3] >= 0.5 * h for piece in pieces):
                options.append(pieces)
    return options


def _trimmed(own: np.ndarray, x: int, y: int) -> Piece | None:
    """A piece's box (offset by x, y) and its ink mask, cut to the ink; None when it has none."""
    rows, cols = np.nonzero(own.any(axis=1))[0], np.nonzero(own.any(axis=0))[0]
    if len(rows) == 0:
        return None
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    return (x + x0, y + y0, x1 - x0, y1 - y0), own[y0:y1, x0:x1] * 255


def stacked_split(mask: np.ndarray, box: Box, row: int) -> list[Piece]:
    """The upper and lower halves of a blob joined across a horizontal gap at `row`."""
    x, y, w, h = box
    region = (mask[y:y + h, x:x + w] > 0).astype(np.uint8)
    pieces = []
    for top, bottom in ((0, row - y), (row - y, h)):
        own = np.zeros_like(region)
        own[top:bottom] = region[top:bottom]
        pieces.append(_trimmed(own, x, y))
    return pieces if all(piece is not None for piece in pieces) else []


def parts_split(labels: np.ndarray, box: Box, sides: list[list[int]]) -> list[Piece]:
    """The pieces of a blob joined from parts side by side: the ink of each side's component
    `labels` (they may overlap across, as slanting digits do)."""
    x, y, w, h = box
    region = labels[y:y + h, x:x + w]
    pieces = [_trimmed(np.isin(region, side).astype(np.uint8), x, y) for side in sides]
    return pieces if all(piece is not None for piece in pieces) else []  # type: ignore[return-value]
