"""Make the small committed MNIST subset the tests use, from the full set.

Run once: python scripts/make_test_subset.py ../shared/data/mnist tests/data/mnist-subset.npz
The tests write it back out as IDX files (`write_idx`) to exercise the real loader.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np

from digitcam.train.data import IDX_FILES, load_arrays, stratified_indices

TRAIN_SIZE = 2_000
TEST_SIZE = 1_000
SEED = 7


def write_idx(path: Path, array: np.ndarray) -> None:
    magic = 0x00000803 if array.ndim == 3 else 0x00000801
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.GzipFile(path, "wb", mtime=0) as f:  # mtime=0: the same bytes on every run
        f.write(header + array.astype(np.uint8).tobytes())


def main(source: str, target: str) -> None:
    arrays = load_arrays(Path(source))
    train = stratified_indices(arrays["y_train"], TRAIN_SIZE, SEED)
    test = stratified_indices(arrays["y_test"], TEST_SIZE, SEED)
    picks = {"x_train": train, "y_train": train, "x_test": test, "y_test": test}
    np.savez_compressed(target, **{key: arrays[key][picks[key]] for key in IDX_FILES})


if __name__ == "__main__":
    main(*sys.argv[1:3])
