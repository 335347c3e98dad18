"""Temporal smoothing: a steady digit does not flicker, new boxes wait a frame, lost ones fade."""

from __future__ import annotations

import numpy as np

from digitcam.edge.recognizer import Prediction
from digitcam.edge.tracking import Tracker, iou


def pred(probs: list[float]) -> Prediction:
    p = np.asarray(probs, np.float32)
    return Prediction(int(p.argmax()), float(p.max()), p)


def noisy_seven(rng: np.random.Generator) -> Prediction:
    """A 7 that a single frame sometimes reads as a 1."""
    p = np.full(10, 0.01)
    if rng.random() < 0.3:
        p[1], p[7] = 0.5, 0.42
    else:
        p[7], p[1] = 0.8, 0.12
    return pred(list(p / p.sum()))


def test_a_steady_digit_does_not_flicker():
    rng = np.random.default_rng(0)
    tracker = Tracker()
    raw, shown = [], []
    for frame in range(60):
        box = (100 + frame % 3, 80, 40, 60)  # the hand trembles a little
        prediction = noisy_seven(rng)
        raw.append(prediction.digit)
        shown += [p.digit for _, p in tracker.update([box], [prediction])]
    assert set(raw) == {1, 7}  # frame by frame it flickers
    assert set(shown) == {7} and len(shown) == 59  # smoothed it does not (shown from the second frame)


def test_new_boxes_wait_one_frame_and_lost_ones_fade():
    tracker = Tracker(min_hits=2, max_missed=2)
    seven = pred([0.0] * 7 + [1.0, 0.0, 0.0])
    assert tracker.update([(0, 0, 30, 50)], [seven]) == []
    assert len(tracker.update([(1, 0, 30, 50)], [seven])) == 1
    for _ in range(3):
        tracker.update([], [])
    assert tracker.tracks == []


def test_a_real_change_switches_after_hysteresis():
    tracker = Tracker(smoothing=0.6, switch_margin=0.15)
    box = (10, 10, 30, 50)
    three = pred([0, 0, 0, 1.0, 0, 0, 0, 0, 0, 0])
    eight = pred([0, 0, 0, 0, 0, 0, 0, 0, 1.0, 0])
    for _ in range(3):
        tracker.update([box], [three])
    digits = [tracker.update([box], [eight])[0][1].digit for _ in range(4)]
    assert digits[0] == 3 and digits[-1] == 8


def test_iou():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    assert abs(iou((0, 0, 10, 10), (5, 0, 10, 10)) - 50 / 150) < 1e-9
