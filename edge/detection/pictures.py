"""Still pictures, as `digitcam predict` reads them: one digit (a crop of a photo or a scan, an MNIST
file, a drawing saved from a computer), a number cropped close, or digits on a page.

A digit made on a computer (an MNIST file, a canvas drawing, a paint program's) lies on a ground
of one exact grey level, and is the digit as it is: MNIST preprocessing alone reads it best.
A photo's paper has grain, a gradient of light, perhaps a shadow. Taken whole, all of that reaches
the model as ink (a crop's noise alone widens the digit's box to the whole picture), so a photo's
ink is found as on a page and the largest blob is the digit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import cv2
import numpy as np

from digitcam.edge.detection import detect, margin
from digitcam.edge.detection.detect import Detection
from digitcam.edge.detection.drawn import (computer_made, drawn_light, frame_width, ground_level, ink_window,
                                           standing_out, thickened)
from digitcam.edge.detection.margin import INK_STEP
from digitcam.edge.detection.page import WORK_HEIGHT
from digitcam.edge.preprocess import clean_background, light_on_dark, to_gray

SINGLE_DIGIT_SIDE = 200  # px: a still picture no larger is a crop of one digit, a larger one a page
# A small picture this much wider than tall may hold a number: a crop of one digit, with margins
# a fifth of its height on each side, is rarely wider than this.
NUMBER_ASPECT = 1.4
SIDE_BY_SIDE_HEIGHT = 0.75  # of the tallest: narrower pictures hold a number only of digits this tall
SMALLEST_DIGIT = 8  # px in a small picture: noise specks are smaller, and MNIST's digits are 20
# A photo of one digit is looked at with its longer side this long, up or down. The digit fills
# much of it, and at the full work height its strokes (up to a tenth of its height, and wider
# blurred) would come near the width of the page's light estimate and be divided out as shadow.
LOOK_SIDE = WORK_HEIGHT // 2
LOOK_LENGTH = 40 * LOOK_SIDE  # px: a strip of a picture is looked at no longer than this, however thin
# px: a photo narrower than this is mostly ink (a 1 cropped close), whose texture (chalk's, a
# pencil's) passes for noise: it is not smoothed.
NOISE_SIDE = 32
LARGE_DIGIT = 0.3  # of a larger picture's height: a digit this tall means a crop of a number
# A blob under PALE_THIN of its height wide whose ink is under PALE_SHARE as dark as the wider
# blobs' (their median) is a piece of the paper's grid or rules, printed paler than the pen and
# broken up where it crosses the digits or the other lines: a pen's 1 is as dark as its other
# digits (0.93-1.07 of them in the stress script's crops of numbers; pieces of a grid, 0.2-0.6).
PALE_THIN = 0.35
PALE_SHARE = 0.6
INK_DARKEST = 90  # percentile of a blob's ink taken for its darkness (its strokes' middles)


def whole_image(image: np.ndarray) -> Detection:
    """The whole picture as the digit, ink made light on dark."""
    return Detection((0, 0, image.shape[1], image.shape[0]), light_on_dark(to_gray(image)))


def whole_if_digit_shaped(image: np.ndarray) -> list[Detection]:
    """The whole picture as one digit (made on a computer, or no digit found in it), unless its
    ink is far wider than a digit: a line of small print, a rule or a dash is no digit, and
    squeezed into the model's 20 px box it reads as a sure 2."""
    whole = whole_image(image)
    ys, xs = np.nonzero(clean_background(whole.ink))
    wide = len(ys) > 0 and xs.max() - xs.min() + 1 > detect.WIDE_DIGIT_ASPECT * (ys.max() - ys.min() + 1)
    return [] if wide else [whole]


def photo_digit(image: np.ndarray, config: detect.DetectConfig = detect.ONE_DIGIT_PHOTO) -> list[Detection]:
    """The largest digit-shaped blob in a photo of one digit (none found: an empty list), its box
    in the photo's pixels.

    The photo is looked at scaled to LOOK_SIDE, whatever its size: the detector's sizes in pixels
    (its threshold neighbourhood, the width of its light estimate) are for a frame of known height.
    """
    scale = LOOK_SIDE / max(image.shape[:2])
    look = _resized(image, scale, cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA) if scale != 1 else image
    whole = (0, 0, look.shape[1], look.shape[0])
    found = detect.largest(detect.find_digits(look, config, roi=whole))
    if not found or scale == 1.0:
        return found
    # The ink crop stays at the look's scale: preprocessing scales every digit to 20 px anyway.
    # One digit: never cut, and read whole however wide.
    return [Detection(_scaled(found[0], 1 / scale).box, found[0].ink)]


def one_digit(image: np.ndarray) -> list[Detection]:
    """The one digit a picture shows, read as it is when made on a computer, else found as in a photo."""
    gray = to_gray(image)
    if computer_made(gray):
        return whole_if_digit_shaped(image)
    return _with_margin(image, gray, None, photo_digit) or whole_if_digit_shaped(image)


