"""Where the sheet is: the largest bright region standing out by a sharp edge, less the bright
things that touch it.

Found in the frame at quarter scale, blurred: sizes in pixels here are at that scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from digitcam.edge.detection.bands import lift_bands

SHEET_CONTRAST = 50  # grey levels between a sheet and the desk around it
SHEET_EDGE = 6.0  # grey levels per pixel (quarter scale, blurred) across a sheet's edge; light falls off slower
# A sheet at least this bright is held to the two figures above; a dimmer one (a dim room, an
# evening window) to them in proportion to its brightness, as its contrast and edge are.
LIT_SHEET = 150


@dataclass
class Sheet:
    """A distinct bright sheet in a quarter-scale, blurred grey image."""

    small: np.ndarray  # the quarter-scale image
    mask: np.ndarray  # the sheet's convex hull, filled
    solidity: float  # the share of the hull that is bright: paper with writing on it is mostly bright

    @cached_property
    def paper_light(self) -> np.ndarray:
        """`small` closed over thin dark lines (rules, a grid, pen strokes): they are on the paper."""
        return cv2.morphologyEx(self.small, cv2.MORPH_CLOSE, np.ones((SHEET_LINES, SHEET_LINES), np.uint8))

    @cached_property
    def steep(self) -> np.ndarray:
        """Where `paper_light` changes faster than paper's light does: an edge."""
        return gradient(self.paper_light) > SHEET_FLOOD


def find_sheet(gray: np.ndarray) -> Sheet | None:
    """The largest bright region, if it stands out from its surroundings by a sharp edge."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    # A pen's or a stand's shadow across the sheet would cut it in two.
    small = lift_bands(cv2.GaussianBlur(small, (5, 5), 0), 4)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    sheet = max(contours, key=cv2.contourArea)
    if not 0.1 * small.size <= cv2.contourArea(sheet) <= 0.97 * small.size:
        return None
    mask = np.zeros_like(small)
    cv2.drawContours(mask, [cv2.convexHull(sheet)], -1, 255, thickness=cv2.FILLED)
    inside, outside = small[mask > 0], small[mask == 0]
    if outside.size == 0:
        return None
    paper = float(np.median(inside))
    light = min(1.0, paper / LIT_SHEET)
    if paper - float(np.median(outside)) < SHEET_CONTRAST * light:
        return None  # uneven light on one big sheet, not a sheet on a desk
    if _edge_strength(small, sheet) < SHEET_EDGE * light:
        return None  # a soft boundary: light falling off across the page, not the page's edge
    return Sheet(small, mask, float(np.count_nonzero(bright[mask > 0])) / max(1, np.count_nonzero(mask)))


# Grey levels per pixel (quarter scale, blurred): paper's light changes more slowly than this
# across a sheet, and the sheet's edge faster against anything else, however bright.
SHEET_FLOOD = 4
SHEET_CORE = 0.1  # of the frame: a smaller region filled from the sheet's middle is not all of it
SHEET_LINES = 5  # px at quarter scale: darker lines up to about this wide are on the paper, not its edge
SHEET_BAND = 4  # px at quarter scale: how far short of a sheet's edge the fill stops, blurred as it is


def paper_only(sheet: Sheet) -> np.ndarray:
    """The sheet's outline less the bright things that touch it (a wall, the sky, a face, a
    flower), which the bright region takes in: the paper reached from the deepest point of the
    sheet without crossing an edge, its outline filled (digits inside it are paper too)."""
    small = sheet.small
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # The frame's border bounds the depth too: the sky or a wall running out of the picture is no deeper.
    depth = cv2.distanceTransform(np.pad(bright & sheet.mask, 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    y, x = np.unravel_index(int(depth.argmax()), depth.shape)
    # Filled over the paper closed over thin dark lines. An edge stops the fill where it is steep,
    # not only where it steps: along a blurred edge lying a little askew, the light changes slowly
    # enough to creep across it pixel by pixel.
    filled = np.pad(sheet.steep.astype(np.uint8), 1, constant_values=1)
    cv2.floodFill(sheet.paper_light, filled, (int(x), int(y)), 0, SHEET_FLOOD, SHEET_FLOOD,
                  4 | cv2.FLOODFILL_MASK_ONLY | (255 << 8))
    paper = np.where(filled[1:-1, 1:-1] == 255, 255, 0).astype(np.uint8)
    if np.count_nonzero(paper) < SHEET_CORE * small.size:
        return sheet.mask
    # Grown back over the steep band the fill stopped short of, up to the sheet's edge.
    paper = cv2.dilate(paper, np.ones((3, 3), np.uint8), iterations=SHEET_BAND)
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    outline = np.zeros_like(small)
    cv2.drawContours(outline, [cv2.convexHull(max(contours, key=cv2.contourArea))], -1, 255, thickness=cv2.FILLED)
    return outline & sheet.mask


def gradient(small: np.ndarray) -> np.ndarray:
    """Grey levels per pixel, the strongest within a pixel: a step sits within one of a contour."""
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3) / 8
    return cv2.dilate(np.hypot(gx, gy), np.ones((3, 3), np.uint8))


def inner_points(contour: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A contour's points, leaving out where it runs along the frame border."""
    points = contour.reshape(-1, 2)
    h, w = shape
    return points[(points[:, 0] > 1) & (points[:, 0] < w - 2) & (points[:, 1] > 1) & (points[:, 1] < h - 2)]


def _edge_strength(small: np.ndarray, contour: np.ndarray) -> float:
    """Median brightness gradient along a contour, leaving out where it runs along the frame border."""
    inner = inner_points(contour, small.shape)
    if len(inner) == 0:
        return 0.0
    # The step sits within a pixel or two of the Otsu boundary; take the strongest response there.
    return float(np.median(gradient(small)[inner[:, 1], inner[:, 0]]))
