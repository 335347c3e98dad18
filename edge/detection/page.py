"""The page under the camera: where to look for ink, its light divided out, which way round the ink is.

Detection (`detect.py`) looks for ink only where this module says there is paper (the sheet
`sheet.py` finds, with what `shadow.py` says is more of it in a shadow), in an image whose light
it has evened out (narrow bands of shadow from `bands.py` included), with dark ink on a light
ground.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitcam.edge.detection.bands import find_bands, shade_bands
from digitcam.edge.detection.components import components
from digitcam.edge.detection.shadow import same_paper_in_shadow, sheet_in_shadow
from digitcam.edge.detection.sheet import find_sheet, paper_only

# Detection runs on frames scaled to this height: 480-line frames are used as they are,
# larger ones are reduced, so sizes in pixels here and in detect.py are for a 480-line frame.
WORK_HEIGHT = 480


def paper_mask(gray: np.ndarray, color: np.ndarray | None = None) -> np.ndarray:
    """Where to look for ink: the sheet, its edge trimmed, or the whole frame.

    Ink is looked for only inside a sheet, so its own edge against the desk and
    whatever lies on the desk, or bright things around a sheet held up (a wall, the
    sky, a face), are never read. When no distinct sheet shows (the camera sees only
    paper, or the darker part is the same paper in a shadow, as the BGR `color` frame
    or, in grey, the lit paper's reach or its soft edge tells), the whole frame counts.
    A sheet on a desk takes in its parts in a shadow that falls on the desk too
    (`shadow.sheet_in_shadow`).
    """
    h, w = gray.shape
    whole = np.full((h, w), 255, np.uint8)
    sheet = find_sheet(gray)
    if sheet is None:
        return whole
    small = sheet.small
    if color is not None:
        color = cv2.resize(color, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA)
    paper = paper_only(sheet)
    in_shadow = sheet_in_shadow(sheet, color, paper)
    if in_shadow is not None:
        paper = in_shadow
    elif same_paper_in_shadow(color, small, sheet.mask, paper):
        return whole
    # The band along the edge is shadow, and the adaptive threshold marks up to half its
    # neighbourhood (block // 2 px, 4 px here at quarter scale) beyond a step as ink.
    mask = cv2.erode(paper, np.ones((3, 3), np.uint8), iterations=4)
    return cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST)


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


def paper_light(gray: np.ndarray, paper: np.ndarray | None = None) -> np.ndarray:
    """The brightness the paper has at each pixel, in light and shadow, with the ink wiped out.
    Narrow bands of shadow are looked for on `paper` (`paper_mask(gray)`), if given: elsewhere
    the columns of a building or the trunks of trees are as long, straight and dark."""
    return _light(cv2.GaussianBlur(gray, (5, 5), 0), paper)


def _light(smooth: np.ndarray, paper: np.ndarray | None = None) -> np.ndarray:
    """A grey closing wider than any stroke wipes out the ink but keeps the light, shadow edges
    included (a closing leaves steps and ramps as they are)."""
    # Found at half size (4x cheaper) and brought back; a closing is never darker than what it
    # closes, so neither is the light.
    h, w = smooth.shape
    half = cv2.resize(smooth, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    light = _closing(half, FLAT_KERNEL)
    _relight_bold_ink(light, _closing(half, BOLD_KERNEL))
    on = None if paper is None else cv2.resize(paper, (half.shape[1], half.shape[0]), interpolation=cv2.INTER_NEAREST)
    bands = find_bands(light, half, 2, on)
    light = np.maximum(cv2.resize(light, (w, h), interpolation=cv2.INTER_LINEAR), smooth)
    shade_bands(light, smooth, bands, 1, sharp=True)  # at full scale, where a sharp edge lies
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
    count, labels, stats = components(mask)
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
