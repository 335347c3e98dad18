"""The MNIST loader on good and damaged files, and its one-line errors."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from digitcam.errors import DataError
from digitcam.train import data


def test_subset_loads_and_splits_stratified(mnist_dir):
    mnist = data.load_mnist(mnist_dir, environ={})
    assert mnist.x_train.dtype == np.uint8 and mnist.x_train.shape[1:] == (28, 28)
    assert len(mnist.x_train) + len(mnist.x_val) == 2000
    assert len(mnist.x_val) == round(2000 * 5000 / 60000)
    assert len(mnist.x_test) == 1000
    # Every class is in the validation split, in proportion.
    counts = np.bincount(mnist.y_val, minlength=10)
    assert counts.min() >= 10
    assert len(mnist.sha256) == 64


def test_split_is_seeded_and_disjoint(mnist_dir):
    a = data.load_mnist(mnist_dir, environ={}, seed=5)
    b = data.load_mnist(mnist_dir, environ={}, seed=5)
    np.testing.assert_array_equal(a.y_val, b.y_val)
    train_rows = {row.tobytes() for row in a.x_train}
    assert not any(row.tobytes() in train_rows for row in a.x_val[:50])


def test_limit_caps_training_images(mnist_dir):
    assert len(data.load_mnist(mnist_dir, environ={}, limit=300).x_train) == 300


def test_uncompressed_idx_and_npz(tmp_path, mnist_dir):
    for gz in mnist_dir.glob("*.gz"):
        (tmp_path / gz.stem).write_bytes(gzip.decompress(gz.read_bytes()))
    plain = data.load_arrays(tmp_path)
    np.savez(tmp_path / "mnist.npz", **plain)
    from_npz = data.load_arrays(tmp_path / "mnist.npz")
    for key in data.IDX_FILES:
        np.testing.assert_array_equal(plain[key], from_npz[key])


def test_lookup_order(tmp_path, mnist_dir):
    assert data.locate("given", {"DIGITCAM_DATA": "env"}) == type(tmp_path)("given")
    assert data.locate(None, {"DIGITCAM_DATA": "env"}) == type(tmp_path)("env")


def _damaged(tmp_path, mnist_dir, name, mutate):
    folder = tmp_path / "mnist"
    shutil.copytree(mnist_dir, folder)
    path = folder / name
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(mutate(raw)))
    return folder, path


@pytest.mark.parametrize("name,mutate,fault", [
    ("train-images-idx3-ubyte.gz", lambda b: b[:-100], "truncated"),
    ("t10k-labels-idx1-ubyte.gz", lambda b: b"\x00\x00\x09\x99" + b[4:], "wrong IDX magic"),
    ("train-images-idx3-ubyte.gz", lambda b: b[:4], "truncated IDX header"),
])
def test_damaged_files_name_file_and_fault(tmp_path, mnist_dir, name, mutate, fault):
    folder, path = _damaged(tmp_path, mnist_dir, name, mutate)
    with pytest.raises(DataError, match=fault) as info:
        data.load_arrays(folder)
    assert str(path) in str(info.value)


def test_count_mismatch(tmp_path, mnist_dir):
    def drop_one_label(raw: bytes) -> bytes:
        count = int.from_bytes(raw[4:8], "big") - 1
        return raw[:4] + count.to_bytes(4, "big") + raw[8:-1]

    folder, _ = _damaged(tmp_path, mnist_dir, "train-labels-idx1-ubyte.gz", drop_one_label)
    with pytest.raises(DataError, match="2000 train images but 1999 labels"):
        data.load_arrays(folder)


def test_not_gzip_and_missing(tmp_path, mnist_dir):
    folder = tmp_path / "m"
    shutil.copytree(mnist_dir, folder)
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match="cannot read"):
        data.load_arrays(folder)
    (folder / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataError, match="file not found"):
        data.load_arrays(folder)


def test_cli_reports_bad_data_in_one_line(cli, tmp_path):
    result = cli("train", "--arch", "cnn", "--data-dir", tmp_path / "nowhere")
    assert result.status == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nowhere" in lines[0] and "Traceback" not in result.stderr
