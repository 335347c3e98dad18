"""From detected blobs to digits read: MNIST inputs, one batched inference, and, for a wide
blob, the choice between reading it whole and reading it as touching digits (or, for two
halves joined one above the other, as one digit or two rows).

Cutting touching digits apart is guesswork for geometry alone (a wide "0" and a "10" look
alike to a column profile), so every way to cut is shown to the model in the same batch and
the reading the model is surest of wins: segmentation by recognition.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from digitcam.edge.detection import detect
from digitcam.edge.detection.detect import Box, Detection
from digitcam.edge.preprocess import to_mnist
from digitcam.edge.recognizer import Prediction, Recognizer

# Readings compete on doubt (1 - geometric mean confidence of their pieces), and each cut
# multiplies a reading's doubt by SPLIT_PENALTY (for a blob up to 1.3x as wide as tall; see
# `split_penalty`): one wide digit is likelier than two touching ones. Below DOUBT_FLOOR
# confidences are all "sure" (calibration is not finer than that).
# With 8, `scripts/stress_detection.py --pages 40` reads 35/40 pages of touching digits
# (25 with --no-cut) and all 40 pages of wide single digits, as without cutting.
SPLIT_PENALTY = 8.0
DOUBT_FLOOR = 1e-3
# Digits get rarer the wider they are (of MNIST's test digits, 1.7 % are over 1.3x as wide as
# tall, 0.3 % over 1.6x), so from PENALTY_FROM_ASPECT to PENALTY_TO_ASPECT the penalty falls
# geometrically to WIDEST_SPLIT_PENALTY: two 5s or 7s joined by their top bars are cut apart.
PENALTY_FROM_ASPECT, PENALTY_TO_ASPECT = 1.3, 1.7
WIDEST_SPLIT_PENALTY = 2.0
# With digits beside it in its row and at least AS_TALL x their (median) height, a blob that
# wide is more likely two digits than one, and the first cut is rewarded (CUT_SPLIT_PENALTY < 1):
# two 7s whose bars join read 7 and 77 both sure. A flat blob shorter than its neighbours is
# one digit written flat (a 7 lying on its side).
CUT_SPLIT_PENALTY = 0.5
AS_TALL = 0.75
# A blob joined from two tall parts side by side (`Detection.parted`) is read as those two parts
# at APART_PENALTY x their doubt: set apart by paper all down, they are two digits more often
# than the parts of one.
APART_PENALTY = 0.5
# A blob wider than digits usually are is read (whole or cut) only when the reading is this
# sure (geometric mean): a scribble or a word, whole or cut apart, gives unsure readings.
WIDE_MIN_SURENESS = 0.8
# A blob shaped like a plus sign, beside a taller digit (see marks.py), is read only when the
# model is this sure: it reads plus signs as 4s, but mostly at 0.25-0.9, and the digits
# that pass for one, blurred or small, at 0.98 or more.
SIGN_MIN_SURENESS = 0.95


@dataclass
class FrameResult:
    """Digits read from one frame, with the 28x28 inputs the model saw and stage timings."""

    items: list[tuple[Box, Prediction]]
    inputs: list[np.ndarray]
    stages_ms: dict[str, float] = field(default_factory=dict)

    def number(self, threshold: float) -> str:
        """The digits read, row by row (rows joined by a space); unsure digits as '?'."""
        rows = detect.group_rows([box for box, _ in self.items])
        return " ".join("".join(self.items[i][1].label(threshold) for i in row) for row in rows)


def _alternatives(found: Detection) -> list[list[Detection]]:
    return ([[found]] if found.whole else []) + found.splits


def split_penalty(box: Box, beside: float = 0.0) -> float:
    """How much likelier one wide digit is than two touching ones, for a blob this wide, beside
    digits `beside` px tall (0: none)."""
    aspect = box[2] / max(box[3], 1)
    share = np.clip((aspect - PENALTY_FROM_ASPECT) / (PENALTY_TO_ASPECT - PENALTY_FROM_ASPECT), 0.0, 1.0)
    widest = CUT_SPLIT_PENALTY if 0 < AS_TALL * beside <= box[3] else WIDEST_SPLIT_PENALTY
    return float(SPLIT_PENALTY * (widest / SPLIT_PENALTY) ** share)


def _heights_beside(found: list[Detection]) -> list[float]:
    """For each blob, the median height of the others in its row (0 when it stands alone)."""
    beside = [0.0] * len(found)
    for row in detect.group_rows([d.box for d in found]):
        for i in row:
            others = [found[j].box[3] for j in row if j != i]
            beside[i] = float(np.median(others)) if others else 0.0
    return beside


def _score(predictions: list[Prediction]) -> float:
    return float(np.exp(np.mean([np.log(max(p.confidence, 1e-9)) for p in predictions])))


def read(found: list[Detection], recognizer: Recognizer) -> FrameResult:
    """Read the detections (in reading order) with one call to the model."""
    t0 = time.perf_counter()
    options = [_alternatives(d) for d in found]
    pieces = [piece for alternatives in options for alternative in alternatives for piece in alternative]
    inputs = [to_mnist(piece.ink, light_ink=True) for piece in pieces]
    t1 = time.perf_counter()
    predictions = recognizer.predict(inputs)
    t2 = time.perf_counter()
    chosen: list[tuple[Box, Prediction, np.ndarray]] = []
    at = 0
    for detection, alternatives, beside in zip(found, options, _heights_beside(found)):
        best: tuple[float, int, list[Detection]] | None = None
        # Context makes two digits likelier than one, not three likelier than two: only the
        # first cut is rewarded, and each further one pays as it would without context.
        first, further = split_penalty(detection.box, beside), split_penalty(detection.box)
        for k, alternative in enumerate(alternatives):
            start, at = at, at + len(alternative)
            sureness = _score(predictions[start:at])
            if (detection.wide and sureness < WIDE_MIN_SURENESS) or \
                    (detection.sign and sureness < SIGN_MIN_SURENESS):
                continue
            cuts = len(alternative) - 1
            if detection.parted and k == len(alternatives) - 1:
                penalty = APART_PENALTY
            else:
                penalty = first * further ** (cuts - 1) if cuts else 1.0
            score = -(1.0 - sureness + DOUBT_FLOOR) * penalty
            if best is None or score > best[0]:
                best = (score, start, alternative)
        if best is not None:
            _, start, alternative = best
            chosen.extend((piece.box, predictions[start + j], inputs[start + j])
                          for j, piece in enumerate(alternative)
                          if inputs[start + j].any())  # a blank input is no digit
    # The halves of a stacked blob read as two digits belong to two rows.
    chosen = detect.reading_order(chosen, box_of=itemgetter(0))
    stages = {"preprocess": (t1 - t0) * 1e3, "inference": (t2 - t1) * 1e3}
    return FrameResult([(box, p) for box, p, _ in chosen], [i for *_, i in chosen], stages)
