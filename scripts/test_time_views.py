"""Would reading each digit several ways (shifted, turned, scaled) and averaging help? Validation only.

Test-time augmentation for the shipped model: each validation image is read as it is and in
slightly moved copies, and the probabilities of a set of such views are averaged. Errors on the
validation split are printed per view and per set; the test split is not looked at, so a set
can be chosen here honestly and only then measured on test.

    python scripts/test_time_views.py [--model models/ensemble.onnx] [--data-dir DIR]
"""

from __future__ import annotations

import argparse

import cv2
import numpy as np

# name -> (shift x, shift y, degrees, scale)
VIEWS = {"as is": (0, 0, 0.0, 1.0), "right 1": (1, 0, 0.0, 1.0), "left 1": (-1, 0, 0.0, 1.0),
         "down 1": (0, 1, 0.0, 1.0), "up 1": (0, -1, 0.0, 1.0), "turned +8": (0, 0, 8.0, 1.0),
         "turned -8": (0, 0, -8.0, 1.0), "smaller 8 %": (0, 0, 0.0, 0.92), "larger 8 %": (0, 0, 0.0, 1.08)}
SETS = {"shifts": ["as is", "right 1", "left 1", "down 1", "up 1"], "turns": ["as is", "turned +8", "turned -8"],
        "scales": ["as is", "smaller 8 %", "larger 8 %"], "all nine": list(VIEWS)}


def moved(images: np.ndarray, dx: int, dy: int, degrees: float, scale: float) -> np.ndarray:
    matrix = cv2.getRotationMatrix2D((13.5, 13.5), degrees, scale)
    matrix[:, 2] += (dx, dy)
    return np.stack([cv2.warpAffine(image, matrix, (28, 28), flags=cv2.INTER_LINEAR) for image in images])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/ensemble.onnx")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)

    from digitcam.edge.backends import open_backend
    from digitcam.train.data import load_mnist

    data = load_mnist(args.data_dir)
    backend = open_backend(args.model)
    probs = {}
    for name, view in VIEWS.items():
        images = moved(data.x_val, *view)
        probs[name] = np.concatenate([backend.predict(images[i:i + 500, ..., None]) for i in range(0, len(images), 500)])
    errors = lambda p: int(np.sum(p.argmax(axis=1) != data.y_val))  # noqa: E731
    print(f"validation errors of {len(data.y_val)}, {args.model}")
    for name, p in probs.items():
        print(f"  {name:12s} {errors(p):4d}")
    for name, members in SETS.items():
        print(f"  mean of {name:10s} {errors(np.mean([probs[m] for m in members], axis=0)):4d}")
    return 0


if __name__ == "__main__":
    from digitcam.errors import run_script

    run_script(main)
