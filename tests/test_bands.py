"""Narrow bands of shadow (`edge/detection/bands.py`): lifted where they cross the paper, and nothing else."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitcam.edge.detection.bands import lift_bands
from digitcam.edge.preprocess import to_gray


def quarter_page(band: bool, desk: bool) -> np.ndarray:
    """A 160x120 quarter-scale frame: paper, a digit-like stroke, a band of shadow 5 px wide
    across it and out of the picture, a strip of desk 12 px wide along the left edge."""
    image = np.full((120, 160), 230.0, np.float32)
    if band:
        shade = np.zeros_like(image)
        cv2.line(shade, (70, -10), (90, 130), 1.0, 5)
        image *= 1 - 0.45 * cv2.GaussianBlur(shade, (0, 0), 0.8)
    if desk:
        image[:, :12] = 110
    cv2.line(image, (60, 50), (95, 60), 40.0, 2)  # a stroke across the band
    return np.clip(image, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("desk", [False, True])
def test_a_band_across_the_paper_is_lifted_and_the_ink_in_it_kept(desk):
    image = quarter_page(band=True, desk=desk)
    lifted = lift_bands(image, 4)
    assert abs(int(lifted[20, 73]) - 230) < 15 and abs(int(lifted[100, 87]) - 230) < 15  # the band, off the stroke
    assert lifted[55, 78] < 120  # the stroke inside the band stays ink
    if desk:
        assert np.array_equal(lifted[:, :10], image[:, :10])  # the desk is no band


def test_a_strip_along_the_frame_edge_is_no_band():
    """A desk, or a shadow whose other edge is out of the picture, runs along the frame's edge:
    it stays as it is, and the sheet is still told from it."""
    image = quarter_page(band=False, desk=True)
    assert np.array_equal(lift_bands(image, 4), image)


def test_the_desk_beside_a_sheet_photographed_at_an_angle_is_no_band(small_mnist):
    """Wedges of desk on either side, narrower than the closing where they taper, were lifted as
    bands (3 of 6 pages here), and the sheet was no longer told from the desk."""
    from scripts.stress_detection import conditions

    make = conditions(small_mnist.x_test, small_mnist.y_test)["at an angle"]
    rng = np.random.default_rng(1)
    for _ in range(6):
        frame, _ = make(rng)
        small = cv2.GaussianBlur(cv2.resize(to_gray(frame), (160, 120), interpolation=cv2.INTER_AREA), (5, 5), 0)
        assert np.array_equal(lift_bands(small, 4), small)


def test_sizes_are_the_pages():
    """Bands are measured in page.py's work-scale pixels, and lifted by its light's closing."""
    from digitcam.edge.detection import bands, page

    assert bands.SHADE_LENGTH == page.WORK_HEIGHT // 2 and bands.LIFT_CLOSING == page.FLAT_KERNEL


@pytest.mark.parametrize("angle", [-35, -25, 10, 30])
@pytest.mark.parametrize("thickness", [8, 16])
def test_a_pen_running_out_of_the_picture_leaves_no_ink(angle, thickness):
    """A pen lying across the page and out of it is divided out as a band, its sharp edges too:
    the shade stopped a pixel short of them, and the broken line left along its edge was read as
    a 1 (11 of 153 frames of this kind)."""
    from digitcam.edge.detection import detect

    for end in ((300, 300), (200, 380)):
        page = np.full((480, 640, 3), 228, np.float32)
        reach = np.array(end) + 700 * np.array([np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))])
        cv2.line(page, end, tuple(int(v) for v in reach), (90, 70, 80), thickness)
        page = cv2.GaussianBlur(page, (0, 0), 0.8) + np.random.default_rng(0).normal(0, 3, page.shape)
        assert detect.find_digits(np.clip(page, 0, 255).astype(np.uint8)) == [], end
