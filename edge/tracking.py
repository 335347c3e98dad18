"""Temporal smoothing for live sources, so a digit held still does not flicker.

Boxes are matched to tracks by overlap; a track's probabilities are an exponential
average; a track is shown after it was seen twice and its digit changes only when
another digit clearly wins (hysteresis).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from digitcam.edge.detection import Box
from digitcam.edge.recognizer import Prediction


def iou(a: Box, b: Box) -> float:
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw, ih = max(0, min(ax1, bx1) - max(a[0], b[0])), max(0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


@dataclass
class Track:
    box: Box
    probabilities: np.ndarray
    digit: int
    hits: int = 1
    missed: int = 0
    ident: int = field(default=0)

    @property
    def prediction(self) -> Prediction:
        return Prediction(self.digit, float(self.probabilities[self.digit]), self.probabilities)


class Tracker:
    def __init__(self, smoothing: float = 0.6, switch_margin: float = 0.15, min_hits: int = 2,
                 max_missed: int = 5, match_iou: float = 0.3) -> None:
        self.smoothing, self.switch_margin = smoothing, switch_margin
        self.min_hits, self.max_missed, self.match_iou = min_hits, max_missed, match_iou
        self.tracks: list[Track] = []
        self._next_id = 0

    def update(self, boxes: list[Box], predictions: list[Prediction]) -> list[tuple[Box, Prediction]]:
        """Feed one frame's detections; returns the confirmed, smoothed ones in the given order."""
        unmatched = set(range(len(self.tracks)))
        shown: list[tuple[Box, Prediction] | None] = []
        for box, pred in zip(boxes, predictions):
            best, best_iou = None, self.match_iou
            for t in unmatched:
                overlap = iou(box, self.tracks[t].box)
                if overlap >= best_iou:
                    best, best_iou = t, overlap
            if best is None:
                track = Track(box, pred.probabilities.copy(), pred.digit, ident=self._next_id)
                self._next_id += 1
                self.tracks.append(track)
            else:
                unmatched.discard(best)
                track = self.tracks[best]
                track.box, track.hits, track.missed = box, track.hits + 1, 0
                track.probabilities = self.smoothing * track.probabilities + (1 - self.smoothing) * pred.probabilities
                leader = int(track.probabilities.argmax())
                if leader != track.digit and \
                        track.probabilities[leader] - track.probabilities[track.digit] > self.switch_margin:
                    track.digit = leader
            shown.append((track.box, track.prediction) if track.hits >= self.min_hits else None)
        for t in unmatched:
            self.tracks[t].missed += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.max_missed]
        return [s for s in shown if s is not None]
