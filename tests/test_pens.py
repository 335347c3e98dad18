"""A pen lying on the sheet (`edge/detection/pens.py`): cut away from the digits it touches, and nothing else."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitcam.edge.detection import pens

DIGIT = 40  # px: the digits' height


def pen_and_digits(touching: int, turn: float = 0.0) -> np.ndarray:
    """A part of the ink mask: a pen 12 px thick and 200 px long, turned by `turn` degrees, with
    `touching` digit-like rings 40 px tall standing on it."""
    part = np.zeros((200, 300), np.uint8)
    along = np.array((np.cos(np.deg2rad(turn)), np.sin(np.deg2rad(turn))))
    start = np.array((50.0, 120.0))
    cv2.line(part, tuple(start.astype(int)), tuple((start + 200 * along).astype(int)), 1, 12)
    for k in range(touching):
        foot = start + (40 + 50 * k) * along
        cv2.ellipse(part, (int(foot[0]), int(foot[1]) - 26), (13, 20), 0, 0, 360, 1, 4)
    return part > 0


@pytest.mark.parametrize("turn", [0, 25, -40])
def test_a_pen_touching_a_digit_or_two_is_found_and_the_digits_left(turn):
    for touching in (1, 2):
        part = pen_and_digits(touching, turn)
        pen = pens._pen_in(part, DIGIT)
        assert pen is not None and np.count_nonzero(pen) > 0.8 * 200 * 12
        rest = part & ~cv2.dilate(pen.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        _, _, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8))
        assert np.count_nonzero(stats[1:, 2:4].max(axis=1) >= DIGIT / 2) == touching  # specks of its rim aside


def test_a_bar_alone_or_across_a_row_of_digits_is_left_to_the_other_rules():
    """Alone, it may be a 1 among small print; across three digits, letters of print run together."""
    assert pens._pen_in(pen_and_digits(0), DIGIT) is None
    assert pens._pen_in(pen_and_digits(3), DIGIT) is None


def test_a_strip_along_the_frame_edge_is_not_looked_into():
    """A strip of desk along the frame's top edge, with a digit touching it, stays in the mask."""
    mask = np.zeros((480, 640), np.uint8)
    mask[0:14, 40:600] = 1
    cv2.ellipse(mask, (300, 36), (13, 20), 0, 0, 360, 1, 4)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    before = mask.copy()
    assert not pens.cut_pens(mask, labels, stats, list(range(1, count)), DIGIT)
    assert np.array_equal(mask, before)
