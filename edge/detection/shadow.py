"""Paper in a shadow: which darker parts beside the lit sheet are the same paper.

A hand's, a phone's or a window's shadow falls across a page; the digits in it are read. A desk,
however pale, is not paper, and what lies on it is not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from digitcam.edge.detection.components import components
from digitcam.edge.detection.sheet import Sheet, gradient, inner_points

SHADOW_MIN_LIGHT = 0.3  # a shadow leaves paper at least this bright; a dark desk is darker
SHADOW_MAX_TINT = 0.03  # chromaticity difference between lit and shadowed paper (one light, one paper)


# Without colour (the Pi camera's Y plane, a grey picture), paper in a shadow is told by its
# reach or its edge. A shadow falls across part of the page, and the lit part still runs out of
# the picture along SHADOW_SIDE of SHADOW_SIDES of its sides; a sheet with a desk or a room
# around it does not. Or SOFT_SHARE of the lit paper's outline is soft, its step spread over
# more than SOFT_EDGE px (quarter scale): the half-shadow of a hand or a phone under a room's
# lamps (37-50 % of the outline of a sheet between two strips of desk), while a sheet's edge is
# as sharp as the camera's focus (3-4 px; at most 3 % of an outline past SOFT_EDGE) and so is a
# shadow in sunlight, which is not told from a desk.
SHADOW_SIDES, SHADOW_SIDE = 3, 0.25
SOFT_EDGE, SOFT_SHARE = 7.0, 0.2


def same_paper_in_shadow(color: np.ndarray | None, gray: np.ndarray, sheet: np.ndarray,
                          paper: np.ndarray) -> bool:
    """Whether the darker region is the same paper as the sheet in a shadow (of a hand, a
    phone) rather than a desk, which is darker still or of another colour (wood, laminate).
    `color` is None, or has no colour, for a grey frame: then the lit paper's reach or the
    softness of its outline `paper` tells."""
    inside, outside = sheet > 0, sheet == 0
    ratio = float(np.median(gray[outside])) / max(1.0, float(np.median(gray[inside])))
    if ratio < SHADOW_MIN_LIGHT:
        return False
    if color is None or colourless(color):
        sides = (sheet[0], sheet[-1], sheet[:, 0], sheet[:, -1])
        return sum(float(np.mean(side > 0)) >= SHADOW_SIDE for side in sides) >= SHADOW_SIDES or \
            _soft_share(gray, paper) >= SOFT_SHARE
    # Every other pixel each way is plenty for two medians, and four times cheaper.
    color, inside, outside = color[::2, ::2], inside[::2, ::2], outside[::2, ::2]
    pixels = color.reshape(-1, 3).astype(np.float32)
    chroma = pixels / (pixels.sum(axis=1, keepdims=True) + 1.0)
    if not inside.any() or not outside.any():
        return False
    tint = np.abs(np.median(chroma[inside.ravel()], axis=0) - np.median(chroma[outside.ravel()], axis=0))
    return bool(tint.max() < SHADOW_MAX_TINT)


# A shadow falling across a sheet on a desk dims the desk too, and by the same share (a sunlit
# one leaves no soft edge to tell it by, nor, in grey, a tint). A flat region beside the lit
# paper is the paper in a shadow when a region beyond it that reaches the frame's edge (the desk
# in the shadow) is to another beside the lit paper (the desk in the light) as it is to the lit
# paper, within SHADOW_RATIO; in colour, when the tints agree too. The paper beyond a band of
# shadow, as bright as the lit paper, is more of it. The sheet is the outline of these parts,
# and holds at most SHEET_HAS_DESK of either desk. Regions are flat areas of at least
# FLAT_REGION of the frame; two touch when they come within REGION_REACH px (quarter scale) of
# each other, across the steep band around an edge.
SHADOW_RATIO = 1.15
SHEET_HAS_DESK = 0.1
FLAT_REGION = 0.003
REGION_REACH = 10
# Below DARKEST_DESK grey levels, the camera's black level and noise leave a ratio meaningless
# (two dark things in a cluttered room look like a desk in light and shadow); and a shadow on
# the sheet covers at least SHADED_PART of the frame (a bright patch of clutter beside a sheet
# held up is smaller).
DARKEST_DESK = 30
SHADED_PART = 0.02


@dataclass(eq=False)  # one region is itself only
class _Region:
    """A flat area of the quarter-scale frame, between steep edges."""

    labels: np.ndarray  # the frame's flat areas, numbered
    index: int  # this one's number
    level: float  # its brightness, the writing on it closed over
    at_edge: bool  # reaches the frame's edge, as a desk does
    color: np.ndarray | None  # the frame in colour, None in grey

    @cached_property
    def mask(self) -> np.ndarray:
        return self.labels == self.index

    @cached_property
    def reach(self) -> np.ndarray:
        """The mask grown by REGION_REACH px: what it touches."""
        return cv2.dilate(self.mask.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=REGION_REACH) > 0

    @cached_property
    def tint(self) -> np.ndarray | None:
        """Median chromaticity, None in grey. Every other pixel each way is plenty, and four
        times cheaper."""
        if self.color is None:
            return None
        pixels = self.color[::2, ::2][self.mask[::2, ::2]].astype(np.float32)
        if len(pixels) == 0:
            pixels = self.color[self.mask].astype(np.float32)
        return np.median(pixels / (pixels.sum(axis=1, keepdims=True) + 1.0), axis=0)

    def touches(self, other: np.ndarray) -> bool:
        return bool((self.reach & other).any())

    def looks_like(self, other: _Region) -> bool:
        """The same surface in the same light, as far as brightness and tint tell."""
        return _as_bright(self.level, other.level) and _same_tint(self, other)


def sheet_in_shadow(sheet: Sheet, color: np.ndarray | None, paper: np.ndarray) -> np.ndarray | None:
    """The sheet whose lit part is `paper` (quarter scale, 255 inside), with its parts in a
    shadow that falls on the desk too, and the paper beyond a band of shadow; None when no such
    shadow shows. `color` is the frame at the same scale, or None."""
    small = sheet.small
    lit_paper = paper > 0
    if not lit_paper.any():
        return None
    color = None if color is None or colourless(color) else color
    lit = _Region(lit_paper.astype(np.int32), 1, float(np.median(small[lit_paper])), False, color)
    if lit.level < 1:
        return None  # a black ground (a drawing's, in colour): no light for a shadow to take away
    regions, areas = _flat_regions(sheet, color, paper)
    # Most frames have no region dark enough and large enough to be the paper in a shadow.
    if not any(SHADOW_MIN_LIGHT <= r.level / lit.level < 1 / SHADOW_RATIO and area >= SHADED_PART * small.size
               for r, area in zip(regions, areas)):
        return None
    near_paper = cv2.dilate(paper, np.ones((3, 3), np.uint8), iterations=REGION_REACH) > 0
    beside = [r for r in regions if (r.mask & near_paper).any()]
    shaded_parts = [r for r, area in zip(regions, areas) if any(r is b for b in beside) and
                    SHADOW_MIN_LIGHT <= r.level / lit.level < 1 / SHADOW_RATIO and area >= SHADED_PART * small.size]
    for shaded in shaded_parts:
        share = shaded.level / lit.level
        for desk in (r for r in regions if r.at_edge and r is not shaded and r.level >= DARKEST_DESK and
                     r.touches(shaded.mask)):
            for lit_desk in (r for r in beside if r.at_edge and r not in (shaded, desk)):
                # Tints last: brightness rules most frames out, and far more cheaply.
                if not (_as_bright(desk.level / share, lit_desk.level) and _same_tint(shaded, lit) and
                        _same_tint(desk, lit_desk)):
                    continue
                parts = lit_paper | shaded.mask
                for again in (r for r in regions if r.touches(shaded.mask) and r.looks_like(lit)):
                    parts |= again.mask
                sheet = _outline(parts)
                if _leaves_out(sheet, desk.mask) and _leaves_out(sheet, lit_desk.mask):
                    return sheet
    return None


def _flat_regions(sheet: Sheet, color: np.ndarray | None,
                  paper: np.ndarray) -> tuple[list[_Region], list[int]]:
    """The flat areas outside the lit paper, at least FLAT_REGION of the frame each, and their
    sizes in pixels."""
    small, closed = sheet.small, sheet.paper_light
    flat = ~sheet.steep & (paper == 0)
    count, labels, stats = components(flat, 4)
    # Flat, so their mean is their median, and one pass finds them all.
    levels = np.bincount(labels.ravel(), weights=closed.ravel(), minlength=count) / np.maximum(stats[:, 4], 1)
    h, w = small.shape
    regions, areas = [], []
    for i in range(1, count):
        x, y, bw, bh, area = stats[i]
        if area >= FLAT_REGION * small.size:
            regions.append(_Region(labels, i, float(levels[i]), bool(x == 0 or y == 0 or x + bw == w or y + bh == h),
                                   color))
            areas.append(int(area))
    return regions, areas


def _as_bright(one: float, other: float) -> bool:
    return abs(np.log(max(1.0, one) / max(1.0, other))) < np.log(SHADOW_RATIO)


def _same_tint(one: _Region, other: _Region) -> bool:
    return one.tint is None or other.tint is None or bool(np.abs(one.tint - other.tint).max() < SHADOW_MAX_TINT)


def _outline(parts: np.ndarray) -> np.ndarray:
    """The convex outline of `parts`, filled: a sheet's."""
    sheet = np.zeros(parts.shape, np.uint8)
    cv2.fillPoly(sheet, [cv2.convexHull(cv2.findNonZero(parts.astype(np.uint8)))], 255)
    return sheet


