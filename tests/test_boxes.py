"""Printed boxes taken out of the ink mask, digits that touch their walls kept."""

import cv2
import numpy as np
import pytest

from digitcam.edge.detection import boxes


def _row_of_boxes(angle: float) -> tuple[np.ndarray, np.ndarray]:
    """An ink mask with a row of three printed boxes turned `angle` degrees, a digit-like loop
    in each box that runs into its top and bottom walls, and the mask of the loops alone."""
    walls = np.zeros((480, 640), np.uint8)
    for y in (200, 260):
        cv2.line(walls, (200, y), (440, y), 255, 2)
    for x in (200, 280, 360, 440):
        cv2.line(walls, (x, 200), (x, 260), 255, 2)
    loops = np.zeros_like(walls)
    for cx in (240, 320, 400):
        cv2.ellipse(loops, (cx, 230), (18, 33), 0, 0, 360, 255, 5)
    turn = cv2.getRotationMatrix2D((320, 240), angle, 1.0)
    walls, loops = (cv2.warpAffine(m, turn, (640, 480), flags=cv2.INTER_NEAREST) for m in (walls, loops))
    return walls | loops, loops


@pytest.mark.parametrize("angle", [-4.0, 6.0, 9.0])
def test_walls_of_a_row_of_boxes_askew_go_and_the_digits_touching_them_stay(angle):
    mask, loops = _row_of_boxes(angle)
    box = boxes.box_ink(mask, min_height=20)
    wall_ink = (mask > 0) & (loops == 0)
    # Where a loop crosses a wall, that ink goes with the wall; the rest of each loop stays.
    assert ((box > 0) & (loops > 0)).sum() < 0.1 * (loops > 0).sum()
    assert ((box > 0) & wall_ink).sum() > 0.9 * wall_ink.sum()
    left = cv2.connectedComponentsWithStats(cv2.subtract(mask, box), connectivity=8)[2][1:]
    assert (left[:, 3] >= 40).sum() == 3  # three digits, each whole


def test_a_loop_that_is_no_box_is_left_alone():
    mask = np.zeros((480, 640), np.uint8)
    cv2.ellipse(mask, (320, 240), (40, 60), 7, 0, 360, 255, 4)
    assert not boxes.box_ink(mask, min_height=20).any()
