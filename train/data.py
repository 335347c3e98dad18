"""MNIST as uint8 arrays, from IDX or npz files, with a seeded stratified split.

Numpy only (Keras is imported just for the download fallback), so conversion and
benchmarks on a device without TensorFlow can read the test set too.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np

from digitcam.errors import DataError

log = logging.getLogger(__name__)

DATA_ENV = "DIGITCAM_DATA"
KERAS_CACHE = Path("~/.keras/datasets/mnist.npz")
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
# 5,000 of MNIST's 60,000 training images; smaller sets (the test subset) keep the ratio.
VALIDATION_FRACTION = 5_000 / 60_000
SPLIT_SEED = 1234

IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
_IDX_MAGIC = {3: 0x00000803, 1: 0x00000801}


@dataclass
class Mnist:
    """The three splits; the test split is only for final reports."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    sha256: str


def read_idx(path: Path, ndim: int) -> np.ndarray:
    """Read one IDX file (gzipped or not) with `ndim` dimensions as uint8."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (OSError, EOFError) as error:
        raise DataError(f"{path}: cannot read ({error})") from None
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: truncated IDX header ({len(raw)} bytes)")
    magic = int.from_bytes(raw[:4], "big")
    if magic != _IDX_MAGIC[ndim]:
        raise DataError(f"{path}: wrong IDX magic 0x{magic:08x}, expected 0x{_IDX_MAGIC[ndim]:08x}")
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        raise DataError(f"{path}: truncated, {len(raw) - header} data bytes for shape {dims} "
                        f"(expected {expected})")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _find_idx(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def _load_idx_folder(folder: Path) -> dict[str, np.ndarray]:
    arrays = {}
    for key, stem in IDX_FILES.items():
        path = _find_idx(folder, stem)
        if path is None:
            raise DataError(f"{folder / (stem + '.gz')}: file not found")
        arrays[key] = read_idx(path, 3 if key.startswith("x") else 1)
    return arrays


def _load_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as npz:
            missing = [k for k in IDX_FILES if k not in npz.files]
            if missing:
                raise DataError(f"{path}: missing arrays {missing}")
            return {k: np.asarray(npz[k], dtype=np.uint8) for k in IDX_FILES}
    except DataError:
        raise
    except Exception as error:  # zipfile and numpy raise many types for a damaged archive
        raise DataError(f"{path}: not a readable MNIST npz ({error})") from None


def _check(arrays: dict[str, np.ndarray], source: str) -> None:
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataError(f"{source}: {split} images have shape {x.shape}, expected (N, 28, 28)")
        if len(x) != len(y):
            raise DataError(f"{source}: {len(x)} {split} images but {len(y)} labels")
        if len(y) and int(y.max()) > 9:
            raise DataError(f"{source}: {split} labels go up to {int(y.max())}, expected 0-9")


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    """Load train and test arrays from a folder of IDX files, a folder holding mnist.npz, or an npz."""
    path = Path(path).expanduser()
    if path.is_dir():
        arrays = _load_npz(path / "mnist.npz") if (path / "mnist.npz").is_file() and \
            _find_idx(path, IDX_FILES["x_train"]) is None else _load_idx_folder(path)
    elif path.is_file():
        arrays = _load_npz(path)
    else:
        raise DataError(f"{path}: no such file or folder")
    _check(arrays, str(path))
    return arrays


def locate(data_dir: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None,
           download: bool = True) -> Path:
    """Where MNIST comes from: --data-dir, $DIGITCAM_DATA, the Keras cache, then a download."""
    environ = os.environ if environ is None else environ
    if data_dir:
        return Path(data_dir)
    if environ.get(DATA_ENV):
        return Path(environ[DATA_ENV])
    cache = KERAS_CACHE.expanduser()
    if cache.is_file():
        return cache
    if not download:
        raise DataError(f"MNIST not found: pass --data-dir or set {DATA_ENV}")
    try:
        import keras  # only for users with internet and the train extra
    except ImportError:
        raise DataError(f"MNIST not found: pass --data-dir or set {DATA_ENV}") from None
    log.info("downloading MNIST to %s", cache)
    try:
        return Path(keras.utils.get_file("mnist.npz", MNIST_URL, file_hash=MNIST_NPZ_SHA256))
    except Exception as error:  # keras wraps URL, socket and hash failures in several types
        raise DataError(f"MNIST not found and not downloadable from {MNIST_URL} ({error}): "
                        f"pass --data-dir or set {DATA_ENV}") from None


def fingerprint(arrays: dict[str, np.ndarray]) -> str:
    """A sha256 over all arrays, recorded with every run so results name their data."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())
    return digest.hexdigest()


def stratified_indices(labels: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Indices of a class-balanced random subset of `size` items, sorted."""
    if not 0 < size <= len(labels):
        raise ValueError(f"subset size {size} outside 1..{len(labels)}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    quota = np.floor(counts / counts.sum() * size).astype(int)
    # Hand the rounding remainder to the classes with the largest fractional share.
    remainder = size - quota.sum()
    order = np.argsort(-(counts / counts.sum() * size - quota))
    quota[order[:remainder]] += 1
    chosen = [rng.choice(np.flatnonzero(labels == c), q, replace=False) for c, q in zip(classes, quota)]
    return np.sort(np.concatenate(chosen))


def load_mnist(data_dir: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None,
               validation_size: int | None = None, seed: int = SPLIT_SEED,
               limit: int | None = None) -> Mnist:
    """MNIST split into train / validation / test; `limit` caps the training images (smoke runs)."""
    path = locate(data_dir, environ)
    return split_arrays(load_arrays(path), validation_size, seed, limit, source=str(path))


def split_arrays(arrays: dict[str, np.ndarray], validation_size: int | None = None, seed: int = SPLIT_SEED,
                 limit: int | None = None, source: str = "") -> Mnist:
    """The seeded, stratified train / validation split of loaded arrays (the test split untouched)."""
    path = source or "MNIST"
    x, y = arrays["x_train"], arrays["y_train"]
    if validation_size is None:
        validation_size = round(len(y) * VALIDATION_FRACTION)
    if not 0 < validation_size < len(y):
        raise DataError(f"{path}: cannot hold out {validation_size} of {len(y)} training images")
    val = stratified_indices(y, validation_size, seed)
    train = np.setdiff1d(np.arange(len(y)), val)
    if limit is not None and limit < len(train):
        train = train[stratified_indices(y[train], limit, seed + 1)]
    return Mnist(x[train], y[train], x[val], y[val], arrays["x_test"], arrays["y_test"],
                 source=path, sha256=fingerprint(arrays))


def load_test(data_dir: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None,
              limit: int | None = None, download: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Only the test split (for conversion checks and benchmarks), optionally a stratified part."""
    arrays = load_arrays(locate(data_dir, environ, download=download))
    x, y = arrays["x_test"], arrays["y_test"]
    if limit is not None and limit < len(y):
        keep = stratified_indices(y, limit, SPLIT_SEED)
        x, y = x[keep], y[keep]
    return x, y