def find_in_picture(image: np.ndarray, mode: str = "auto") -> list[Detection]:
    """The digits of a still picture (a file, not a video frame), by `digitcam predict`'s `--mode`.

    "single": the picture is one digit. "multi": digits on a page. "auto": a picture up to
    SINGLE_DIGIT_SIDE is one digit, unless two digits or more are found on it and it is wide
    enough for a number, or they stand side by side, about as tall (two 1s, which leave the
    picture narrow; a computer-made picture whose ink leaves no column of ground between its
    ends is one digit without looking), or two tall parts side by side joined into one blob
    may read better as two digits. A larger one is a page, unless one blob fills over half of
    its height with nothing beside it (a photo of one big digit, which page rules reject when
    it touches the edges or read in pieces); with none found it is one digit after all. A
    larger picture whose digits stand over LARGE_DIGIT of its height is a number cropped close,
    looked at as a small one. Thin blobs far paler than the digits are the paper's grid.
    """
    return _without_pale_strokes(_found(image, mode))


def _found(image: np.ndarray, mode: str) -> list[Detection]:
    """`find_in_picture`'s digits, a grid's pieces among them."""
    h, w = image.shape[:2]
    small = max(h, w) <= SINGLE_DIGIT_SIDE
    if h < SMALLEST_DIGIT or (w < SMALLEST_DIGIT and not small):
        return []  # a strip of pixels: no digit fits in it, but for a 1 cropped close
    gray = to_gray(image)
    frame = frame_width(gray)
    if frame:
        inside = _found(image[frame:h - frame, frame:w - frame], mode)
        return [_scaled(d, 1.0, (frame, frame)) for d in inside]
    given = image
    image = standing_out(image, gray)
    if min(h, w) >= NOISE_SIDE and not computer_made(gray) and detect.noise_level(gray) > detect.NOISY:
        # Smoothed at its own scale, before a look enlarges its grain past the smoothing's reach.
        image = detect.smoothed(image)
    if image is not given:
        gray = to_gray(image)
    trim = ink_window(gray)
    if trim is not None:
        x, y, tw, th = trim
        return [_scaled(d, 1.0, (x, y)) for d in _found(image[y:y + th, x:x + tw], mode)]
    if mode == "single" or (mode == "auto" and small and w < NUMBER_ASPECT * h and _one_column_of_ink(gray)):
        return one_digit(image)
    if not small:
        found = _on_a_page(image, mode)
        if not found or max(d.box[3] for d in found) < LARGE_DIGIT * h:
            return found
        # A number written large, cropped close: looked at as a small picture is, or a marker's
        # strokes come near the width of the page's light estimate and are divided out as shade.
        return _looked_at(image, mode, cv2.INTER_AREA) or found
    # Looked at larger: the page's sizes (its smallest digit, its threshold neighbourhood) are
    # for a frame of known height.
    found = _looked_at(image, mode, cv2.INTER_CUBIC)
    if mode == "multi" or (len(found) > 1 and (w >= NUMBER_ASPECT * h or _side_by_side(found))) or \
            (len(found) == 1 and found[0].parted):  # perhaps two digits written close: the model says
        return found
    return one_digit(image)


def _one_column_of_ink(gray: np.ndarray) -> bool:
    """Whether a computer-made picture's ink leaves no column of ground between its ends: then
    it cannot hold digits side by side, and is read as one digit without a page's look (0.4 ms
    for an MNIST file, against 6.5)."""
    if not computer_made(gray):
        return False
    columns = np.nonzero((np.abs(gray.astype(np.int16) - ground_level(gray)) > INK_STEP).any(axis=0))[0]
    return len(columns) == 0 or len(columns) == columns[-1] - columns[0] + 1


def _side_by_side(found: list[Detection]) -> bool:
    """Whether blobs found in a small picture stand in one row, apart and all about as tall:
    digits written side by side, not a digit and a speck or a stroke broken off it."""
    tallest = max(d.box[3] for d in found)
    boxes = sorted((d.box for d in found), key=lambda box: box[0])
    return all(box[3] >= SIDE_BY_SIDE_HEIGHT * tallest for box in boxes) and \
        all(a[0] + a[2] <= b[0] and min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) >= 0.5 * min(a[3], b[3])
            for a, b in zip(boxes, boxes[1:]))


def _looked_at(image: np.ndarray, mode: str, interpolation: int) -> list[Detection]:
    """The digits of a picture looked at LOOK_SIDE px high, boxed in its own pixels."""
    scale = min(LOOK_SIDE / image.shape[0], LOOK_LENGTH / image.shape[1])
    look = _resized(image, scale, interpolation)
    found = [_scaled(d, 1 / scale) for d in _on_a_page(look, mode)]
    return [d for d in found if d.box[3] >= SMALLEST_DIGIT]  # specks of noise, blown up


