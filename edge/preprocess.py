"""MNIST preprocessing, one function for every source: canvas, camera, files and tests.

MNIST digits are light strokes on black, cropped tight, scaled so the longer side is
20 px (aspect kept, area interpolation), pasted into 28x28 and shifted so the centre of
mass sits at the centre. Doing exactly that to live input is most of the accuracy.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

SIZE = 28
BOX = 20
# MNIST strokes are about 2.5 px wide in a 20 px box; thinner ink (a fine pen, a big
# digit) is thickened to this share of the longer side before scaling so it survives.
STROKE_SHARE = 0.12
MIN_STROKE_RATIO = 0.55
# px: a larger crop (a drawing taken whole) is thickened at this size, as the dilation's cost
# grows with the square of its radius; it is scaled down to the 20 px box anyway.
THICKEN_SIDE = 600
MIN_CONTRAST = 24  # grey levels between paper and ink below which nothing is written
# Ink between these shares of full brightness is ramp; past BLUR_GATE of the ink in the ramp,
# a digit is blurred. MNIST's digits have 29-50 % (10th-90th percentile), a phone photo's 60-80 %.
RAMP = (0.2, 0.8)
BLUR_GATE = 0.6
SHARPEN = 1.5  # unsharp masking's amount
SHARPEN_SIGMA = 0.05  # of the ink crop's longer side


def to_gray(image: np.ndarray) -> np.ndarray:
    """Any image (gray, BGR, BGRA; uint8, bool or float) as 2-D uint8."""
    array = np.asarray(image)
    if array.ndim == 3:
        if array.shape[2] == 1:
            array = array[..., 0]
        else:  # BGR, or BGRA with its alpha left out
            array = cv2.cvtColor(np.ascontiguousarray(array[..., :3]), cv2.COLOR_BGR2GRAY) \
                if array.dtype == np.uint8 else array[..., :3].mean(axis=2)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D or 3-D image, got shape {array.shape}")
    if array.dtype == np.uint8:
        return array
    if array.dtype == bool:
        return array.astype(np.uint8) * 255
    array = np.nan_to_num(array.astype(np.float64))
    top = array.max() if array.size else 0
    if top <= 1.0:
        array = array * 255
    return np.clip(array, 0, 255).astype(np.uint8)


def light_on_dark(gray: np.ndarray) -> np.ndarray:
    """Make the digit light on black: invert when the border (the background) is bright."""
    if gray.size == 0:
        return gray
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return 255 - gray if np.median(border) > 127 else gray


def clean_background(ink: np.ndarray) -> np.ndarray:
    """Zero the background and stretch the ink to full brightness (paper is never black)."""
    if ink.size == 0 or int(ink.max()) - int(ink.min()) < MIN_CONTRAST:
        return np.zeros_like(ink)  # flat: blank paper or an empty canvas
    level, _ = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    background = float(np.median(ink[ink <= level])) if (ink <= level).any() else 0.0
    peak = float(np.percentile(ink[ink > level], 90)) if (ink > level).any() else float(ink.max())
    if peak - background < MIN_CONTRAST:
        return np.zeros_like(ink)
    stretched = (ink.astype(np.float32) - background) / (peak - background) * 255.0
    return np.clip(stretched, 0, 255).astype(np.uint8)


def _stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary mask: twice the mean inscribed radius along the strokes."""
    # A zero border: ink touching the crop's edge still ends there (no infinite distances).
    padded = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    distance = cv2.distanceTransform(padded, cv2.DIST_L2, 3)
    # Local maxima of the distance transform lie on the stroke centre lines.
    ridge = (distance >= cv2.dilate(distance, np.ones((3, 3), np.uint8))) & (distance > 0)
    return float(2 * distance[ridge].mean()) if ridge.any() else 0.0


def _thicken(ink: np.ndarray) -> np.ndarray:
    if max(ink.shape) > THICKEN_SIDE:
        ink = _max_pooled(ink, math.ceil(max(ink.shape) / THICKEN_SIDE))
    mask = (ink > 0).astype(np.uint8)
    side = max(ink.shape)
    width = _stroke_width(mask)
    target = STROKE_SHARE * side
    if 0 < width < MIN_STROKE_RATIO * target:
        radius = int(round((target - width) / 2))
        if radius >= 1:
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
            return cv2.dilate(ink, kernel)
    return ink


