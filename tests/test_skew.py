"""Levelling a lined page that lies askew under the camera (`edge/detection/skew.py`)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitcam.edge.detection import detect, skew

from tests.test_detect import exact, stress_pages


def _turned(image: np.ndarray, angle: float) -> np.ndarray:
    h, w = image.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, turn, (w, h), borderMode=cv2.BORDER_REPLICATE)


def _ruled_page() -> np.ndarray:
    page = np.full((480, 640), 228, np.uint8)
    for y in range(20, 480, 32):
        cv2.line(page, (0, y), (639, y), 160, 1)
    cv2.line(page, (70, 0), (70, 479), 130, 2)  # the margin
    return page


@pytest.mark.parametrize("angle", [-12.0, -7.0, -3.0, 4.0, 9.0])
def test_the_turn_that_levels_a_ruled_page_is_found(angle):
    assert skew.slant(_turned(_ruled_page(), angle)) == pytest.approx(-angle, abs=0.3)
    levelled, back = skew.level(_turned(_ruled_page(), angle), skew.slant(_turned(_ruled_page(), angle)))
    rows = (levelled[60:420, 100:540] < 200).sum(axis=1)
    assert rows.max() > 0.9 * 440  # a rule runs along one row again
    x, y, w, h = skew.box_back((300, 200, 40, 60), back)
    assert w > 40 and h > 60  # an upright box around the turned one


@pytest.mark.parametrize("angle", [0.0, 1.5, -2.0])
def test_a_page_nearly_square_is_left_as_it_is(angle):
    """Under LEAST degrees, the tests for rules and walls cope, and turning would only blur them."""
    assert skew.slant(_turned(_ruled_page(), angle)) == 0.0


def test_a_plain_page_and_a_row_of_cells_out_of_line_are_not_turned(small_mnist):
    """No long lines: nothing to level by. Cells drawn by hand side by side, each a little higher
    or lower than the next, make slanted lines through their tops that are no slant of the page."""
    page = np.full((480, 640), 228, np.uint8)
    for k, digit in enumerate(small_mnist.x_test[:5]):
        glyph = cv2.resize(digit, (70, 70))
        page[200:270, 60 + 100 * k:130 + 100 * k] = np.minimum(page[200:270, 60 + 100 * k:130 + 100 * k], 255 - glyph)
    assert skew.slant(page) == 0.0
    for k, dy in enumerate((0, 5, -3, 4, -5, 2)):
        cv2.rectangle(page, (40 + 90 * k, 190 + dy), (130 + 90 * k, 280 + dy), 60, 2)
    assert skew.slant(page) == 0.0


@pytest.mark.parametrize("condition", ["squared, askew", "notebook, askew"])
def test_digits_on_a_lined_page_askew_are_read(small_mnist, recognizer, monkeypatch, condition):
    """Turned 3-10 degrees, grid lines and rules are no longer level or upright, and stay, read
    as rows of 1s, unless the page is levelled first."""
    pages = stress_pages(small_mnist, condition, seed=6, count=6)
    default = exact(pages, recognizer)
    monkeypatch.setattr(skew, "slant", lambda work: 0.0)
    # Faint rules left in would also be shed where they touch a digit: this is about levelling.
    monkeypatch.setattr(detect, "SHED_REACH", 1e9)
    without = exact(pages, recognizer)
    assert default >= 5 and without <= default - 2, f"{default} of 6 read, {without} without levelling"