def _on_a_page(image: np.ndarray, mode: str) -> list[Detection]:
    """The digits of a picture looked at as a page, with a margin of ground added first when
    ink runs off its edge (`margin.py`)."""
    gray = to_gray(image)
    drawn = computer_made(gray)
    ground = ground_level(gray) if drawn else None
    # Its ink's side of the ground is known from the ground; a photo's is told on the page.
    light = drawn_light(gray, ground) if ground is not None else None

    def look(picture: np.ndarray) -> list[Detection]:
        return _page(picture, mode, drawn, light)

    return _with_margin(image, gray, ground, look)


def _without_pale_strokes(found: list[Detection]) -> list[Detection]:
    """`found` without the thin blobs far paler (PALE_SHARE) than the others' median: a grid's
    pieces, which may outnumber the digits, so the others are the blobs that are not thin."""
    thin = [d.box[2] < PALE_THIN * d.box[3] for d in found]
    if all(thin) or not any(thin):
        return found
    darkness = [float(np.percentile(d.ink[d.ink > 0], INK_DARKEST)) if d.ink.any() else 0.0 for d in found]
    digits = float(np.median([dark for dark, narrow in zip(darkness, thin) if not narrow]))
    return [d for d, dark, narrow in zip(found, darkness, thin) if not narrow or dark >= PALE_SHARE * digits]


def _page(image: np.ndarray, mode: str, drawn: bool, light: bool | None) -> list[Detection]:
    """`_on_a_page`'s look, told whether the picture is `drawn` and its ink `light` before any
    margin was added (a photo's margin is smooth, and would pass for a drawing's ground)."""
    gray = to_gray(image)
    # A drawing has no ruled lines, while a 1 drawn with a line tool or a thin pen is as long,
    # straight and thin as one. A picture's edge is where its owner cropped it, close around the
    # digits, not a camera's edge cutting them off.
    page = detect.DetectConfig(rules=not drawn, clutter=not drawn, border_margin=-1, light_ink=light)
    found = detect.find_digits(thickened(image, gray.shape[0] / WORK_HEIGHT, light) if drawn else image, page)
    if mode == "multi":
        return found
    whole = photo_digit(thickened(image, max(gray.shape) / LOOK_SIDE, light) if drawn else image,
                        replace(detect.ONE_DIGIT_PHOTO, rules=page.rules, clutter=page.clutter, light_ink=light))
    if not whole:
        return found or whole_if_digit_shaped(image)
    if not found:
        return whole
    if whole[0].box[3] <= 0.5 * image.shape[0]:
        return found
    apart = [d for d in found if not _centre_in(d.box, whole[0].box)]
    if len(apart) == len(found):  # the big digit, left out by the page's rules (at an edge, say)
        return detect.reading_order(found + whole)
    # Nothing else: one big digit, read whole rather than in pieces. Digits beside it: a number
    # written large, read as the page reads it.
    return found if apart else whole


def _with_margin(image: np.ndarray, gray: np.ndarray, ground: int | None,
                 look: Callable[[np.ndarray], list[Detection]]) -> list[Detection]:
    """What `look` finds in the picture, with ground added round it first when ink runs off its
    edge (`margin.py`; `ground` is a drawing's ground level, None for a photo), boxed in the
    picture's own pixels."""
    padded, pad = margin.added(image, gray, ground)
    if not pad:
        return look(image)
    return [_scaled(d, 1.0, (-pad, -pad), within=gray.shape) for d in look(padded)]


def _resized(image: np.ndarray, scale: float, interpolation: int) -> np.ndarray:
    h, w = image.shape[:2]
    if min(h, w) * scale >= 1:
        return cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)
    # A strip so thin that its short side would round away to no pixels.
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interpolation)


def _scaled(found: Detection, factor: float, offset: tuple[int, int] = (0, 0),
            within: tuple[int, ...] | None = None) -> Detection:
    """`found` with its box (and its pieces') scaled by `factor`, then moved by `offset` (and
    cut to a picture of shape `within`)."""
    x, y, w, h = found.box
    box = (int(x * factor) + offset[0], int(y * factor) + offset[1], max(1, round(w * factor)),
           max(1, round(h * factor)))
    if within is not None:
        x0, y0 = min(max(0, box[0]), within[1] - 1), min(max(0, box[1]), within[0] - 1)
        box = (x0, y0, max(1, min(box[0] + box[2], within[1]) - x0), max(1, min(box[1] + box[3], within[0]) - y0))
    return replace(found, box=box, splits=[[_scaled(piece, factor, offset, within) for piece in option]
                                           for option in found.splits])


def _centre_in(box: detect.Box, outer: detect.Box) -> bool:
    x, y, w, h = box
    ox, oy, ow, oh = outer
    return ox <= x + w / 2 <= ox + ow and oy <= y + h / 2 <= oy + oh
