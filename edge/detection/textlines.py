"""Lines of print, told apart from handwritten digits so that detection can leave them out.

An MNIST model reads any letter as some digit, so letters must not reach it. What gives
print away is its company: letters too small to be digits beside a tall one, or a chain of
blobs running far longer than a handwritten number, most of them letter-shaped (lower-case,
no taller than wide) where digits are not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from digitcam.edge.detection.detect import Box

TEXT_COMPANIONS = 2  # letters (a word counts as two) on the same line within three heights
# Print on a page photographed whole is small; bigger blobs in a row are handwriting (touching digits).
PRINT_HEIGHT = 3  # x the smallest digit height


def in_printed_line(box: Box, boxes: list[list[int]], min_height: float, max_aspect: float,
                    flat_digit_aspect: float) -> bool:
    """A letter of a line of print: a tall one (l, d, T) among lower-case letters too small to be
    digits, or a short word ("a") between words whose touching letters make blobs wider than a digit.

    Handwritten digits stand alone or among digits of their own size. Only blobs up to
    PRINT_HEIGHT x the smallest digit height are worth asking about.
    """
    x, y, w, h = box
    companions = 0
    for bx, by, bw, bh, *_ in boxes:
        if (bx, by, bw, bh) == (x, y, w, h):
            continue
        small = 0.4 * h <= bh < min(min_height, 0.9 * h)
        word = 0.6 * h <= bh <= 1.5 * h and bw > max_aspect * bh
        if not (small or word):
            continue
        overlap = min(y + h, by + bh) - max(y, by)
        gap = max(bx - (x + w), x - (bx + bw))
        if overlap >= 0.5 * min(h, bh) and gap <= 3 * h:
            # A blob as wide as a flat digit counts once, a longer word twice.
            companions += 2 if word and bw > flat_digit_aspect * bh else 1
    return companions >= TEXT_COMPANIONS


# A line of text, whatever its size: blobs of about one height (letters, or whole words where
# letters touch) following one another with small gaps, far longer than it is tall. Even a
# phone number written by hand is shorter; long numbers are written in groups. A row of digits
# written across a page is as long, but its blobs are not shaped as letters are (_mixed).
TEXT_SPAN = 16  # x the line's height
TEXT_GAP = 1.5  # x the line's height: the widest gap inside the line (up close, a comma and a space)
TEXT_PARTS = 5
TEXT_TALLER = 3.5  # x its height: the letters of the line a full stop or a comma stands in
# Of a line's blobs, the share at least that look like letters: under X_HEIGHT x its tallest
# ones, or no taller than wide. Most letters of print are lower-case: in the lines of the stress
# script's print pages 45-100 % of the blobs look so; of 10-15 MNIST digits in a row 0-33 %, up
# to 67 % when their heights vary by a third (then some such rows are still left out).
TEXT_MIXED, X_HEIGHT = 0.4, 0.8


def in_text_line(box: Box, boxes: list[list[int]]) -> bool:
    """True when `box` is part of a line of text: TEXT_SPAN x as long as it is high, its blobs
    mixed as letters are."""
    x, y, w, h = box
    line = [(bx, bx + bw, bh) for bx, by, bw, bh, *_ in boxes
            if 0.4 * h <= bh <= TEXT_TALLER * h and min(y + h, by + bh) - max(y, by) >= 0.5 * min(h, bh)]
    if len(line) < TEXT_PARTS:
        return False
    # Against the line's own height: a small letter stands among taller ones and whole words,
    # a tall blob (letters of two lines joined) among the letters of either line.
    height = float(np.median([bh for *_, bh in line]))
    reach = TEXT_GAP * height
    right_count, right = _chain(sorted(s[:2] for s in line), x, x + w, reach)
    left_count, left = _chain(sorted((-hi, -lo) for lo, hi, _ in line), -(x + w), -x, reach)
    if 1 + right_count + left_count < TEXT_PARTS or right + left < TEXT_SPAN * height:
        return False
    return _mixed([(lo, hi, bh) for lo, hi, bh in line if lo >= -left and hi <= right])


def _mixed(parts: list[tuple[int, int, int]]) -> bool:
    """Whether the blobs of a line mix shapes as print does: lower-case letters at x-height, well
    under the capitals and ascenders, and letters (a, m, o) and words no taller than wide.
    Handwritten digits are about one height, and taller than wide."""
    if len(parts) < 2:
        return True
    tall = sorted(bh for *_, bh in parts)[-2]  # the second tallest: one blob may be two lines joined
    letters = sum(bh < X_HEIGHT * tall or hi - lo >= bh for lo, hi, bh in parts)
    return letters >= TEXT_MIXED * len(parts)


def _chain(spans: list[tuple[int, int]], start: int, end: int, reach: float) -> tuple[int, int]:
    """How many of `spans` (sorted by their start) follow one another from `end`, at most
    `reach` apart, and where the last of them ends."""
    count = 0
    for left, right in spans:
        if left <= start:
            continue
        if left - end > reach:
            break
        if right > end:
            count, end = count + 1, right
    return count, end
