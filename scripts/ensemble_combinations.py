"""Which trained models to fuse: every combination, ranked on the validation split only.

Each model's probabilities on the validation and test splits are computed once; every
combination of `--size` models is then scored by averaging them. The ranking uses validation
accuracy, then validation log loss; test accuracy is printed beside it for the report, never
used to choose.

    python scripts/ensemble_combinations.py NAME=MODEL.keras NAME=RUN_DIR NAME=MODEL.onnx ... [--size 3]

A fused model shipped only as ONNX (models/ensemble.onnx) can be compared with `--size 1`.
The last lines count the images most of the models get wrong: averaging cannot mend those,
so they bound what any combination of these models can score.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np


def model_path(spec: str) -> tuple[str, Path]:
    name, _, path = spec.partition("=")
    if not path:
        raise argparse.ArgumentTypeError(f"{spec}: expected NAME=PATH")
    p = Path(path)
    return name, p / "best.keras" if p.is_dir() else p


def rank(probs: dict[str, tuple[np.ndarray, np.ndarray]], y_val: np.ndarray, y_test: np.ndarray,
         size: int) -> list[tuple[str, float, float, float]]:
    """(names, validation accuracy, validation log loss, test accuracy), best on validation first."""
    rows = []
    for combo in itertools.combinations(sorted(probs), size):
        val = np.mean([probs[n][0] for n in combo], axis=0)
        test = np.mean([probs[n][1] for n in combo], axis=0)
        loss = float(-np.mean(np.log(np.clip(val[np.arange(len(y_val)), y_val], 1e-12, 1.0))))
        rows.append(("+".join(combo), float(np.mean(val.argmax(1) == y_val)), loss,
                     float(np.mean(test.argmax(1) == y_test))))
    return sorted(rows, key=lambda r: (-r[1], r[2]))


def summary(rows: list[tuple[str, float, float, float]]) -> str:
    """One line for the report: how many were ranked, the one chosen (first), and how the test
    scores of all of them spread (for the record only; the choice is already made)."""
    names, val, _, test = rows[0]
    tests = [r[3] for r in rows]
    return (f"{len(rows)} ranked; chosen on validation: {names} (validation {val * 100:.2f} %, "
            f"test {test * 100:.2f} %); test of all: best {max(tests) * 100:.2f} %, "
            f"mean {np.mean(tests) * 100:.2f} %")


def shared_errors(probs: list[np.ndarray], labels: np.ndarray) -> dict[str, int]:
    """How many images every model gets wrong, and how many at least half of them do."""
    wrong = np.sum([p.argmax(1) != labels for p in probs], axis=0)
    return {"all": int(np.sum(wrong == len(probs))), "half": int(np.sum(2 * wrong >= len(probs)))}


def predictor(path: Path):
    """Probabilities for (N, 28, 28) uint8 images from a .keras model or, through ONNX Runtime, an .onnx one."""
    if path.suffix == ".onnx":
        from digitcam.edge.backends import open_backend

        backend = open_backend(path, "onnxruntime")
        return lambda x: np.concatenate([backend.predict(x[i:i + 500, ..., None]) for i in range(0, len(x), 500)])
    import keras

    model = keras.saving.load_model(path, compile=False)
    return lambda x: model.predict(x, batch_size=500, verbose=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=model_path, help="NAME=MODEL.keras, NAME=RUN_DIR or NAME=MODEL.onnx")
    parser.add_argument("--size", type=int, default=3)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)

    from digitcam.train.data import load_mnist

    data = load_mnist(args.data_dir)
    probs = {}
    for name, path in args.models:
        predict = predictor(path)
        probs[name] = (predict(data.x_val), predict(data.x_test))
    print(f"{'models':40s} {'val acc':>8s} {'val loss':>9s} {'test acc':>9s}")
    for size in sorted({1, args.size}):
        rows = rank(probs, data.y_val, data.y_test, size)
        for names, val, loss, test in rows:
            print(f"{names:40s} {val * 100:7.2f}% {loss:9.4f} {test * 100:8.2f}%")
    print(summary(rows))
    for k, (split, labels) in enumerate((("validation", data.y_val), ("test", data.y_test))):
        shared = shared_errors([p[k] for p in probs.values()], labels)
        print(f"{split} images wrong in all {len(probs)} models: {shared['all']}; "
              f"in at least half: {shared['half']} of {len(labels):,}")
    return 0


if __name__ == "__main__":
    from digitcam.errors import run_script

    run_script(main)
