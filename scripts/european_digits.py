"""How well does a model read 7s crossed and 1s with a long flag, as much of Europe writes them?

MNIST's writers were American: none crossed a 7, few flagged a 1. This script writes the bar or
the flag onto every 7 and 1 of a split and counts how many are still read right, in two ways:
`augment.european` (what `digitcam train --european` trains on, drawn here with another seed)
and a fixed grid drawn otherwise (a level bar of three widths at two heights; a flag of three
lengths at two angles, the longest longer than any trained on). Choose on the validation split;
report on test.

    python scripts/european_digits.py [--model FILE] [--split validation|test]
"""

from __future__ import annotations

import argparse
from typing import Callable

import cv2
import numpy as np

SEED = 2026  # not a training seed
# The grid: bar widths in px of a 28 px image at two heights (share of the digit's height from
# its top); flag lengths (share of the height) at two angles below level, in degrees.
BAR_WIDTHS, BAR_AT = (7, 9, 11), (0.45, 0.55)
FLAG_LENGTHS, FLAG_ANGLES = (0.25, 0.4, 0.55), (40.0, 60.0)
SCALE = 4


def _drawn(image: np.ndarray, draw: Callable[[np.ndarray, int, int, int, int], None]) -> np.ndarray | None:
    """`image` with a stroke `draw(fine, top, bottom, left, right)` drawn SCALE times finer, 2 px wide."""
    rows, cols = np.nonzero(image > 128)
    if not len(rows):
        return None
    fine = np.zeros((28 * SCALE, 28 * SCALE), np.uint8)
    draw(fine, rows.min(), rows.max(), cols.min(), cols.max())
    return np.maximum(image, cv2.resize(fine, (28, 28), interpolation=cv2.INTER_AREA))


def crossed(image: np.ndarray, width: int, at: float) -> np.ndarray | None:
    """A 7 with a level bar `width` px long across its stem, `at` of its height down."""
    rows = np.nonzero(image.max(axis=1) > 128)[0]
    row = int(round(rows[0] + (rows[-1] - rows[0]) * at))
    stem = np.nonzero(image[row] > 128)[0]
    if not len(stem):
        return None
    centre = int(stem.mean())

    def bar(fine: np.ndarray, *_: int) -> None:
        cv2.line(fine, ((centre - width // 2) * SCALE, row * SCALE), ((centre + width // 2) * SCALE, row * SCALE),
                 255, 2 * SCALE)

    return _drawn(image, bar)


def flagged(image: np.ndarray, length: float, degrees: float) -> np.ndarray | None:
    """A 1 with a flag `length` of its height long, `degrees` below level, down to the left."""
    def flag(fine: np.ndarray, top: int, bottom: int, *_: int) -> None:
        x = float(np.nonzero(image[top] > 128)[0].mean())
        reach = length * (bottom - top)
        end = (x - reach * np.cos(np.deg2rad(degrees)), top + reach * np.sin(np.deg2rad(degrees)))
        cv2.line(fine, (int(x * SCALE), int(top * SCALE)), (int(end[0] * SCALE), int(end[1] * SCALE)), 255, 2 * SCALE)

    return _drawn(image, flag)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model file (default: the runtime's choice)")
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)

    from digitcam.edge.backends import open_backend
    from digitcam.edge.discovery import find_model
    from digitcam.train.augment import european
    from digitcam.train.data import load_mnist

    data = load_mnist(args.data_dir)
    x, y = (data.x_val, data.y_val) if args.split == "validation" else (data.x_test, data.y_test)
    choice = find_model(args.model)
    backend = open_backend(choice.path, choice.backend)

    def read(images: list[np.ndarray | None]) -> np.ndarray:
        kept = np.stack([image for image in images if image is not None])
        return backend.predict(kept[..., None]).argmax(axis=1)

    print(f"{choice.path.name}, MNIST {args.split}: {np.mean(read(list(x)) == y) * 100:.2f} % of {len(y)}")
    sevens, ones = x[y == 7], x[y == 1]
    print(f"as written: 7s {np.mean(read(list(sevens)) == 7) * 100:.1f} %, 1s {np.mean(read(list(ones)) == 1) * 100:.1f} %"
          f" ({len(sevens)} and {len(ones)})")
    both = np.concatenate([sevens, ones])[..., None].astype(np.float32)
    labels = np.repeat([7, 1], [len(sevens), len(ones)])
    written = np.clip(european(both, labels, np.random.default_rng(SEED), 1.0), 0, 255).astype(np.uint8)[..., 0]
    read_as = read(list(written))
    print(f"augment.european: crossed 7s {np.mean(read_as[labels == 7] == 7) * 100:.1f} %, "
          f"flagged 1s {np.mean(read_as[labels == 1] == 1) * 100:.1f} %")
    bars, flags = [], []
    for width in BAR_WIDTHS:
        for at in BAR_AT:
            bars.append(np.mean(read([crossed(s, width, at) for s in sevens]) == 7) * 100)
            print(f"grid: 7s crossed by a {width} px bar {at:.2f} down: {bars[-1]:.1f} %")
    for length in FLAG_LENGTHS:
        for degrees in FLAG_ANGLES:
            flags.append(np.mean(read([flagged(s, length, degrees) for s in ones]) == 1) * 100)
            print(f"grid: 1s with a flag {length:.2f} long, {degrees:.0f} degrees down: {flags[-1]:.1f} %")
    print(f"grid in all: crossed 7s {np.mean(bars):.1f} % (the worst {min(bars):.1f} %), "
          f"flagged 1s {np.mean(flags):.1f} % (the worst {min(flags):.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
