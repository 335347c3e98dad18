"""The page under the camera: where the sheet is, its light divided out, which way round the ink is.

Detection (`detect.py`) looks for ink only where this module says there is paper, in an
image whose light it has evened out, with dark ink on a light ground.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Detection runs on frames scaled to this height: 480-line frames are used as they are,
# larger ones are reduced, so sizes in pixels here and in detect.py are for a 480-line frame.
WORK_HEIGHT = 480

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


def find_sheet(gray: np.ndarray) -> Sheet | None:
    """The largest bright region, if it stands out from its surroundings by a sharp edge."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
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


def paper_mask(gray: np.ndarray, color: np.ndarray | None = None) -> np.ndarray:
    """Where to look for ink: the sheet, its edge trimmed, or the whole frame.

    Ink is looked for only inside a sheet, so its own edge against the desk and
    whatever lies on the desk, or bright things around a sheet held up (a wall, the
    sky, a face), are never read. When no distinct sheet shows (the camera sees only
    paper, or the darker part is the same paper in a shadow, as the BGR `color` frame
    or, in grey, the lit paper's reach or its soft edge tells), the whole frame counts.
    """
    h, w = gray.shape
    whole = np.full((h, w), 255, np.uint8)
    sheet = find_sheet(gray)
    if sheet is None:
        return whole
    small = sheet.small
    if color is not None:
        color = cv2.resize(color, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA)
    paper = _paper_only(sheet)
    if _same_paper_in_shadow(color, small, sheet.mask, paper):
        return whole
    # The band along the edge is shadow, and the adaptive threshold marks up to half its
    # neighbourhood (block // 2 px, 4 px here at quarter scale) beyond a step as ink.
    mask = cv2.erode(paper, np.ones((3, 3), np.uint8), iterations=4)
    return cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST)


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


