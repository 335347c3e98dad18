"""Choosing ensemble members ranks on validation only; test accuracy never changes the order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scripts.ensemble_combinations import rank, shared_errors, summary


def _probs(labels: np.ndarray, wrong: list[int], confidence: float = 0.9) -> np.ndarray:
    p = np.full((len(labels), 10), (1 - confidence) / 9)
    p[np.arange(len(labels)), labels] = confidence
    for i in wrong:
        p[i] = np.roll(p[i], 1)
    return p


def test_ranking_uses_validation_then_log_loss_never_test():
    y = np.arange(20) % 10
    good_on_val = (_probs(y, []), _probs(y, [0, 1, 2, 3]))
    good_on_test = (_probs(y, [0, 1]), _probs(y, []))
    confident = (_probs(y, [], 0.99), _probs(y, [0, 1, 2, 3]))
    rows = rank({"a": good_on_val, "b": good_on_test, "c": confident}, y, y, size=1)
    assert [r[0] for r in rows] == ["c", "a", "b"]  # a and c tie on validation; c has the lower loss
    assert rows[-1][3] == 1.0  # the best test score is reported, not chosen
    pairs = rank({"a": good_on_val, "b": good_on_test, "c": confident}, y, y, size=2)
    assert [r[0] for r in pairs][0] == "a+c"


def test_summary_names_the_choice_and_the_spread_of_test_scores():
    rows = [("a+b", 0.998, 0.01, 0.9970), ("a+c", 0.997, 0.01, 0.9980), ("b+c", 0.996, 0.02, 0.9960)]
    assert summary(rows) == ("3 ranked; chosen on validation: a+b (validation 99.80 %, test 99.70 %); "
                             "test of all: best 99.80 %, mean 99.70 %")


def test_shared_errors_count_what_averaging_cannot_mend():
    y = np.arange(10)
    probs = [_probs(y, [0, 1, 2]), _probs(y, [0, 1]), _probs(y, [0, 5]), _probs(y, [0])]
    assert shared_errors(probs, y) == {"all": 1, "half": 2}  # 0 by all four; 1 by two of four


def test_test_time_views_move_the_digit_as_named():
    from scripts.test_time_views import moved

    image = np.zeros((1, 28, 28), np.uint8)
    image[0, 10:18, 12:16] = 255
    assert np.array_equal(moved(image, 1, 0, 0.0, 1.0)[0], np.roll(image[0], 1, axis=1))
    assert np.array_equal(moved(image, 0, -1, 0.0, 1.0)[0], np.roll(image[0], -1, axis=0))
    assert moved(image, 0, 0, 8.0, 1.0)[0].sum() > 0 and not np.array_equal(moved(image, 0, 0, 8.0, 1.0), image)


def test_a_script_given_missing_data_says_so_in_one_line(tmp_path):
    root = Path(__file__).parents[1]
    proc = subprocess.run([sys.executable, root / "scripts" / "test_time_views.py", "--model", root / "models" / "cnn.onnx",
                           "--data-dir", tmp_path / "none"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == f"test_time_views.py: {tmp_path / 'none'}: no such file or folder"


@pytest.mark.slow
def test_the_shipped_ensembles_members_come_back_as_keras_models(tmp_path, mnist_dir):
    """Each recovered member matches its softmax inside the ONNX file, and together they are the ensemble."""
    import keras

    from digitcam.edge.backends import open_backend
    from digitcam.train.data import load_test
    from scripts.members_from_onnx import main

    onnx_file = Path(__file__).parents[1] / "models" / "ensemble.onnx"
    assert main([str(onnx_file), str(tmp_path), "--check", "200", "--data-dir", str(mnist_dir)]) == 0
    members = [keras.saving.load_model(tmp_path / f"member{k}.keras", compile=False) for k in range(3)]
    images, labels = load_test(mnist_dir)
    images, labels = images[:200, ..., None], labels[:200]
    mean = np.mean([m.predict(images.astype(np.float32), verbose=0) for m in members], axis=0)
    fused = open_backend(onnx_file, "onnxruntime").predict(images)
    assert np.abs(mean - fused).max() < 1e-4
    assert (mean.argmax(1) == labels).mean() > 0.97
