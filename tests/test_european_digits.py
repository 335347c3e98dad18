"""The script that measures crossed 7s and flagged 1s draws them where they belong, and runs end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scripts import european_digits


def _one() -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 13:15] = 255
    return image


def test_a_bar_crosses_the_stem_and_a_flag_leaves_the_top_to_the_left():
    stem = _one()
    bar = european_digits.crossed(stem, 9, 0.5).astype(int) - stem
    # 9 px long, centred on the stem (columns 13-14), half way down it (rows 4-23).
    assert bar[13:16, 9:13].max(axis=0).min() > 0 and bar[13:16, 15:17].max(axis=0).min() > 0
    assert bar[:12].max() == 0 and bar[17:].max() == 0
    flag = european_digits.flagged(stem, 0.4, 45).astype(int) - stem
    ys, xs = np.nonzero(flag > 64)
    assert xs.max() <= 14 and xs.min() < 9 and ys.min() <= 6 and ys.max() <= 14  # none right of the stem
    apart = np.zeros((28, 28), np.uint8)
    apart[4:6, 8:20] = apart[22:24, 8:20] = 255  # no stem where the bar would cross it
    assert european_digits.crossed(apart, 9, 0.5) is None


def test_it_reads_the_shipped_model_on_a_split(mnist_dir, capsys):
    model = Path(__file__).parents[1] / "models" / "cnn.int8.tflite"
    assert european_digits.main(["--model", str(model), "--data-dir", str(mnist_dir)]) == 0
    out = capsys.readouterr().out
    assert "MNIST validation" in out and "augment.european: crossed 7s" in out
    assert out.count("grid: 7s crossed") == 6 and out.count("grid: 1s with a flag") == 6
    assert "grid in all: crossed 7s" in out