def _leaves_out(sheet: np.ndarray, desk: np.ndarray) -> bool:
    """Whether `sheet` holds at most SHEET_HAS_DESK of `desk`."""
    return np.count_nonzero(desk & (sheet > 0)) <= SHEET_HAS_DESK * np.count_nonzero(desk)


def colourless(color: np.ndarray) -> bool:
    """A BGR image made from a grey one (the Pi camera's Y plane): its channels are equal."""
    return bool(np.array_equal(color[..., 0], color[..., 1]) and np.array_equal(color[..., 1], color[..., 2]))


def _soft_share(small: np.ndarray, region: np.ndarray) -> float:
    """The share of `region`'s outline (inside the frame) where the step in light is spread
    over more than SOFT_EDGE px: its size over its steepest slope, both within 6 px (the
    outline may lie a few pixels off the step)."""
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return 0.0
    points = inner_points(max(contours, key=cv2.contourArea), small.shape)
    if len(points) == 0:
        return 0.0
    near = np.ones((13, 13), np.uint8)
    slope = cv2.dilate(gradient(small), near)
    step = cv2.dilate(small, near).astype(np.float32) - cv2.erode(small, near)
    xs, ys = points[:, 0], points[:, 1]
    return float(np.mean(step[ys, xs] > SOFT_EDGE * np.maximum(slope[ys, xs], 1.0)))
