"""Choosing between reading a wide blob whole and reading it as touching digits."""

from __future__ import annotations

import numpy as np
import pytest

from digitcam.edge import reading
from digitcam.edge.backends.base import Backend
from digitcam.edge.detection.detect import Detection
from digitcam.edge.recognizer import Recognizer


class ScriptedBackend(Backend):
    """Answers each input with the next (digit, confidence) of a script, in the order given."""

    name = "scripted"

    def __init__(self, script: list[tuple[int, float]]) -> None:
        self.script = script
        super().__init__("scripted")

    def _load(self) -> None:
        pass

    def _run(self, batch: np.ndarray) -> np.ndarray:
        assert len(batch) == len(self.script), "every alternative goes to the model in one batch"
        probs = np.zeros((len(batch), 10), np.float32)
        for row, (digit, confidence) in zip(probs, self.script):
            row[:] = (1 - confidence) / 9
            row[digit] = confidence
        return probs


def blob(box, seed: int = 0) -> Detection:
    """A detection whose ink is a visible stroke (its look does not matter to the scripted model)."""
    ink = np.zeros((40, 40), np.uint8)
    ink[5 + seed:35, 18:22] = 255
    return Detection(box, ink)


def two_way(whole: bool = True, width: int = 60) -> Detection:
    wide = blob((0, 0, width, 50))
    wide.whole, wide.wide = whole, not whole
    wide.splits = [[blob((0, 0, width // 2, 50)), blob((width // 2, 0, width - width // 2, 50), seed=1)]]
    return wide


def read(detections, script):
    return reading.read(detections, Recognizer(ScriptedBackend(script)))


def parted(width: int = 40) -> Detection:
    """A blob joined from two tall parts side by side (two 1s written close, or one 0 in two arcs)."""
    joined = blob((0, 0, width, 50))
    joined.splits, joined.parted = [[blob((0, 0, 10, 50)), blob((width - 10, 0, 10, 50), seed=1)]], True
    return joined


@pytest.mark.parametrize("whole, pieces, expect", [
    ((1, 0.999), [(1, 0.999), (1, 0.999)], "11"),  # equally sure: parts set apart are two digits
    ((0, 0.99), [(1, 0.97), (1, 0.95)], "0"),      # a 0 broken in two arcs reads best whole
    ((4, 0.90), [(1, 0.99), (7, 0.99)], "17"),
])
def test_parts_joined_side_by_side_are_two_digits_unless_one_reads_surer(whole, pieces, expect):
    """Paper all down between them makes two digits likelier than one: the parts' doubt counts
    half (APART_PENALTY), where a cut through ink pays eightfold."""
    result = read([parted()], [whole, *pieces])
    assert "".join(str(p.digit) for _, p in result.items) == expect


@pytest.mark.parametrize("whole, pieces, expect", [
    ((0, 0.999), [(1, 0.999), (2, 0.999)], "0"),   # equally sure: one digit is likelier
    ((8, 0.90), [(3, 0.999), (5, 0.999)], "35"),   # the whole is doubtful, the pieces are not
    ((0, 0.97), [(1, 0.99), (2, 0.99)], "0"),      # a cut must cut the doubt eightfold
    ((0, 0.80), [(1, 0.99), (2, 0.99)], "12"),
])
def test_the_surest_reading_wins_and_each_cut_must_pay(whole, pieces, expect):
    result = read([two_way()], [whole, *pieces])
    assert "".join(str(p.digit) for _, p in result.items) == expect
    assert len(result.inputs) == len(expect)


@pytest.mark.parametrize("width, expect", [(60, "5"), (75, "5"), (90, "55")])
def test_the_wider_the_blob_the_less_a_cut_pays(width, expect):
    # Two 5s joined by their top bars read as one 5 of some doubt: cut only where few digits are that wide.
    result = read([two_way(width=width)], [(5, 0.90), (5, 0.96), (5, 0.96)])
    assert "".join(str(p.digit) for _, p in result.items) == expect


def test_the_split_penalty_falls_with_the_aspect_from_eight_to_two():
    penalties = [reading.split_penalty((0, 0, w, 100)) for w in (100, 130, 150, 170, 300)]
    assert penalties[:2] == [reading.SPLIT_PENALTY] * 2 and penalties[-2:] == [reading.WIDEST_SPLIT_PENALTY] * 2
    assert reading.WIDEST_SPLIT_PENALTY < penalties[2] < reading.SPLIT_PENALTY


def test_beside_digits_as_tall_a_flat_blob_is_likelier_two_digits_than_one():
    assert reading.split_penalty((0, 0, 170, 100), beside=100) == reading.CUT_SPLIT_PENALTY < 1
    assert reading.split_penalty((0, 0, 170, 100), beside=150) == reading.WIDEST_SPLIT_PENALTY  # short: one flat digit
    assert reading.split_penalty((0, 0, 100, 100), beside=100) == reading.SPLIT_PENALTY  # square: one digit


@pytest.mark.parametrize("neighbour_height, expect", [(50, "770"), (80, "70"), (None, "7")])
def test_two_sevens_joined_read_sure_both_ways_are_cut_only_beside_digits_as_tall(neighbour_height, expect):
    # Two 7s whose bars join read as one flat 7 and as 77, all sure: the digits beside it decide.
    joined = two_way(width=90)
    found = [joined] + ([blob((120, 0, 35, neighbour_height))] if neighbour_height else [])
    script = [(7, 0.9995), (7, 0.9995), (7, 0.9995)] + ([(0, 0.9995)] if neighbour_height else [])
    assert "".join(str(p.digit) for _, p in read(found, script).items) == expect


def test_context_rewards_the_first_cut_only():
    # "09" beside a 1: the two-way cut must not lose to a surer-per-piece three-way one ("627").
    joined = two_way(width=120)
    joined.splits.append([blob((0, 0, 40, 50)), blob((40, 0, 40, 50), seed=1), blob((80, 0, 40, 50), seed=2)])
    script = [(2, 0.86), (0, 1.0), (9, 0.918), (6, 0.952), (2, 0.97), (7, 0.934), (1, 0.9995)]
    result = read([joined, blob((140, 0, 20, 50))], script)
    assert "".join(str(p.digit) for _, p in result.items) == "091"


def test_a_blob_too_wide_for_one_digit_is_read_only_when_its_pieces_are_sure():
    assert len(read([two_way(whole=False)], [(1, 0.95), (2, 0.95)]).items) == 2
    assert read([two_way(whole=False)], [(1, 0.9), (4, 0.5)]).items == []  # a scribble cut apart


def test_choices_are_per_blob_and_keep_reading_order():
    plain = blob((200, 0, 30, 50))
    result = read([two_way(), plain], [(8, 0.6), (3, 0.999), (5, 0.999), (7, 0.999)])
    assert [p.digit for _, p in result.items] == [3, 5, 7]
    assert [box[0] for box, _ in result.items] == [0, 30, 200]
    assert result.number(0.5) == "357"
