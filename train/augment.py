"""On-the-fly augmentation for training only; validation and test images pass untouched.

Keras 3 dropped ImageDataGenerator, so the same transforms are Keras preprocessing
layers run inside the tf.data pipeline, plus an optional elastic distortion.
"""

from __future__ import annotations

import numpy as np

ROTATION_DEGREES = 12.0
ZOOM = 0.10
SHIFT = 0.10
BOLD = 0.0  # share of training digits drawn with a bolder pen (off unless asked)
EUROPEAN = 0.0  # share of training 7s and 1s written the continental way (off unless asked)
# A continental 7's bar: across its stem at CROSS_AT of its height from the top, CROSS_WIDTH of
# its height long, up to CROSS_TILT degrees off level. A continental 1's flag: from its top,
# FLAG_LENGTH of its height long, FLAG_ANGLE degrees below level, down to the left. Steeper than
# 30 degrees it is not a 7's top bar, which MNIST's American 7s draw level or nearly so.
CROSS_AT, CROSS_WIDTH, CROSS_TILT = (0.42, 0.62), (0.3, 0.6), 10.0
FLAG_LENGTH, FLAG_ANGLE = (0.2, 0.5), (30.0, 65.0)
DRAW_SCALE = 4  # strokes are drawn this many times finer, then scaled down, as MNIST's edges are
ELASTIC_ALPHA = 34.0
ELASTIC_SIGMA = 4.0


def geometric(seed: int, rotation: float = ROTATION_DEGREES, zoom: float = ZOOM, shift: float = SHIFT):
    """Random rotation, zoom and shift with a black fill, like the MNIST background."""
    import keras
    from keras import layers

    fill = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential([
        layers.RandomRotation(rotation / 360.0, seed=seed, **fill),
        layers.RandomZoom((-zoom, zoom), seed=seed + 1, **fill),
        layers.RandomTranslation(shift, shift, seed=seed + 2, **fill),
    ], name="augment")


def bolder(share: float, seed: int):
    """A batch transform: a random `share` of the digits drawn bolder, every stroke grown by a
    pixel all round (a 3x3 maximum), as a felt-tip or pencil photographed close draws them.

    MNIST's strokes are 10-24 % of a digit's side (5th-95th percentile); a marker's reach 30 %.
    """
    import tensorflow as tf

    generator = tf.random.Generator.from_seed(seed)

    def apply(batch):
        chosen = generator.uniform([tf.shape(batch)[0], 1, 1, 1]) < share
        return tf.where(chosen, tf.nn.max_pool2d(batch, 3, 1, "SAME"), batch)

    return apply


def european(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
             share: float) -> np.ndarray:
    """A copy of a (N, 28, 28, 1) batch in which a random `share` of the 7s are crossed and of
    the 1s flagged, as much of Europe writes them: MNIST's writers (American) did neither, and
    the CNN trained on MNIST alone reads a 7 crossed so as a 4 or a 9 one time in 20, a 1
    flagged so as a 7 or a 9 one time in four (`scripts/european_digits.py`)."""
    import cv2

    out = images.copy()
    for i in np.nonzero(((labels == 7) | (labels == 1)) & (rng.random(len(labels)) < share))[0]:
        digit = out[i, ..., 0]
        ink = digit > 128
        if ink.sum() < 4:
            continue
        rows = np.nonzero(ink.any(axis=1))[0]
        top, height = rows[0], rows[-1] - rows[0] + 1
        # The pen's width: twice the largest distance from a stroke's edge to its middle, mostly.
        inside = cv2.distanceTransform(ink.astype(np.uint8), cv2.DIST_L2, 3)
        pen = max(1.5, 2 * float(np.percentile(inside[ink], 90)))
        if labels[i] == 7:
            row = int(round(top + rng.uniform(*CROSS_AT) * height))
            stem = np.nonzero(ink[row])[0]
            if not len(stem):
                continue
            centre = stem.mean() + rng.uniform(-0.15, 0.15) * height
            half = rng.uniform(*CROSS_WIDTH) * height / 2
            tilt = np.deg2rad(rng.uniform(-CROSS_TILT, CROSS_TILT))
            start = (centre - half * np.cos(tilt), row - half * np.sin(tilt))
            end = (centre + half * np.cos(tilt), row + half * np.sin(tilt))
        else:
            start = (np.nonzero(ink[top])[0].mean(), float(top))
            length = rng.uniform(*FLAG_LENGTH) * height
            angle = np.deg2rad(rng.uniform(*FLAG_ANGLE))
            end = (start[0] - length * np.cos(angle), top + length * np.sin(angle))
        out[i, ..., 0] = np.maximum(digit, _stroke(digit.shape, start, end, pen, float(digit.max())))
    return out


def _stroke(shape: tuple[int, int], start: tuple[float, float], end: tuple[float, float],
            pen: float, level: float) -> np.ndarray:
    """A straight stroke `pen` px wide, with soft edges as MNIST's."""
    import cv2

    def fine_point(p: tuple[float, float]) -> tuple[int, int]:
        return int(round((p[0] + 0.5) * DRAW_SCALE)), int(round((p[1] + 0.5) * DRAW_SCALE))

    fine = np.zeros((shape[0] * DRAW_SCALE, shape[1] * DRAW_SCALE), np.float32)
    cv2.line(fine, fine_point(start), fine_point(end), level, max(1, int(round(pen * DRAW_SCALE))), cv2.LINE_AA)
    return cv2.resize(fine, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)


def elastic(images: np.ndarray, rng: np.random.Generator, alpha: float = ELASTIC_ALPHA,
            sigma: float = ELASTIC_SIGMA) -> np.ndarray:
    """Simard-style elastic distortion of a (N, 28, 28, 1) batch: smooth random displacement fields."""
    from scipy.ndimage import gaussian_filter, map_coordinates

    out = np.empty_like(images)
    h, w = images.shape[1:3]
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    for i, image in enumerate(images):
        dy = gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma) * alpha
        dx = gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma) * alpha
        coords = np.array([rows + dy, cols + dx])
        out[i, ..., 0] = map_coordinates(image[..., 0], coords, order=1, mode="constant")
    return out
