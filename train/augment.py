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
