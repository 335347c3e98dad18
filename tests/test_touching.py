"""Where touching digits are cut: golden boxes on drawn masks, with a few pixels' tolerance."""

from __future__ import annotations

import cv2
import numpy as np

from digitcam.edge.detection.touching import split_options, stacked_split


def close(box, expected, tolerance: int = 3) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(box, expected))


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def test_two_rings_joined_by_a_stroke_are_cut_through_it():
    mask = np.zeros((100, 200), np.uint8)
    cv2.circle(mask, (60, 50), 28, 255, 5)
    cv2.circle(mask, (126, 50), 28, 255, 5)  # 5 px apart...
    cv2.line(mask, (88, 50), (98, 52), 255, 4)  # ...and joined, as a pen does between digits
    box = bounding_box(mask)
    pairs = [option for option in split_options(mask, box) if len(option) == 2]
    assert pairs, "a blob twice as wide as tall offers a cut into two"
    (left, left_ink), (right, right_ink) = pairs[0]
    assert left[0] == box[0] and right[0] + right[2] == box[0] + box[2]
    # Each piece is one ring, give or take the pixels where they meet: its ink centres on that ring.
    for (x, _, _, _), ink, centre in ((left, left_ink, 60), (right, right_ink, 126)):
        assert abs(x + np.nonzero(ink)[1].mean() - centre) <= 2
    assert 88 <= right[0] <= 98
    # Each piece keeps only its own ink: together they are the blob, with nothing counted twice.
    assert left_ink.shape == (left[3], left[2]) and right_ink.shape == (right[3], right[2])
    assert int((left_ink > 0).sum() + (right_ink > 0).sum()) == int((mask > 0).sum())


def test_three_rings_in_a_row_are_cut_into_three():
    mask = np.zeros((60, 200), np.uint8)
    for k in range(3):
        cv2.circle(mask, (30 + 48 * k, 30), 22, 255, 4)
    triples = [option for option in split_options(mask, bounding_box(mask)) if len(option) == 3]
    assert triples
    for (x, _, w, _), (left, right) in zip((box for box, _ in triples[0]), [(6, 54), (54, 102), (102, 151)]):
        assert close((x, x + w), (left, right), tolerance=3)


def test_the_cut_bends_between_slanted_digits():
    """Two slanted bars whose ends overlap in x: no straight cut separates them, a bent one does."""
    mask = np.zeros((80, 120), np.uint8)
    cv2.line(mask, (20, 75), (50, 5), 255, 6)
    cv2.line(mask, (45, 75), (75, 5), 255, 6)
    cv2.line(mask, (40, 40), (60, 40), 255, 3)  # a touching stroke between them
    ys, xs = np.nonzero(mask)
    box = (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))
    (first, first_ink), (second, second_ink) = next(o for o in split_options(mask, box) if len(o) == 2)
    assert first[0] < second[0] < first[0] + first[2]  # the pieces overlap in x: the cut is not straight
    assert first_ink.sum() > 0.3 * second_ink.sum() and second_ink.sum() > 0.3 * first_ink.sum()


def test_stacked_halves_are_split_at_the_row_between_them():
    mask = np.zeros((200, 100), np.uint8)
    cv2.circle(mask, (50, 45), 35, 255, 6)
    cv2.circle(mask, (50, 130), 45, 255, 6)
    (top, _), (bottom, _) = stacked_split(mask, (2, 7, 96, 172), row=83)
    assert close(top, (12, 7, 77, 77)) and close(bottom, (2, 82, 97, 97))