def _same_paper_in_shadow(color: np.ndarray | None, gray: np.ndarray, sheet: np.ndarray,
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


def colourless(color: np.ndarray) -> bool:
    """A BGR image made from a grey one (the Pi camera's Y plane): its channels are equal."""
    return bool(np.array_equal(color[..., 0], color[..., 1]) and np.array_equal(color[..., 1], color[..., 2]))


# Grey levels per pixel (quarter scale, blurred): paper's light changes more slowly than this
# across a sheet, and the sheet's edge faster against anything else, however bright.
SHEET_FLOOD = 4
SHEET_CORE = 0.1  # of the frame: a smaller region filled from the sheet's middle is not all of it
SHEET_LINES = 5  # px at quarter scale: darker lines up to about this wide are on the paper, not its edge
SHEET_BAND = 4  # px at quarter scale: how far short of a sheet's edge the fill stops, blurred as it is


def _paper_only(sheet: Sheet) -> np.ndarray:
    """The sheet's outline less the bright things that touch it (a wall, the sky, a face, a
    flower), which the bright region takes in: the paper reached from the deepest point of the
    sheet without crossing an edge, its outline filled (digits inside it are paper too)."""
    small = sheet.small
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # The frame's border bounds the depth too: the sky or a wall running out of the picture is no deeper.
    depth = cv2.distanceTransform(np.pad(bright & sheet.mask, 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    y, x = np.unravel_index(int(depth.argmax()), depth.shape)
    # Closed over thin dark lines first (rules, a grid, pen strokes): they are on the paper.
    paper_light = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((SHEET_LINES, SHEET_LINES), np.uint8))
    # An edge stops the fill where it is steep, not only where it steps: along a blurred edge
    # lying a little askew, the light changes slowly enough to creep across it pixel by pixel.
    filled = np.pad((_gradient(paper_light) > SHEET_FLOOD).astype(np.uint8), 1, constant_values=1)
    cv2.floodFill(paper_light, filled, (int(x), int(y)), 0, SHEET_FLOOD, SHEET_FLOOD,
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


def _soft_share(small: np.ndarray, region: np.ndarray) -> float:
    """The share of `region`'s outline (inside the frame) where the step in light is spread
    over more than SOFT_EDGE px: its size over its steepest slope, both within 6 px (the
    outline may lie a few pixels off the step)."""
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return 0.0
    points = _inner_points(max(contours, key=cv2.contourArea), small.shape)
    if len(points) == 0:
        return 0.0
    near = np.ones((13, 13), np.uint8)
    slope = cv2.dilate(_gradient(small), near)
    step = cv2.dilate(small, near).astype(np.float32) - cv2.erode(small, near)
    xs, ys = points[:, 0], points[:, 1]
    return float(np.mean(step[ys, xs] > SOFT_EDGE * np.maximum(slope[ys, xs], 1.0)))


def _gradient(small: np.ndarray) -> np.ndarray:
    """Grey levels per pixel, the strongest within a pixel: a step sits within one of a contour."""
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3) / 8
    return cv2.dilate(np.hypot(gx, gy), np.ones((3, 3), np.uint8))


def _inner_points(contour: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A contour's points, leaving out where it runs along the frame border."""
    points = contour.reshape(-1, 2)
    h, w = shape
    return points[(points[:, 0] > 1) & (points[:, 0] < w - 2) & (points[:, 1] > 1) & (points[:, 1] < h - 2)]


def _edge_strength(small: np.ndarray, contour: np.ndarray) -> float:
    """Median brightness gradient along a contour, leaving out where it runs along the frame border."""
    inner = _inner_points(contour, small.shape)
    if len(inner) == 0:
        return 0.0
    # The step sits within a pixel or two of the Otsu boundary; take the strongest response there.
    return float(np.median(_gradient(small)[inner[:, 1], inner[:, 0]]))


DARK_BACKGROUND = 100  # median grey below which the ground may be dark and the ink light
SHEET_SOLIDITY = 0.8  # a sheet is mostly bright inside its outline; a bright digit's outline is not
STANDS_OUT, STANDS_OUT_NOISE = 12, 4  # grey levels, and x the median deviation: brighter or darker than noise


def light_ink(gray: np.ndarray) -> bool:
    """Light strokes on a dark ground: chalk on a board, a white-on-black drawing.

    The ground is dark and what stands out is brighter than it (dim paper stands out by
    darker ink instead), and the bright part is not a solid sheet lying on a dark desk.
    """
    sample = gray[::4, ::4]
    median = float(np.median(sample))
    if median >= DARK_BACKGROUND:
        return False
    # What stands out is counted, not how far the tails reach: a few small digits on a page
    # photographed whole are under 1 % of it, and the noise of a dim sensor would decide.
    noise = float(np.median(np.abs(sample - median)))
    step = max(STANDS_OUT, STANDS_OUT_NOISE * noise)
    if int((sample > median + step).sum()) <= int((sample < median - step).sum()):
        return False
    sheet = find_sheet(gray)
    return sheet is None or sheet.solidity < SHEET_SOLIDITY


FLAT_KERNEL = WORK_HEIGHT // 8 + 1  # px at work scale: wider than any pen stroke
# px at work scale: wider than a bold marker's stroke on a digit that fills the picture. Dark
# strips this narrow are taken for ink only where paper surrounds them; at the frame's edge they
# are shadow, wider than FLAT_KERNEL or not.
BOLD_KERNEL = WORK_HEIGHT // 4 + 1
BOLD_DEPTH = 0.92  # of the light the wider closing sees: darker than this is ink it wiped out
PAPER_LEVEL = 220.0


def flatten(gray: np.ndarray, light: np.ndarray | None = None) -> np.ndarray:
    """The page with its light divided out: paper at one level in light and shadow, ink kept.

    `light` is `paper_light(gray)`, when the caller has it already.
    """
    smooth = cv2.GaussianBlur(gray, (5, 5), 0)  # sensor noise and paper grain
    light = _light(smooth) if light is None else light
    flat = smooth.astype(np.float32) * (PAPER_LEVEL / np.maximum(light, 1).astype(np.float32))
    return np.clip(flat, 0, 255).astype(np.uint8)


def paper_light(gray: np.ndarray) -> np.ndarray:
    """The brightness the paper has at each pixel, in light and shadow, with the ink wiped out."""
    return _light(cv2.GaussianBlur(gray, (5, 5), 0))


def _light(smooth: np.ndarray) -> np.ndarray:
    """A grey closing wider than any stroke wipes out the ink but keeps the light, shadow edges
    included (a closing leaves steps and ramps as they are)."""
    # Found at half size (4x cheaper) and brought back; a closing is never darker than what it
    # closes, so neither is the light.
    h, w = smooth.shape
    half = cv2.resize(smooth, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    light = _closing(half, FLAT_KERNEL)
    _relight_bold_ink(light, _closing(half, BOLD_KERNEL))
    light = np.maximum(cv2.resize(light, (w, h), interpolation=cv2.INTER_LINEAR), smooth)
    _relight_enclosed_ink(light)
    return light


def _closing(half: np.ndarray, kernel: int) -> np.ndarray:
    """A grey closing at half scale by a square `kernel` px wide at work scale."""
    return cv2.morphologyEx(half, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kernel // 2 | 1,) * 2))


def _relight_bold_ink(light: np.ndarray, wider: np.ndarray) -> None:
    """Strokes wider than FLAT_KERNEL (a bold marker close up) survive the closing and would be
    divided out as shade, leaving the digit in pieces. A closing as wide as BOLD_KERNEL wipes
    them out; where it sees the light brighter, in a patch with paper all round it, the patch is
    ink and takes that light. A patch at the frame's edge is a strip of shadow, left as it is."""
    darker = light < BOLD_DEPTH * wider.astype(np.float32)
    labels, patches = _enclosed_patches(darker)
    if not patches:
        return
    # Grown a little: the patch's rim is only a little darker, and would stay a ring of shade.
    region = cv2.dilate(np.isin(labels, patches).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    light[region] = np.maximum(light[region], wider[region])


def _enclosed_patches(mask: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The connected patches of `mask` with no pixel on the frame's edge, as (labels, their
    numbers). Shadows and desks reach the edge, since what casts them stands outside the picture."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    h, w = mask.shape
    x, y, bw, bh = (stats[:, k] for k in range(4))
    enclosed = (x > 0) & (y > 0) & (x + bw < w) & (y + bh < h)
    return labels, [i for i in range(1, count) if enclosed[i]]


SHADOW_DEPTH = 0.6  # light below this share of the paper's is a shadow, a desk, or solid ink


def _relight_enclosed_ink(light: np.ndarray) -> None:
    """Ink wider than the closing (a filled loop, a marker digit close to the camera) survives it
    and would be divided out as shadow. Shadows and desks reach the frame's edge, since what casts
    them stands outside the picture; a dark patch with paper all round it is ink, and gets the
    light of the paper around it."""
    h, w = light.shape
    small = cv2.resize(light, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small, 90))
    labels, patches = _enclosed_patches(small < SHADOW_DEPTH * paper)
    for i in patches:
        patch = (labels == i).astype(np.uint8)
        ring = (cv2.dilate(patch, np.ones((5, 5), np.uint8)) > 0) & (patch == 0)
        level = float(np.median(small[ring])) if ring.any() else paper
        region = cv2.resize(patch, (w, h), interpolation=cv2.INTER_NEAREST) > 0
        region = cv2.dilate(region.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        light[region] = np.maximum(light[region], np.uint8(min(255.0, level)))