def _max_pooled(ink: np.ndarray, factor: int) -> np.ndarray:
    """Ink `factor` times smaller, each pixel the brightest of its block: a one-pixel line stays a line."""
    return cv2.dilate(ink, np.ones((factor, factor), np.uint8))[factor // 2::factor, factor // 2::factor]


def centre_of_mass_shift(image: np.ndarray) -> np.ndarray:
    """Shift so the intensity-weighted centre of mass lands on the centre of the field."""
    total = float(image.sum())
    if total == 0:
        return image
    rows, cols = np.indices(image.shape)
    cy, cx = (rows * image).sum() / total, (cols * image).sum() / total
    # MNIST's own centres of mass average (14.0, 14.0), not the geometric 13.5.
    dy, dx = int(round(image.shape[0] / 2 - cy)), int(round(image.shape[1] / 2 - cx))
    shifted = np.zeros_like(image)
    h, w = image.shape
    src = image[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    shifted[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return shifted


def to_mnist(image: np.ndarray, *, light_ink: bool | None = None, thicken: bool = True,
             sharpen: bool = True) -> np.ndarray:
    """Any digit image, on paper or a canvas, as a 28x28 uint8 MNIST-style input.

    `light_ink` says the digit is already light on dark (True) or dark on light (False);
    None decides from the border. An image with no ink gives an all-black result.
    A digit softer than MNIST's (`blurred`) is sharpened first, unless `sharpen` is False.
    """
    gray = to_gray(image)
    if gray.size == 0:
        return np.zeros((SIZE, SIZE), np.uint8)
    ink = light_on_dark(gray) if light_ink is None else (gray if light_ink else 255 - gray)
    field = _field(ink, thicken)
    if sharpen and blurred(field):
        field = _field(_unsharp(ink), thicken)
    return field


def _field(ink: np.ndarray, thicken: bool) -> np.ndarray:
    """Light-on-dark ink cleaned, cropped, scaled into the 20 px box and centred in 28x28."""
    ink = clean_background(ink)
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return np.zeros((SIZE, SIZE), np.uint8)
    ink = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    if thicken:
        ink = _thicken(ink)
    h, w = ink.shape
    scale = BOX / max(h, w)
    new_h, new_w = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(ink, (new_w, new_h), interpolation=interpolation)
    field = np.zeros((SIZE, SIZE), np.uint8)
    top, left = (SIZE - new_h) // 2, (SIZE - new_w) // 2
    field[top:top + new_h, left:left + new_w] = small
    return centre_of_mass_shift(field)


def blurred(field: np.ndarray) -> bool:
    """Whether a 28x28 digit is softer than MNIST's: most of its ink is a grey ramp, not stroke.

    A phone photo's digit, soft and a few dozen pixels tall, has its loops filled with grey
    (an 8 reads as a 1, a 5 as an 8). MNIST's own digits, canvas drawings and markers are
    crisper: 88 of MNIST's 5,000 validation digits are past the gate, and the shipped CNN
    reads the 5,000 as well sharpened as not.
    """
    ink = field[field > RAMP[0] * 255]
    return ink.size > 0 and float((ink < RAMP[1] * 255).mean()) > BLUR_GATE


def _unsharp(ink: np.ndarray) -> np.ndarray:
    """Unsharp masking at a scale of the digit's own size, which reopens loops blur filled."""
    soft = cv2.GaussianBlur(ink.astype(np.float32), (0, 0), max(0.5, SHARPEN_SIGMA * max(ink.shape)))
    return np.clip(ink + SHARPEN * (ink - soft), 0, 255).astype(np.uint8)


def has_ink(image: np.ndarray) -> bool:
    """True when to_mnist would find a digit (used to say "nothing drawn")."""
    # Sharpening never empties a digit, so it need not be done to tell.
    return bool(to_mnist(image, thicken=False, sharpen=False).any())
