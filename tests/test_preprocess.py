"""The one MNIST preprocessing function: synthetic strokes, real MNIST digits, and any input at all."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from digitcam.edge import preprocess
from digitcam.edge.preprocess import blurred, has_ink, to_mnist


def _centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return (rows * image).sum() / total, (cols * image).sum() / total


def _box(image: np.ndarray) -> tuple[int, int]:
    ys, xs = np.nonzero(image > 30)
    return int(np.ptp(ys)) + 1, int(np.ptp(xs)) + 1


def test_a_dark_stroke_on_paper_becomes_a_centred_light_digit():
    paper = np.full((300, 400), 220, np.uint8)
    cv2.line(paper, (60, 40), (90, 260), 30, 12)  # a tall, slanted "1" far off-centre
    out = to_mnist(paper)
    assert out.shape == (28, 28) and out.dtype == np.uint8
    assert out.max() == 255 and out[0].max() == 0  # light on black
    height, width = _box(out)
    assert 19 <= height <= 21 and width < height  # longer side 20 px, aspect kept
    cy, cx = _centre_of_mass(out.astype(float))
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5  # where MNIST puts it


def test_polarity_is_detected_both_ways():
    light = np.zeros((100, 100), np.uint8)
    cv2.circle(light, (50, 50), 30, 255, 8)
    np.testing.assert_array_equal(to_mnist(light), to_mnist(255 - light))


def test_a_wide_digit_keeps_its_aspect():
    canvas = np.zeros((200, 200), np.uint8)
    cv2.line(canvas, (20, 100), (180, 110), 255, 15)
    height, width = _box(to_mnist(canvas))
    assert 19 <= width <= 21 and height < 8


def test_thin_pen_is_thickened_to_mnist_strokes():
    page = np.full((400, 400), 235, np.uint8)
    cv2.ellipse(page, (200, 200), (90, 150), 0, 0, 360, 20, 2)  # a big "0" with a fine pen
    out = to_mnist(page)
    stroke = (out > 127).sum() / max(1, (out > 0).sum())
    assert (out > 127).sum() > 60 and stroke > 0.3  # not a faint hairline after area scaling


def test_a_huge_thin_line_drawing_is_thickened_small_to_nearly_the_same_input(monkeypatch):
    """A 3,000 px drawing taken whole is thickened at 600 px (0.16 s, not 1.9 s), to nearly the same input."""
    drawing = np.zeros((3000, 2100), np.uint8)
    cv2.putText(drawing, "5", (0, 2850), cv2.FONT_HERSHEY_SIMPLEX, 125, 255, 2)
    pooled = to_mnist(drawing, light_ink=True).astype(int)
    monkeypatch.setattr(preprocess, "THICKEN_SIDE", 10_000)
    full = to_mnist(drawing, light_ink=True).astype(int)
    assert (pooled > 127).sum() > 60  # thickened: a 2 px line scaled down alone is a faint hairline
    assert np.abs(pooled - full).max() <= 16 and np.abs(pooled - full).mean() < 1.0


def test_empty_and_flat_images_give_black():
    for image in (np.zeros((50, 50), np.uint8), np.full((50, 50), 200, np.uint8), np.zeros((0, 0), np.uint8)):
        assert not to_mnist(image).any()
    assert not has_ink(np.full((40, 40), 128, np.uint8))


def test_mnist_digits_pass_nearly_unchanged_and_stay_correct(small_mnist, recognizer):
    x, y = small_mnist.x_test[:400], small_mnist.y_test[:400]
    processed = np.stack([to_mnist(image) for image in x])
    correlation = np.mean([np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(x, processed)])
    assert correlation > 0.99
    raw = np.array([p.digit for p in recognizer.predict(x)])
    again = np.array([p.digit for p in recognizer.predict(processed)])
    assert (again == y).mean() >= (raw == y).mean() - 0.01
    assert (again == raw).mean() >= 0.98


def _gaps(column: np.ndarray) -> list[int]:
    """The darkest value between each two strokes (runs brighter than 128) down a column."""
    strokes = np.flatnonzero(np.diff((column > 128).astype(int)) != 0)
    ends, starts = strokes[1::2] + 1, strokes[2::2] + 1
    return [int(column[end:start].min()) for end, start in zip(ends, starts)]


def test_sharpening_reopens_the_loops_of_a_blurred_eight():
    page = np.full((80, 60), 225, np.uint8)
    cv2.circle(page, (30, 28), 9, 35, 4)
    cv2.circle(page, (30, 50), 11, 35, 4)
    soft = cv2.GaussianBlur(page, (0, 0), 3.0)  # a phone's soft focus, on a digit 40 px tall
    assert blurred(to_mnist(soft, sharpen=False)) and not blurred(to_mnist(page))
    filled, reopened = (to_mnist(soft, sharpen=s)[:, 14] for s in (False, True))
    assert len(_gaps(filled)) == len(_gaps(reopened)) == 2  # both loops crossed top and bottom
    assert max(_gaps(filled)) > 60 and max(_gaps(reopened)) < 30


def _photographed(digit: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """An MNIST digit as a phone sees it: 40 px tall, dark on paper, blurred by `sigma` px, noisy."""
    ink = cv2.resize(digit, (40, 40), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    page = np.full((70, 60), 225, np.float32)
    page[15:55, 10:50] = 225 * (1 - ink) + 35 * ink
    page = cv2.GaussianBlur(page, (0, 0), sigma) + rng.normal(0, 3, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def test_soft_photos_of_digits_read_better_sharpened_and_mnist_is_left_alone(small_mnist, recognizer):
    from digitcam.edge.detection.pictures import one_digit

    x, y = small_mnist.x_test[:300], small_mnist.y_test[:300]
    rng = np.random.default_rng(0)
    inks = [one_digit(_photographed(digit, 3.0, rng))[0].ink for digit in x]

    def accuracy(sharpen: bool) -> float:
        fields = np.stack([to_mnist(ink, light_ink=True, sharpen=sharpen) for ink in inks])
        return float(np.mean([p.digit == label for p, label in zip(recognizer.predict(fields), y)]))

    assert accuracy(True) >= accuracy(False) + 0.01
    assert np.mean([blurred(to_mnist(digit, sharpen=False)) for digit in x]) < 0.05


@settings(max_examples=150, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 120), st.integers(1, 120)) |
              st.tuples(st.integers(1, 60), st.integers(1, 60), st.sampled_from([1, 3, 4]))))
def test_any_uint8_image_gives_28x28_uint8(image):
    out = to_mnist(image)
    assert out.shape == (28, 28) and out.dtype == np.uint8


@settings(max_examples=40, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 64), st.integers(1, 64)),
              elements=st.floats(-10, 300, width=32) | st.just(float("nan"))))
def test_float_images_do_not_crash(image):
    assert to_mnist(image).shape == (28, 28)
