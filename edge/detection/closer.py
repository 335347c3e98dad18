"""The closer look: small digits in a large frame (a phone photo, a scan) looked at again at
up to the frame's own resolution, so that thin strokes and close neighbours survive.

Detection works on frames reduced to the work height; `closer_look` takes what that found,
and the detector itself as `look`, and returns the detections to keep.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

import numpy as np

from digitcam.edge.detection.page import WORK_HEIGHT

if TYPE_CHECKING:
    from digitcam.edge.detection.detect import Box, DetectConfig, Detection

    Look = Callable[[np.ndarray, DetectConfig], list[Detection]]

log = logging.getLogger(__name__)

ZOOM_BELOW = 32  # px at work scale: digits smaller than this are worth it
ZOOM_GAIN = 1.5  # the least enlargement worth it
ZOOM_REACH, ZOOM_MARGIN = 4.0, 2.0  # around a group, along its row and across it, x its digits' height
# Up close, digits down to this share of the smallest digit height at work scale are looked
# for (about 1 % of a 12-megapixel photo's height: 5 mm digits on a page photographed whole), and
# where a large frame shows no digit at all, blobs that small lead the closer look.
ZOOM_MIN_HEIGHT = 0.3
ZOOM_SEED = 0.3
ZOOM_SAME = 0.6  # x its height from afar: a digit looked at closer is found again at least this tall
ZOOM_SAME_WIDE = 0.5  # the same, for one found again about as wide (see _found_again)
ZOOM_FOLLOW = 4  # steps along a row at most, each reaching ZOOM_REACH x further past its last digit
ZOOM_KEEP = 0.5  # x the group's height: smaller blobs found up close beside it are letters or specks
ZOOM_FOLLOW_SIZE = (0.7, 1.4)  # x the group's height: the blobs that lead a look further along the row


def worth_it(scale: float) -> bool:
    """Whether a frame looked at reduced by `scale` has resolution to spare for a closer look."""
    return scale <= 1 / ZOOM_GAIN


def closer_look(frame: np.ndarray, config: DetectConfig, found: list[Detection], scale: float, look: Look,
                keep: bool = True) -> list[Detection]:
    """`found`, with each group of small digits replaced by what a closer look at it finds.

    Groups not looked at stay as they are (or go, if not `keep`). Where the look is not
    trusted, only what it found again stays, and nothing where the row ran on: print.
    """
    frame_h, frame_w = frame.shape[:2]
    kept: list[Detection] = []
    for region, group in _regions(found, frame_w, frame_h):
        h = region[3]
        typical = float(np.median([d.box[3] for d in group]))
        gain = min(1.0, WORK_HEIGHT / h) / scale
        if typical * scale >= ZOOM_BELOW or gain < ZOOM_GAIN:
            if keep:
                kept += group
            continue
        closer_config = replace(config, min_height=int(config.min_height * gain * ZOOM_MIN_HEIGHT), zoom=gain)
        closer, ended = _follow_row(frame, region, typical, closer_config, look)
        # Handwriting looks the same up close, with the neighbours missed from afar beside it,
        # and ends on blank paper. Print does not: what passed for a digit from afar (letters
        # run together) comes apart, or the row runs on as a line of text.
        trusted = bool(closer) and ended and all(_found_again(d, closer) for d in group)
        if trusted:
            least = ZOOM_KEEP * max(typical, float(np.median([d.box[3] for d in closer])))
            kept += [d for d in closer if d.box[3] >= least and not any(_inside(d.box, k.box) for k in kept)]
        elif keep and ended:  # seen from afar as they are, where up close confirms them
            kept += [d for d in group if _found_again(d, closer)]
        log.debug("closer look at %s: %d blobs for %d%s", region, len(closer), len(group),
                  "" if trusted else ", not trusted")
    return kept


def _follow_row(frame: np.ndarray, region: Box, typical: float, config: DetectConfig,
                look: Look) -> tuple[list[Detection], bool]:
    """What a closer look at `region` finds, followed along its row while blobs of the group's
    size (`typical` tall) turn up near either end: a number whose digits, too small to be seen
    from afar, run on past the region. Also whether the row ended within ZOOM_FOLLOW steps.

    The look takes in the whole width of the frame, although only what is in the region (as
    followed) is returned: a line of text through it must show its full length for the
    detector's own rule (textlines.py) to leave it out.
    """
    x, y, w, h = region
    seen = [_moved(d, 0, y) for d in look(frame[y:y + h], config)]
    low, high = ZOOM_FOLLOW_SIZE
    x0, x1 = x, x + w
    for _ in range(ZOOM_FOLLOW):
        blobs = _between(seen, x0, x1)
        if not blobs:
            return blobs, True
        height = float(np.median([d.box[3] for d in blobs]))
        leaders = [d.box for d in blobs if low <= d.box[3] / typical <= high]
        reach = int(ZOOM_REACH * height)
        left = max(0, min([x0] + [bx - reach for bx, *_ in leaders]))
        right = min(frame.shape[1], max([x1] + [bx + bw + reach for bx, _, bw, _ in leaders]))
        if (left, right) == (x0, x1):
            return blobs, True
        x0, x1 = left, right
    return _between(seen, x0, x1), False


def _between(detections: list[Detection], x0: int, x1: int) -> list[Detection]:
    return [d for d in detections if x0 <= d.box[0] + d.box[2] / 2 <= x1]


def _found_again(digit: Detection, closer: list[Detection]) -> bool:
    """Whether a blob seen from afar is among those seen up close: where it was, about as tall,
    or about as wide and at least ZOOM_SAME_WIDE x as tall (from afar, a few pixels tall, a
    digit standing on a rule may take a piece of it in, which up close comes away)."""
    def same(c: Detection) -> bool:
        (_, _, w, h), (_, _, cw, ch) = digit.box, c.box
        return ch >= ZOOM_SAME * h or (cw >= ZOOM_SAME * w and ch >= ZOOM_SAME_WIDE * h)

    # Either centre inside the other box: a thin 1 may come out a pixel narrower up close.
    return any((_inside(digit.box, c.box) or _inside(c.box, digit.box)) and same(c) for c in closer)


def _inside(box: Box, other: Box) -> bool:
    """Whether the centre of `box` lies inside `other` (the same blob, seen by two looks)."""
    x, y, w, h = box
    ox, oy, ow, oh = other
    return ox <= x + w / 2 <= ox + ow and oy <= y + h / 2 <= oy + oh


def _regions(found: list[Detection], frame_w: int, frame_h: int) -> list[tuple[Box, list[Detection]]]:
    """Disjoint regions around groups of detections, grown by ZOOM_REACH / ZOOM_MARGIN x their height."""
    groups = []  # [x0, y0, x1, y1] and the detections inside
    for d in found:
        x, y, w, h = d.box
        # Further along the row: a number's missed digits stand beside the found ones.
        mx, my = int(ZOOM_REACH * h), int(ZOOM_MARGIN * h)
        groups.append(([max(0, x - mx), max(0, y - my), min(frame_w, x + w + mx), min(frame_h, y + h + my)], [d]))
    while True:  # join overlapping regions until none overlap
        pair = next(((i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))
                     if _overlap(groups[i][0], groups[j][0])), None)
        if pair is None:
            break
        (a, first), (b, second) = groups[pair[0]], groups.pop(pair[1])
        groups[pair[0]] = ([min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])], first + second)
    return [((x0, y0, x1 - x0, y1 - y0), members) for (x0, y0, x1, y1), members in groups]


def _overlap(a: list[int], b: list[int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _moved(detection: Detection, dx: int, dy: int) -> Detection:
    x, y, w, h = detection.box
    return replace(detection, box=(x + dx, y + dy, w, h),
                   splits=[[_moved(piece, dx, dy) for piece in option] for option in detection.splits])
