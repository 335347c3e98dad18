"""The benchmark's images: MNIST test digits when the data is there, else the bundled handwriting."""

from __future__ import annotations

import numpy as np

from digitcam.errors import DataError


def benchmark_images(data_dir: str | None, limit: int | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(images, labels, where they came from): MNIST's test split, else the bundled sample."""
    try:
        from digitcam.train.data import load_test

        images, labels = load_test(data_dir, limit=limit)
        return images, labels, "mnist-test"
    except DataError:
        from digitcam.edge.sources.synthetic import glyphs

        images, labels = glyphs()
        return images, labels, "bundled-sample"
