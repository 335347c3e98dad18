"""Narrow bands of shadow across a page: a pen's held over it, a lamp's arm, a camera stand's.

A shadow narrower than the closing that estimates the paper's light is wiped out by it like
ink, and read as a long stroke that takes the digits it crosses with it; on a sheet lying on a
desk it also cuts the sheet in two. It runs straight for SHADE_LENGTH px (work scale) at least
and out of the picture, since what casts it stands outside; it is at least SHADE_THICKNESS px
thick (thinner lines are rules, left to `detect._lines`); and shade and ink are darker than
SHADE_DARK of the light around them. A desk or a shadow along the frame's edge is no band: it
touches the frame along its length, while a band crossing the page touches it at its ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from digitcam.edge.detection.components import components

# Sizes at work scale, as page.py's (which imports this module): half its WORK_HEIGHT, and its
# FLAT_KERNEL, a closing wider than any pen stroke.
SHADE_LENGTH = 240
LIFT_CLOSING = 61
SHADE_THICKNESS = 8  # px at work scale
SHADE_DARK = 0.9
SHADE_POINTS = 400  # pixels enough to fit a band's direction, and far faster than all
SHADE_CONTACT = 0.25  # of its length: the most of a band that may lie along the frame's edge
SHADE_MIN_LIGHT, SHADE_EVEN = 0.3, 0.05  # see _even_shade
SHADE_EDGE = 5  # px past a band (at the scale looked at) that its light reaches: its soft edges


@dataclass
class Band:
    """A narrow band of shadow, at the scale it was found at."""

    scale: int  # found in an image at 1/scale of work scale
    box: tuple[int, int, int, int]  # x, y, width, height there
    direction: tuple[float, float]  # a unit vector along it
    region: np.ndarray  # inside `box`: the band grown past its soft edges


def find_bands(light: np.ndarray, image: np.ndarray, scale: int, paper: np.ndarray | None = None) -> list[Band]:
    """The narrow bands of shadow in `image` (1/`scale` of work scale), `light` being the
    paper's light estimated by a closing wider than they are. Only bands lying mostly on
    `paper` (non-zero there), if given, count."""
    darker = (image < SHADE_DARK * light.astype(np.float32)).astype(np.uint8)
    count, labels, stats = components(darker)
    h, w = image.shape
    length = SHADE_LENGTH // scale
    thick = np.ones((max(1, SHADE_THICKNESS // scale),) * 2, np.uint8)
    bands = []
    left, top, wide, tall = (stats[:, k] for k in range(4))
    long = (np.maximum(wide, tall) >= length) & ((left == 0) | (top == 0) | (left + wide == w) | (top + tall == h))
    for i in np.nonzero(long[1:])[0] + 1:
        x, y, bw, bh, _ = stats[i]
        window = np.s_[y:y + bh, x:x + bw]
        # Rules, grid lines and pen strokes are thinner, and go.
        part = cv2.morphologyEx((labels[window] == i).astype(np.uint8), cv2.MORPH_OPEN, thick)
        ys, xs = np.nonzero(part)
        if len(xs) < length * thick.shape[0]:
            continue
        every = max(1, len(xs) // SHADE_POINTS)
        points = np.column_stack((xs[::every], ys[::every])).astype(np.float32)
        if min(cv2.minAreaRect(points)[1]) > length:
            continue  # no band, even with digits beside it: a desk, a wide shadow
        dx, dy = _direction(points)
        along = _line_kernel(dx, dy, length // 2)
        band = cv2.morphologyEx(part, cv2.MORPH_OPEN, along)
        ys, xs = np.nonzero(band)
        if len(xs) == 0 or np.ptp(xs * dx + ys * dy) < length or \
                (paper is not None and np.count_nonzero(paper[window][band > 0]) < len(xs) / 2):
            continue
        along_edge = (xs + x == 0) | (ys + y == 0) | (xs + x == w - 1) | (ys + y == h - 1)
        if np.count_nonzero(along_edge) > SHADE_CONTACT * np.ptp(xs * dx + ys * dy):
            continue  # a desk or a shadow along the frame's edge, its other side out of the picture
        if _even_shade(cv2.morphologyEx(image[window], cv2.MORPH_CLOSE, along), light[window], band):
            # Grown well past its soft edges: off the band, the closing along it is the paper itself.
            region = cv2.dilate(band, np.ones((3, 3), np.uint8), iterations=SHADE_EDGE) > 0
            bands.append(Band(scale, (int(x), int(y), int(bw), int(bh)), (dx, dy), region))
    return bands


def shade_bands(light: np.ndarray, image: np.ndarray, bands: list[Band], scale: int, sharp: bool = False) -> None:
    """Gives each band its own light in `light`, for `image` at 1/`scale` of work scale (as
    fine as the bands were found at, or finer): a closing along it, which wipes out of it the
    ink strokes crossing it, far shorter than the band, and follows its edges however sharp (a
    pen lying across the page and out of it). `sharp`: the shade reaches a pixel past them."""
    for band in bands:
        zoom = band.scale // scale
        x, y, w, h = (v * zoom for v in band.box)
        window = np.s_[y:y + h, x:x + w]
        region = cv2.resize(band.region.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
        shade = cv2.morphologyEx(image[window], cv2.MORPH_CLOSE, _line_kernel(*band.direction, SHADE_LENGTH // 2 // scale))
        # A line kernel a fraction of a degree off the band's direction stops a pixel short of a
        # sharp edge along it (a pen's), which stayed as a broken line of ink, its last piece read
        # as a 1. Not where the sheet is looked for: the rim this lights cuts a sheet from the desk.
        if sharp:
            shade = cv2.erode(shade, np.ones((3, 3), np.uint8))
        light[window][region] = np.minimum(light[window][region], shade[region])


def _direction(points: np.ndarray) -> tuple[float, float]:
    """The direction of a band's pixels, fitted robustly but cheaply: a least-squares line, then
    again without the points far off it (the digits it crosses)."""
    dx, dy, x0, y0 = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01)[:, 0]
    off = np.abs((points[:, 0] - x0) * dy - (points[:, 1] - y0) * dx)
    near = points[off <= 2 * np.median(off) + 1]
    if len(near) >= 2:
        dx, dy = cv2.fitLine(near, cv2.DIST_L2, 0, 0.01, 0.01)[:2, 0]
    return float(dx), float(dy)


def _even_shade(shade: np.ndarray, light: np.ndarray, band: np.ndarray) -> bool:
    """Whether `band` is shade: its middle (its soft edges left out) at least SHADE_MIN_LIGHT of
    the light around it, and as dark all along within SHADE_EVEN (the lighter of its darkest
    tenth and quarter). The dark beams and columns of a building are darker, or uneven."""
    core = cv2.erode(band, np.ones((3, 3), np.uint8)) > 0
    if not core.any():
        return False
    share = shade[core].astype(np.float32) / np.maximum(light[core], 1).astype(np.float32)
    tenth, quarter = np.percentile(share, (10, 25))
    return bool(tenth >= SHADE_MIN_LIGHT and quarter - tenth <= SHADE_EVEN)


def lift_bands(image: np.ndarray, scale: int) -> np.ndarray:
    """`image` (1/`scale` of work scale) with its narrow bands of shadow lifted to the light
    around them, so that a sheet they cross is still one bright region."""
    kernel = (LIFT_CLOSING // scale) | 1
    light = cv2.morphologyEx(image, cv2.MORPH_CLOSE, np.ones((kernel, kernel), np.uint8))
    shaded = light.copy()
    shade_bands(shaded, image, find_bands(light, image, scale), scale)
    lifted = shaded < light
    if not lifted.any():
        return image
    out = image.astype(np.float32)
    out[lifted] *= light[lifted].astype(np.float32) / np.maximum(shaded[lifted], 1)
    return np.clip(out, 0, 255).astype(np.uint8)


def _line_kernel(dx: float, dy: float, length: int) -> np.ndarray:
    """A structuring element: a line `length` px long in the direction (`dx`, `dy`)."""
    side = length | 1
    kernel = np.zeros((side, side), np.uint8)
    half = (side - 1) / 2
    ends = [(round(half + sign * dx * half), round(half + sign * dy * half)) for sign in (-1, 1)]
    cv2.line(kernel, ends[0], ends[1], 1)
    return kernel
