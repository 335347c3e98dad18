"""Ground added around a picture cropped close, so that ink running off its edge ends on paper.

Cut close around its digits (by hand, by a scanner's software, by another program's
segmentation), a picture has strokes running off its edge. The page's light estimate
(`page.flatten`) sees no paper beyond them and takes wide strokes for shade: the holes of a 0
or a 6 came out as the ink, and a number cut close top and bottom was not read at all. With a
margin of ground all round, the strokes end on paper, as on any page.

A drawing's ground is one grey level, and the margin is that colour. A photo's paper has a
gradient of light, maybe a shadow, a desk or a hand at its edge: the margin goes on with what
the edge shows, but where ink crosses it (darker or lighter than the paper on either side, along
less than RUN_SHARE of the edge), with that paper instead. Only strokes at least STROKE_SHARE
wide call for a margin: a page's grid or rules running off its edge do not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

MARGIN = 0.15  # of the picture's longer side
SAMPLE_SIDE = 128  # px: a photo's edge is looked at with its shorter side this long
RUN_SHARE = 0.5  # of the shorter side: along the edge, darker or lighter runs narrower than this are ink
INK_STEP = 40  # grey levels from a drawing's ground: its ink, not the edge of a smoothed line
PHOTO_STEP = 24  # grey levels from a photo's paper, at the least: its ink
NOISE_STEP = 4  # x the median deviation from the paper along the edge: ink, not grain
# Of the shorter side: a stroke across the edge narrower than this (a rule or a grid line on a
# page, a pencil line) is too thin for the light estimate to take for shade, and needs no margin.
STROKE_SHARE = 0.04
PAPER_SHARE = 0.25  # of the shorter side: wider than a stroke, so the paper's level shows all round one


@dataclass
class Ring:
    """A picture's edge pixels, once each, in order round it (clockwise from the top left
    corner), and the way into the picture from each."""

    ys: np.ndarray
    xs: np.ndarray
    dys: np.ndarray
    dxs: np.ndarray


def added(image: np.ndarray, gray: np.ndarray, ground: int | None) -> tuple[np.ndarray, int]:
    """`image` with a margin of ground all round when ink runs off its edge, and the margin's
    width in pixels; `image` itself and 0 when no ink does. `ground` is a drawing's ground level
    (`drawn.ground_level`), None for a photo."""
    h, w = gray.shape
    pad = math.ceil(MARGIN * max(h, w))
    if ground is not None:
        ring = _ring(h, w)
        ys, xs = ring.ys, ring.xs
        edge = gray[ys, xs].astype(np.int16)
        if not np.any(np.abs(edge - ground) > INK_STEP):
            return image, 0
        at = int(np.argmax(edge == ground))
        colour = image[ys[at], xs[at]]
        value = colour.tolist() if np.ndim(colour) else int(colour)
        return cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=value), pad
    ground_picture = _photo_ground(image, gray)
    if ground_picture is None:
        return image, 0
    padded = cv2.copyMakeBorder(ground_picture, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    padded[pad:pad + h, pad:pad + w] = image
    return padded, pad


def _photo_ground(image: np.ndarray, gray: np.ndarray) -> np.ndarray | None:
    """A picture the size of `image` whose edge shows the paper where ink crosses it (the rest
    as it is), or None when no ink crosses it."""
    h, w = gray.shape
    scale = min(1.0, SAMPLE_SIDE / min(h, w))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    small_gray = cv2.resize(gray, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA) \
        if scale < 1 else gray
    ring = _ring(*small_gray.shape)
    ys, xs = ring.ys, ring.xs
    if len(ys) < 8:
        return None
    window = max(3, int(RUN_SHARE * min(small_gray.shape)) | 1)
    edge = small_gray[ys, xs].astype(np.float32)
    off = edge - _running_median(edge, window)
    noise = float(np.median(np.abs(off)))
    step = max(PHOTO_STEP, NOISE_STEP * noise)
    ink = np.abs(off) > step
    if _longest_run(ink) < STROKE_SHARE * min(small_gray.shape) or \
            not _thick_ink_at_edge(small_gray, float(np.mean(off[ink])) < 0, step, ring, ink):
        return None
    ground = small.copy()
    channels = small[ys, xs].astype(np.float32).reshape(len(ys), -1)
    paper = np.stack([_running_median(c, window) for c in channels.T], axis=1)
    ground[ys, xs] = np.clip(paper, 0, 255).astype(image.dtype).reshape(ground[ys, xs].shape)
    if scale < 1:
        ground = cv2.resize(ground, (w, h), interpolation=cv2.INTER_LINEAR)
    return ground


def _thick_ink_at_edge(gray: np.ndarray, dark: bool, step: float, ring: Ring, crossing: np.ndarray) -> bool:
    """Whether ink crosses the edge at a `crossing` of the `ring` as a stroke at least
    STROKE_SHARE of the shorter side wide. A grid or rules askew run along the edge for a
    stretch, as a stroke crosses it, but thin."""
    side = min(gray.shape)
    kernel = np.ones((max(3, int(PAPER_SHARE * side) | 1),) * 2, np.uint8)
    paper = cv2.dilate(gray, kernel) if dark else cv2.erode(gray, kernel)
    ink = (np.abs(paper.astype(np.int16) - gray) > step).astype(np.uint8)
    # Zeros round it: ink ends at the edge (else its distance to paper there is unbounded).
    inside = cv2.distanceTransform(cv2.copyMakeBorder(ink, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0),
                                   cv2.DIST_L2, 3)[1:-1, 1:-1]
    half = STROKE_SHARE / 2 * side
    depth = min(math.ceil(half), side - 1)  # looked at this far in, where a stroke is its whole width
    ys, xs = ring.ys + ring.dys * depth, ring.xs + ring.dxs * depth
    return bool(np.any(inside[ys[crossing], xs[crossing]] >= half))


def _ring(h: int, w: int) -> Ring:
    """The edge of an h x w picture."""
    if h == 1 or w == 1:
        ys, xs = (a.ravel() for a in np.mgrid[0:h, 0:w])
        return Ring(ys, xs, np.zeros_like(ys), np.zeros_like(xs))
    sides = (  # ys, xs, the way in
        (np.zeros(w, int), np.arange(w), (1, 0)),
        (np.arange(1, h), np.full(h - 1, w - 1), (0, -1)),
        (np.full(w - 1, h - 1), np.arange(w - 2, -1, -1), (-1, 0)),
        (np.arange(h - 2, 0, -1), np.zeros(h - 2, int), (0, 1)),
    )
    return Ring(np.concatenate([ys for ys, _, _ in sides]), np.concatenate([xs for _, xs, _ in sides]),
                np.concatenate([np.full(len(ys), way[0]) for ys, _, way in sides]),
                np.concatenate([np.full(len(ys), way[1]) for ys, _, way in sides]))


def _longest_run(flags: np.ndarray) -> int:
    """The longest run of True round the ring (it wraps)."""
    if flags.all():
        return len(flags)
    rolled = np.roll(flags, -int(np.argmin(flags))).astype(np.int8)  # starts on a False
    steps = np.diff(np.concatenate([rolled, [0]]))
    starts, ends = np.nonzero(steps == 1)[0], np.nonzero(steps == -1)[0]
    return int((ends - starts).max()) if len(starts) else 0


def _running_median(values: np.ndarray, window: int) -> np.ndarray:
    """The median of each value's `window` neighbours round the ring (it wraps)."""
    half = window // 2
    wrapped = np.concatenate([values[-half:], values, values[:half]])
    return np.median(sliding_window_view(wrapped, window), axis=1)
