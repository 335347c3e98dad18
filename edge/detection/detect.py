"""Finding handwritten digits on paper in a camera frame.

Dark ink on light paper (or light ink on a dark ground), under uneven light and shadows,
on white, ruled or squared paper or in the boxes of a form, with the desk around the sheet.
`page.py` finds the sheet and evens out its light, `skew.py` levels a lined page that lies
askew; here adaptive thresholding marks the ink, boxes drawn around digits (`boxes.py`) and long
thin lines (rules, grid) are removed, and the ink is grouped into digit-shaped boxes, leaving
out ink far fainter than the page's digits (the back of the sheet showing through, alone or
touching a digit), lines of text (`textlines.py`), punctuation and signs between digits
(`marks.py`), and, on a sheet with a desk or a room around it, blobs without paper all round.
Small digits in a large frame get a second, closer look (`closer.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from operator import attrgetter, itemgetter
from typing import Callable, TypeVar

import cv2
import numpy as np

from digitcam.edge.detection import boxes, closer, marks, pens, skew, textlines
from digitcam.edge.detection.components import components
from digitcam.edge.detection.page import PAPER_LEVEL, WORK_HEIGHT, flatten, light_ink, paper_light, paper_mask
from digitcam.edge.detection.touching import Piece, parts_split, split_options, stacked_split
from digitcam.edge.preprocess import to_gray

Box = tuple[int, int, int, int]  # x, y, w, h in source-frame pixels
T = TypeVar("T")


@dataclass
class DetectConfig:
    min_height: int = 12          # px at WORK_HEIGHT: under 1 cm on an A4 sheet filling the frame
    max_height_share: float = 0.9  # of the frame height
    min_aspect: float = 0.08      # w / h: a "1" is thin
    max_aspect: float = 1.6
    min_density: float = 0.04     # ink pixels / box area
    max_density: float = 0.88     # solid blobs are shadows, not strokes (markers reach ~0.8)
    block: int = 31               # adaptive threshold neighbourhood, odd
    offset: int = 20              # how much darker than its surroundings ink must be
    merge_gap: float = 0.3        # gap, as a share of the typical digit height, bridged when merging parts
    merge_aspect: float = 1.1     # a merged box may be at most this much wider than tall
    border_margin: int = 2        # px: blobs this near the frame's edge are cut off by it (-1: none is)
    closer_look: bool = True      # look again, at the frame's own resolution, at small digits in large frames
    text_lines: bool = True       # leave out blobs in lines of text
    rules: bool = True            # take out long straight thin lines (rules, grid); a drawing has none
    clutter: bool = True          # leave out blobs without paper all round (`_on_paper`); a drawing has none
    zoom: float = 1.0             # how much closer than the work scale this look is (closer.py)
    light_ink: bool | None = None  # light strokes on a dark ground; None: told from the frame (page.light_ink)


# A photo of a single digit: it may fill the frame, so no page-sized limits.
ONE_DIGIT_PHOTO = DetectConfig(max_height_share=1.0, max_aspect=2.5)


@dataclass
class Detection:
    """One ink blob. A wide one may be digits that touch: `splits` holds ways to cut it into
    pieces (each piece a Detection), and the model decides between them and the whole
    (`reading.read`). `whole` is False when the blob is far too wide to be one digit, and
    `wide` True when it is wider than digits usually are, and `sign` when it is shaped like a
    plus sign and smaller than a digit beside it: then any reading must be sure. `parted` is
    True when it was joined from two tall parts side by side (APART_HEIGHT), which may be two
    digits written close: its last split holds them."""

    box: Box
    ink: np.ndarray = field(repr=False)  # light-on-dark ink crop, ready for to_mnist(light_ink=True)
    splits: list[list[Detection]] = field(default_factory=list, repr=False)
    whole: bool = True
    wide: bool = False
    sign: bool = False
    parted: bool = False  # its last split is the two parts it was joined from, side by side


def _scale_for(gray: np.ndarray) -> float:
    return min(1.0, WORK_HEIGHT / gray.shape[0])


THIN = 0.3  # w / h below which a blob may be solid ink (a "1")
MERGED_HEIGHT = 1.6  # x the typical digit height: the tallest that parts joined into one digit may be
STACKED_GAP, STACKED_HEIGHT = 0.1, 2.3  # the same, for halves one above the other that all but touch
# Touching digits (see touching.py): blobs wider than SPLIT_ASPECT x their height may be cut,
# up to MAX_SPLIT_ASPECT wide (wider: a rule, a word, a scribble), when SPLIT_HEIGHT x the
# smallest digit height or taller (smaller wide blobs are words of print).
SPLIT_ASPECT = 1.3  # squarer blobs are one digit far more often than two (a fragment reads as a digit too)
WIDE_DIGIT_ASPECT = 2.2  # a 2 or 5 written flat: read whole only when the model is sure
MAX_SPLIT_ASPECT = 3.6
SPLIT_HEIGHT = 2
# Parts merged side by side, each at least APART_HEIGHT of their joined height and overlapping
# across by at most APART_OVERLAP of the narrower one's width (two 1s, a 1 and a 7 written
# close, slanting or not), may be two digits: the model is asked both ways (`reading.py`).
APART_HEIGHT, APART_OVERLAP = 0.75, 0.5
EDGE_SLIVER = 0.7  # x the height of the digits clear of a still picture's edge: shorter blobs at it are shade
MIN_FRAME_SIDE = 8  # px at work scale: a strip narrower than this holds no digit
EDGE_FILL = 0.35  # of a blob's box past a levelled still picture's edge: its corners' fill, not the photo
# Writing has paper all round it: of a strip RING_WIDTH x its height wide along each side of a
# blob, at least ON_PAPER is as light as paper (PAPER_SHARE of the flattened paper level), in
# light or shade. Clutter at the edge of a sheet held up or lying on a cluttered desk (a room, a
# flag, a face, leaves) has paper on one side or two.
RING_WIDTH, ON_PAPER, PAPER_SHARE = 0.25, 0.5, 0.8
# A line across such a strip (a rule, an underline, a box's wall) is dark along LINE_DARK of
# its length and at most LINE_ACROSS x the blob's height (or LINE_THICKNESS) thick: paper, here.
LINE_DARK, LINE_ACROSS = 0.5, 0.15
# Of the darkness of the darkest digit-sized stroke: ink fainter than this beside it is writing
# showing through from the back of the sheet, or pencil rubbed out. A pencil page (a third of a
# pen's darkness) is all faint alike and keeps its digits.
FAINT_SHARE = 0.4
# x the paper's usual brightness: paper this much brighter is under glare, which washes ink out
# as faint as that, and keeps it.
GLARE = 1.06
# x the least digit height: a piece of faint ink joined to a digit, this wide or tall beyond the
# rim of its dark strokes, is writing showing through that touches it, not a stroke's tapering end.
SHED_REACH = 0.5
# A frame noisier than this (grey levels, `noise_level`) is smoothed before its ink is thresholded:
# in a dim room a webcam's or phone's noise, 12-30 levels, speckles the ink and the paper alike,
# and a digit's crop fills with specks the model reads as an 8. Paper's grain, chalk's and JPEG's
# come to 3-9 here.
NOISY = 11.0
DENOISE_SIGMA = 1.3  # px at work scale (or a picture's own)
MAD_TO_SIGMA = 1.4826 / math.sqrt(2)  # a difference of two pixels has twice a pixel's variance
LINE_LENGTH = WORK_HEIGHT // 4  # px at work scale: rules and grid run longer than this, unbroken
# px at half work scale: lines thinner than this are rules; a blurred photo of a grid makes them 2-3.
LINE_THICKNESS = 4
# Of a closer look's height (its width is the frame's): a rule runs across nearly all of it, while
# the stems of letters in a band a few digits tall reach 60 %.
LINE_SHARE = 0.9


def _lines(mask: np.ndarray, zoom: float = 1.0) -> np.ndarray:
    """Rules, grid lines and edges: long, thin and nearly straight; pen strokes are short or thick.

    Found at half resolution (4x cheaper). Area averaging keeps one-pixel lines continuous,
    a little blur across the line direction tolerates the slant perspective gives them,
    and anything thicker than a ruled line is left alone. A look `zoom` x closer sees rules
    that much thicker, and only a part of the page: a line runs across most of it.
    """
    half = cv2.threshold(cv2.resize(mask, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), 60, 255,
                         cv2.THRESH_BINARY)[1]
    wide = tall = int(LINE_LENGTH * zoom) // 2
    if zoom > 1:
        wide, tall = min(wide, int(LINE_SHARE * half.shape[1])), min(tall, int(LINE_SHARE * half.shape[0]))
    horizontal = cv2.morphologyEx(cv2.dilate(half, np.ones((5, 1), np.uint8)), cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (wide, 1)))
    vertical = cv2.morphologyEx(cv2.dilate(half, np.ones((1, 5), np.uint8)), cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall)))
    thin = max(LINE_THICKNESS, round(LINE_THICKNESS * zoom))
    thick = cv2.dilate(cv2.morphologyEx(half, cv2.MORPH_OPEN, np.ones((thin, thin), np.uint8)),
                       np.ones((3, 3), np.uint8))
    lines = cv2.bitwise_and(horizontal | vertical, cv2.bitwise_not(thick))
    # Grown so the darker crossings of squared paper go with their lines.
    lines = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    return cv2.resize(lines, (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_NEAREST)


def ink_mask(gray: np.ndarray, config: DetectConfig, color: np.ndarray | None = None,
             flat: np.ndarray | None = None, paper: np.ndarray | None = None) -> np.ndarray:
    """Binary mask of pen strokes: darker than the paper around them, minus long straight lines,
    inside `paper` (`paper_mask`, when the caller has it already)."""
    flat = flatten(gray) if flat is None else flat
    # A box-filter mean is several times cheaper than a Gaussian one and as good for ink on paper.
    mask = cv2.adaptiveThreshold(flat, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 config.block, config.offset)
    # Strokes wider than the neighbourhood (a marker, a big digit) come out hollow above; the same
    # test against a 4x wider neighbourhood, still per pixel, fills them without blurring thin ones.
    h, w = gray.shape
    wide = cv2.blur(cv2.resize(flat, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA),
                    (config.block, config.block))
    wide = cv2.resize(wide, (w, h), interpolation=cv2.INTER_LINEAR)
    mask |= cv2.compare(flat, cv2.subtract(wide, config.offset), cv2.CMP_LT)
    mask = cv2.subtract(mask, boxes.box_ink(mask, _min_height(config, h)))
    if config.rules:
        mask = cv2.subtract(mask, _lines(mask, config.zoom))
    mask &= paper_mask(gray, color) if paper is None else paper
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))


def _sides(a: list, b: list, height: int) -> list:
    """The two sides of parts `a` and `b` joined (entries of `_merge`), when they are tall parts
    side by side, or when one of them has sides and the other is a small piece of one side (a
    stroke's broken end): then it joins the side it lies nearer. Else none ([])."""
    def tall(part: list) -> bool:
        return part[3] >= APART_HEIGHT * height

    if not a[8] and not b[8]:
        across = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
        if tall(a) and tall(b) and across <= APART_OVERLAP * min(a[2], b[2]):
            return sorted(([part[0], part[0] + part[2], part[7]] for part in (a, b)), key=itemgetter(0))
        return []
    if a[8] and b[8]:
        return []
    sided, piece = (a, b) if a[8] else (b, a)
    if tall(piece):
        return []  # a third digit, or a stroke across both
    centre = piece[0] + piece[2] / 2
    near = min(range(2), key=lambda k: abs(centre - (sided[8][k][0] + sided[8][k][1]) / 2))
    sides = [list(side) for side in sided[8]]
    sides[near] = [min(sides[near][0], piece[0]), max(sides[near][1], piece[0] + piece[2]), sides[near][2] + piece[7]]
    return sides


def _merge(boxes: list[list[int]], config: DetectConfig) -> list[list[int]]:
    """Join the parts of one digit (an open 4, a 5's detached bar, a broken stroke).

    Two parts merge when they touch or nearly touch and the joined box is still digit-shaped
    (not wider than tall by much), so neighbouring digits on a line stay apart. Each entry is
    [x, y, w, h, ink area, cut row, colon, labels, sides]: the cut row is set where two parts one
    above the other were joined only because they all but touch, so the model can still read
    them as two; colon is True where the parts were two dots or dashes of a size one above the
    other (a colon, an equals sign); labels are the parts' component labels, and sides, when
    two tall parts were joined side by side, their two groups of labels with their extents
    across ([x0, x1, labels] each; see `_sides`).
    """
    tall = [b[3] for b in boxes if b[3] >= config.min_height // 2]
    typical = float(np.median(tall)) if tall else float(config.min_height)
    # Against the taller parts: a few dots among few digits pull the median down to their size.
    digit = float(np.percentile(tall, 75)) if tall else typical
    reach = config.merge_gap * typical
    changed = True
    while changed:  # each pass is a sweep along x; passes repeat until nothing joins
        changed = False
        boxes.sort(key=lambda b: b[0])
        merged: list[list[int]] = []
        for box in boxes:
            for i in range(len(merged) - 1, -1, -1):
                a = merged[i]
                if box[0] - (a[0] + a[2]) >= reach / 2:
                    continue  # too far left of this box; earlier ones may be wider, keep looking
                gap_y = max(a[1], box[1]) - min(a[1] + a[3], box[1] + box[3])
                x0, y0 = min(a[0], box[0]), min(a[1], box[1])
                x1, y1 = max(a[0] + a[2], box[0] + box[2]), max(a[1] + a[3], box[1] + box[3])
                # Halves of one digit, one on top of the other, all but touching (an 8's loops, a
                # 3's arcs drawn in two strokes): rows of writing stand further apart than this.
                overlap_x = min(a[0] + a[2], box[0] + box[2]) - max(a[0], box[0])
                stacked = gap_y < STACKED_GAP * typical and overlap_x >= 0.5 * min(a[2], box[2])
                tallest = (STACKED_HEIGHT if stacked else MERGED_HEIGHT) * typical
                if gap_y < reach and (x1 - x0) <= config.merge_aspect * (y1 - y0) and (y1 - y0) <= tallest:
                    upper, lower = sorted((a, box), key=lambda b: b[1])
                    cut = (upper[1] + upper[3] + lower[1]) // 2 if y1 - y0 > MERGED_HEIGHT * typical else a[5]
                    colon = gap_y > 0 and marks.dot_or_dash(a, digit) and marks.dot_or_dash(box, digit) and \
                        max(a[3], box[3]) <= 1.5 * min(a[3], box[3])
                    merged[i] = [x0, y0, x1 - x0, y1 - y0, a[4] + box[4], cut, colon, a[7] + box[7],
                                 _sides(a, box, y1 - y0)]
                    changed = True
                    break
            else:
                merged.append(list(box))
        boxes = merged
    return boxes


def find_digits(frame: np.ndarray, config: DetectConfig | None = None, roi: Box | None = None) -> list[Detection]:
    """Every digit-like ink blob in `frame` (or in `roi`), in reading order.

    A frame taller than the work height is looked at reduced; where that shows only small
    digits (a phone photo of a page), the part around them is looked at again closer up.
    """
    config = config or DetectConfig()
    found, scale = _detect(frame, config, roi)
    if roi is not None or not config.closer_look or not closer.worth_it(scale):
        return found

    def look(part: np.ndarray, part_config: DetectConfig) -> list[Detection]:
        return _detect(part, part_config, None)[0]

    if found:
        return reading_order(closer.closer_look(frame, config, found, scale, look))
    # No digit at work scale (a page photographed whole): smaller blobs lead the closer look,
    # but are never kept.
    seeds = look(frame, replace(config, min_height=int(config.min_height * closer.ZOOM_SEED)))
    return reading_order(closer.closer_look(frame, config, seeds, scale, look, keep=False))


def _detect(frame: np.ndarray, config: DetectConfig, roi: Box | None) -> tuple[list[Detection], float]:
    """The detections of one look at `frame` (or `roi`), and the scale the look was at."""
    gray = to_gray(frame)
    color = frame if frame.ndim == 3 and frame.shape[2] == 3 else None
    ox, oy = 0, 0
    if roi is not None:
        x, y, w, h = roi
        gray, ox, oy = gray[y:y + h, x:x + w], x, y
        color = None if color is None else color[y:y + h, x:x + w]
    scale = _scale_for(gray) if gray.size else 1.0
    if min(gray.shape) * scale < MIN_FRAME_SIDE:
        return [], 1.0
    work = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    if noise_level(work) > NOISY:
        work = smoothed(work)
    if light_ink(work) if config.light_ink is None else config.light_ink:
        work, color = 255 - work, None  # from here on, dark ink on a light ground
    # A lined page a few degrees askew is levelled, so its lines can be told and taken out.
    turn = skew.slant(work) if config.rules else 0.0
    back = None
    if turn:
        if color is not None:
            color = cv2.resize(color, (work.shape[1], work.shape[0]), interpolation=cv2.INTER_AREA)
            color = skew.level(color, turn)[0]
        work, back = skew.level(work, turn)
    boxes, cuts, apart, signs, mask, ink_source = _find(work, config, roi is None, color)

    def detection(box: Box, own: np.ndarray | None = None) -> Detection:
        x, y, w, h = box if back is None else skew.box_back(box, back)
        source_box = (int(x / scale) + ox, int(y / scale) + oy, int(round(w / scale)), int(round(h / scale)))
        return Detection(source_box, _ink_crop(ink_source, mask, box, own))

    detections = []
    cuttable_height = SPLIT_HEIGHT * _min_height(config, work.shape[0])
    for box in boxes:
        aspect = box[2] / box[3]
        if aspect > config.max_aspect and _encloses(box, boxes):
            continue  # a row of cells or a frame drawn around the digits
        found = detection(box)
        found.wide, found.whole = aspect > config.max_aspect, aspect <= max(config.max_aspect, WIDE_DIGIT_ASPECT)
        found.sign = box in signs
        if aspect > SPLIT_ASPECT and box[3] >= cuttable_height:
            found.splits = [[detection(*piece) for piece in option] for option in split_options(mask, box)]
        halves = stacked_split(mask, box, cuts[box]) if box in cuts else []
        if halves:
            found.splits.append([detection(*piece) for piece in halves])
        if apart.get(box):
            found.splits.append([detection(*piece) for piece in apart[box]])
            found.parted = True
        if found.whole or found.splits:
            detections.append(found)
    if roi is None and config.border_margin < 0:
        detections = _without_edge_slivers(detections, gray.shape[1], gray.shape[0])
    return reading_order(detections), scale


def smoothed(image: np.ndarray) -> np.ndarray:
    """A noisy frame or picture smoothed (`NOISY`)."""
    return cv2.GaussianBlur(image, (0, 0), DENOISE_SIGMA)


def noise_level(gray: np.ndarray) -> float:
    """The pixel noise's standard deviation in grey levels, told by neighbours' differences (their
    median: edges and strokes are too few to move it), on every other row and column."""
    sample = np.ascontiguousarray(gray[::2, ::2])
    if sample.shape[1] < 2:
        return 0.0
    differences = cv2.absdiff(sample[:, 1:], sample[:, :-1])
    # The median from a histogram: a quarter of np.median's time on a 640x480 frame (0.1 ms).
    below = np.cumsum(np.bincount(differences.ravel(), minlength=256))
    return float(np.searchsorted(below, differences.size / 2)) * MAD_TO_SIGMA


def _encloses(box: Box, boxes: list[Box]) -> bool:
    x, y, w, h = box
    return any(x < bx + bw / 2 < x + w and y < by + bh / 2 < y + h
               for bx, by, bw, bh in boxes if (bx, by, bw, bh) != box)


def _min_height(config: DetectConfig, frame_h: int) -> float:
    return config.min_height * min(1.0, frame_h / WORK_HEIGHT * 2)


def _find(work: np.ndarray, config: DetectConfig, whole_frame: bool,
          color: np.ndarray | None = None) -> tuple[list[Box], dict[Box, int], dict[Box, list[Piece]], set[Box],
                                                    np.ndarray, np.ndarray]:
    """Digit boxes for dark ink on a light ground in a work-scale grey image, the rows where
    stacked halves were joined, the two parts of those joined from tall parts side by side,
    the boxes that may be plus signs, the ink mask and the flattened image."""
    paper = paper_mask(work, color)
    light = paper_light(work, paper)
    flat = flatten(work, light)
    mask = ink_mask(work, config, color, flat, paper)
    # Only a sheet with something else around it (a desk, a room) has clutter at its edges.
    clutter = config.clutter and not paper.all()
    # Pieces smaller than this are specks, dots of grid paper or print, never part of a digit.
    min_part = max(5, config.min_height // 4)
    min_height = _min_height(config, work.shape[0])

    def parts_of(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int], set[int]]:
        """The mask's labels and stats, the labels big enough to keep, and the faint ones among them."""
        count, labels, stats = components(mask)
        kept = [i for i in range(1, count) if max(stats[i, 2], stats[i, 3]) >= min_part and stats[i, 4] >= min_part * 2]
        return labels, stats, kept, _faint_parts(work, light, labels, stats, kept, min_height)

    labels, stats, kept, faint = parts_of(mask)
    tall = [stats[i, cv2.CC_STAT_HEIGHT] for i in kept if stats[i, cv2.CC_STAT_HEIGHT] >= min_height]
    if tall and pens.cut_pens(mask, labels, stats, kept, float(np.median(tall))):
        labels, stats, kept, faint = parts_of(mask)
    # Faint writing standing apart, digit-sized, shows this sheet's back or rubbed-out pencil:
    # then faint ink hanging off a digit is more of it. Elsewhere it is the digit's own, drawn
    # lightly or faded by a shaking camera.
    if any(stats[i, cv2.CC_STAT_HEIGHT] >= min_height for i in faint) and \
            _shed_faint_ink(mask, flat, light, labels, stats, kept, min_height):
        labels, stats, kept, faint = parts_of(mask)
    # Faint parts lead to no box, but stay in the mask: one inside a digit's box (a loop drawn
    # lightly) is part of what the model sees there.
    parts = [[*stats[i, :4].tolist(), int(stats[i, 4]), None, False, [i], []] for i in kept if i not in faint]
    boxes = _merge(parts, config)
    frame_h, frame_w = work.shape
    max_height = config.max_height_share * (frame_h if whole_frame else max(frame_h, WORK_HEIGHT))
    found = []
    cuts: dict[Box, int] = {}
    bars: dict[Box, float] = {}
    apart: dict[Box, list[Piece]] = {}
    for x, y, w, h, area, cut, _, _, sides in boxes:
        if not min_height <= h <= max_height:
            continue
        if not config.min_aspect <= w / h <= max(config.max_aspect, WIDE_DIGIT_ASPECT) and \
                not (w / h <= MAX_SPLIT_ASPECT and h >= SPLIT_HEIGHT * min_height):
            continue
        density = area / (w * h)
        # A "1" is a solid bar; anything wider that is this solid is a shadow or a smudge.
        if density < config.min_density or \
                (density > config.max_density and w / h > THIN and _solid(flat, (x, y, w, h))):
            continue
        m = config.border_margin
        if whole_frame and (x <= m or y <= m or x + w >= frame_w - m or y + h >= frame_h - m):
            continue  # cut off by the frame edge: cannot be read whole
        if h <= textlines.PRINT_HEIGHT * min_height and \
                textlines.in_printed_line((x, y, w, h), boxes, min_height, config.max_aspect, WIDE_DIGIT_ASPECT):
            continue
        if config.text_lines and textlines.in_text_line((x, y, w, h), boxes):
            continue
        if clutter and not _on_paper(flat, (x, y, w, h), config.zoom):
            continue
        found.append((x, y, w, h))
        length = pens.bar_length(mask, (x, y, w, h), area)
        if length:
            bars[(x, y, w, h)] = length
        if cut is not None:
            cuts[(x, y, w, h)] = cut
        if sides:
            apart[(x, y, w, h)] = parts_split(labels, (x, y, w, h), [side[2] for side in sides])
    kept, signs = marks.sift(pens.without_pens(found, bars), boxes, mask, flat, lambda box: _solid(flat, box))
    return kept, cuts, apart, signs, mask, flat


def _without_edge_slivers(found: list[Detection], frame_w: int, frame_h: int) -> list[Detection]:
    """`found` less the blobs at the picture's edge (or past it, levelled) under EDGE_SLIVER of
    the height of the digits clear of it, and those over EDGE_FILL past it. A still picture keeps
    blobs at its edge (it was cropped close around its digits), but on a page photographed
    whole they are where a shadow's, a hand's or a grid's edge runs out of the picture, and a
    digit the crop cut that short cannot be read anyway. A page levelled (`skew.py`) has its
    corners filled from its edges, which draws its rules or grid on as streaks: a blob mostly
    past the picture is made of them."""
    def at_edge(d: Detection) -> bool:
        x, y, w, h = d.box
        return x <= 0 or y <= 0 or x + w >= frame_w or y + h >= frame_h

    def height_inside(d: Detection) -> int:  # a levelled page's box may reach past the frame
        _, y, _, h = d.box
        return min(y + h, frame_h) - max(y, 0)

    def past(d: Detection) -> float:  # the share of the box past the picture, across or down
        x, y, w, h = d.box
        return max((max(0, -x) + max(0, x + w - frame_w)) / max(w, 1),
                   (max(0, -y) + max(0, y + h - frame_h)) / max(h, 1))

    found = [d for d in found if past(d) <= EDGE_FILL]
    clear = [d.box[3] for d in found if not at_edge(d)]
    if not clear:
        return found
    least = EDGE_SLIVER * float(np.median(clear))
    return [d for d in found if not at_edge(d) or height_inside(d) >= least]


def _faint_parts(work: np.ndarray, light: np.ndarray, labels: np.ndarray, stats: np.ndarray,
                 parts: list[int], min_height: float) -> set[int]:
    """The labels among `parts` whose ink is all much fainter than the darkest part tall enough
    to be a digit: writing showing through the sheet, rubbed-out pencil. A part's darkness is
    its darkest tenth (a thin stroke's core, not its blurred rim) against the paper's light
    there, so light and shadow do not change it; paper under glare, brighter than the rest,
    is left alone. Faint ink touching a digit stays: a stroke drawn lightly is as faint as a ghost."""
    tall = [i for i in parts if stats[i, cv2.CC_STAT_HEIGHT] >= min_height]
    if not tall or len(parts) < 2:
        return set()  # nothing to be fainter than
    # Every part's pixels sorted by label, then by brightness: a part's darkest tenth is an index.
    ink = labels > 0
    owner = labels[ink]
    ranked = np.sort(owner * 256 + work[ink])  # int32 labels: a frame has far fewer than 2**23 parts
    counts = np.bincount(owner, minlength=len(stats))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    chosen = np.asarray(parts)
    darkest_tenth = (ranked[starts[chosen] + counts[chosen] // 10] % 256).astype(np.float32)
    lit = (np.bincount(owner, weights=light[ink], minlength=len(stats))[chosen] / counts[chosen])
    darkness = dict(zip(parts, 1 - darkest_tenth / np.maximum(lit, 1)))
    strongest = max(darkness[i] for i in tall)
    faint = [k for k, i in enumerate(parts) if darkness[i] < FAINT_SHARE * strongest]
    if not faint:
        return set()
    page = _usual_light(light)
    return {parts[k] for k in faint if lit[k] <= GLARE * page}


def _usual_light(light: np.ndarray) -> float:
    """The paper's usual brightness on the page: paper under glare is much brighter."""
    return float(np.median(light[::4, ::4]))


def _shed_faint_ink(mask: np.ndarray, flat: np.ndarray, light: np.ndarray, labels: np.ndarray,
                    stats: np.ndarray, parts: list[int], min_height: float) -> bool:
    """Takes the large pieces of faint ink that hang off a digit's strokes out of `mask`, and
    says whether it took any: a ghost from the back of the sheet, or rubbed-out pencil, that
    touches a digit would be read with it as one (a 6 and a ghost 9 below it as an 8).

    Faint is below FAINT_SHARE of the blob's own darkest ink, so a pencil digit, faint all
    over, keeps everything. Ink within a stroke's blurred rim of the dark strokes stays, as
    does a piece under glare, which washes a digit's strokes out as faint as a ghost."""
    page = _usual_light(light)
    rim = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    shed = False
    for i in parts:
        x, y, w, h = stats[i, :4]
        if h < min_height:
            continue
        window = np.s_[y:y + h, x:x + w]
        own = labels[window] == i
        darkness = 1 - flat[window].astype(np.float32) / PAPER_LEVEL
        # The darkest 2 %: a ghost may be more of the blob than the digit's strokes are.
        dark = own & (darkness >= FAINT_SHARE * np.percentile(darkness[own], 98))
        rest = (own & (cv2.dilate(dark.astype(np.uint8), rim) == 0)).astype(np.uint8)
        count, pieces, sizes = components(rest)
        for k in range(1, count):
            if max(sizes[k, 2], sizes[k, 3]) < SHED_REACH * min_height or sizes[k, 4] < 2 * min_height:
                continue
            piece = pieces == k
            if light[window][piece].mean() <= GLARE * page:
                mask[window][piece] = 0
                shed = True
    return shed


def _on_paper(flat: np.ndarray, box: Box, zoom: float = 1.0) -> bool:
    """Whether paper lies on every side of `box` (inside the frame): ON_PAPER of a strip along
    each side is lit as paper is, in the flattened image, counting a rule, an underline or a
    box's wall across the strip (a thin line along most of it) as paper. Blobs at a sheet's edge
    on a cluttered ground have paper on one side or two. A look `zoom` x closer sees lines that
    much thicker."""
    x, y, w, h = box
    m = max(3, int(RING_WIDTH * h))
    line = max(round(LINE_THICKNESS * max(1.0, zoom)), int(LINE_ACROSS * h))
    sides = ((flat[max(0, y - m):y, x:x + w], 1), (flat[y + h:y + h + m, x:x + w], 1),
             (flat[y:y + h, max(0, x - m):x], 0), (flat[y:y + h, x + w:x + w + m], 0))
    return all(_paper_share(side, across, line) >= ON_PAPER for side, across in sides if side.size >= m * 2)


def _paper_share(strip: np.ndarray, across: int, line: int) -> float:
    """The share of `strip` lit as paper, its lines (runs of up to `line` rows, or columns,
    dark along LINE_DARK of their length; `across` is the axis they run along) counted as paper."""
    paper = strip >= PAPER_SHARE * PAPER_LEVEL
    dark = np.mean(~paper, axis=across) >= LINE_DARK
    run_start = None
    for k, is_dark in enumerate([*dark, False]):
        if is_dark and run_start is None:
            run_start = k
        elif not is_dark and run_start is not None:
            if k - run_start <= line:
                if across == 1:
                    paper[run_start:k] = True
                else:
                    paper[:, run_start:k] = True
            run_start = None
    return float(np.mean(paper))


def _solid(flat: np.ndarray, box: Box) -> bool:
    """Whether `box` is solid in the grey image too: a smudge or a shadow is, while a small
    digit whose loops the mask filled in (a thick pen's 8, 15 px tall) still shows them, as
    lighter holes inside what is darker than halfway from the paper to its darkest ink."""
    x, y, w, h = box
    around = flat[max(0, y - h // 2):y + h + h // 2, max(0, x - w // 2):x + w + w // 2]
    inside = flat[y:y + h, x:x + w]
    halfway = (float(np.median(around)) + float(np.percentile(inside, 5))) / 2
    light = np.pad((inside >= halfway).astype(np.uint8), 1, constant_values=1)
    count, labels, stats = components(light, 4)
    # The light ground around the blob, joined by the padding, is one label; any other is a hole.
    return not any(stats[i, cv2.CC_STAT_AREA] >= 2 for i in range(1, count) if i != labels[0, 0])


def _ink_crop(gray: np.ndarray, mask: np.ndarray, box: Box, own: np.ndarray | None = None) -> np.ndarray:
    """Ink darkness inside the box, limited to the (slightly grown) stroke mask: anti-aliased like MNIST.

    `own` replaces the mask inside the box (a piece of a cut blob keeps only its own strokes).
    """
    x, y, w, h = box
    pad = max(2, h // 10)
    y0, y1, x0, x1 = max(0, y - pad), min(gray.shape[0], y + h + pad), max(0, x - pad), min(gray.shape[1], x + w + pad)
    patch = gray[y0:y1, x0:x1].astype(np.int16)
    local_mask = np.zeros_like(mask[y0:y1, x0:x1])
    local_mask[y - y0:y - y0 + h, x - x0:x - x0 + w] = mask[y:y + h, x:x + w] if own is None else own
    grown = cv2.dilate(local_mask, np.ones((3, 3), np.uint8))
    paper = np.median(patch[grown == 0]) if (grown == 0).any() else patch.max()
    ink = np.clip(paper - patch, 0, 255).astype(np.uint8)
    ink[grown == 0] = 0
    return ink


def reading_order(items: list[T], box_of: Callable[[T], Box] = attrgetter("box")) -> list[T]:
    """Rows top to bottom, each left to right; a box joins a row it overlaps vertically by a quarter."""
    rows: list[list[T]] = []
    for item in sorted(items, key=lambda d: box_of(d)[1] + box_of(d)[3] / 2):
        _, y, _, h = box_of(item)
        for row in rows:
            top = min(box_of(d)[1] for d in row)
            bottom = max(box_of(d)[1] + box_of(d)[3] for d in row)
            if min(bottom, y + h) - max(top, y) > 0.25 * min(h, bottom - top):
                row.append(item)
                break
        else:
            rows.append([item])
    rows.sort(key=lambda row: min(box_of(d)[1] for d in row))
    return [d for row in rows for d in sorted(row, key=lambda d: box_of(d)[0])]


def group_rows(boxes: list[Box]) -> list[list[int]]:
    """Indices of boxes (already in reading order) grouped into their rows."""
    rows: list[list[int]] = []
    for i, (x, y, w, h) in enumerate(boxes):
        if rows:
            last = boxes[rows[-1][-1]]
            if x > last[0] and min(last[1] + last[3], y + h) - max(last[1], y) > 0.25 * min(h, last[3]):
                rows[-1].append(i)
                continue
        rows.append([i])
    return rows


def centre_roi(width: int, height: int, share: float = 0.5) -> Box:
    """The guide box of `--mode center`: the middle `share` of width and height."""
    w, h = int(width * share), int(height * share)
    return ((width - w) // 2, (height - h) // 2, w, h)


def largest(detections: list[Detection]) -> list[Detection]:
    """Centre mode reads one digit: the biggest blob in the guide box."""
    return [max(detections, key=lambda d: d.box[2] * d.box[3])] if detections else []
