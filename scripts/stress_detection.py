"""Read MNIST *test* handwriting laid out under conditions the synthetic camera does not make.

A second, independent generator: pencil, sticky notes, red ink, markers, fine pens, light
falling off, dim rooms (one with a webcam's noise), blur, JPEG, tilt, small and big digits,
cells, the boxes of a form, dark squared paper, a form or a lined page 3-10 degrees askew,
underlines, a decimal point, a colon, a dash, a comma, a degree sign, a plus or an equals sign
between the digits (a pen's, a marker's), digits close enough to touch, digits set close by
their ink (half of them 1s), wide digits (never to be cut in two), digits of uneven height on
one baseline (print-like, but handwriting), hard and soft shadows, a hand at the edge, a wooden
desk, light ink on a dark ground, a notebook page, a camera at an angle or shaking, glare,
writing showing through from the back of the sheet, pencil rubbed out, phone photos (3
megapixels: on a desk, in pencil, dim, blurred, as JPEG; 12 megapixels, plain or ruled), a page
scan, a long number, a card number, a row of digits across a page, a page on a desk in a dim
room, a sheet held up before a cluttered scene (a portrait, a temple, a flower), a pen lying on
the sheet, a hard or a soft shadow across a sheet on a desk, a band of shadow across one, the
shadow of a pen across a page, on a desk or filling the frame. `--luminance` hands detection
the camera frames and page photos in grey, as the Pi camera gives them.
Prints, per condition, how many pages were read exactly, then how many blobs were read as
digits on photos of printed pages (no digits), whole and up close, and how many still pictures
(as `digitcam predict` gets them) were read right: photos of whole pages (some of the
conditions above), photos cropped around one digit or a number, per light, drawings saved
from a computer, per pen (and in colours close in grey, or small on a large canvas), and
digits cropped close, drawn or photographed. Needs the full
MNIST test set, or with `--split validation` the validation split's 5,000 digits: figures to
choose a model by.

    python scripts/stress_detection.py [--pages 20] [--model models/cnn-european.int8.tflite] [--data-dir DIR]
        [--condition NAME | --pictures] [--split test|validation] [--no-cut] [--no-closer-look]
        [--no-text-lines] [--crops-whole] [--luminance]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

PAPER = np.array((228, 232, 235), np.float32)
INK = np.array((35, 30, 30), np.float32)
Page = tuple[np.ndarray, str]
# A 12-megapixel photo of a whole page: digits 1.3-2 % of its height (4-6 mm on A4), and the
# rules of ruled paper about 3 % of its height apart.
PAGE_12MP = {"size": (4032, 3024), "height": (40, 61), "count": (3, 7)}
RULING = 95
# A 3-megapixel phone photo of a page: the digits 2.4-3.7 % of its height.
PHONE = {"size": (2016, 1512), "height": (36, 57), "count": (3, 7)}


def write(rng: np.random.Generator, images: np.ndarray, labels: np.ndarray, *, height: tuple[int, int] = (60, 100),
          count: tuple[int, int] = (2, 6), paper=PAPER, ink=INK, spacing: float = 1.25,
          stroke: Callable[[np.ndarray, int], np.ndarray] | None = None, cells: bool = False, boxes: bool = False,
          underline: bool = False, on_line: bool = False, group: int = 0, marks: tuple[str, ...] = (),
          size: tuple[int, int] = (640, 480), ink_gap: tuple[float, float] | None = None,
          ones: float = 0.0) -> tuple[np.ndarray, np.ndarray, str]:
    """A float page (640x480 unless `size` says) with a row of handwritten digits; returns the
    page, ink alpha and truth.

    `on_line`: digits of uneven height (65-100 %) standing on one baseline, as on ruled paper.
    `group`: a digit's width of space after every `group` digits (a card number: 4).
    `cells`: a box drawn around each digit; `boxes`: a row of printed boxes, one digit in each.
    `marks`: one of these (see `punctuate`) after one digit but the last, drawn with the digits'
    pen (a time, a price, a phone number); the truth is the digits alone.
    `ink_gap`: each digit set this share of the height (from, to) after the last one's ink, as a
    hand spaces them (a 1 stands as close to its neighbours as a wide digit does), not at a
    fixed pitch. `ones`: the share of the digits that are 1s, the narrowest.
    """
    w, h = size
    n = int(rng.integers(*count))
    size = int(rng.integers(*height))
    pick = rng.integers(0, len(labels), n)
    if ones:
        ones_at = np.nonzero(labels == 1)[0]
        pick = np.where(rng.random(n) < ones, rng.choice(ones_at, n) if len(ones_at) else pick, pick)
    alpha = np.zeros((h, w), np.float32)
    pitch = int(size * spacing)
    spaces = (n - 1) // group if group else 0
    x0, y0 = (w - pitch * (n + spaces)) // 2, (h - size) // 2
    spans = []
    for k, index in enumerate(pick):
        side = int(size * rng.uniform(0.65, 1.0)) if on_line else size
        glyph = cv2.resize(images[index], (side, side), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        if stroke is not None:
            glyph = stroke(glyph, side)
        x, y = x0 + (k + (k // group if group else 0)) * pitch, y0 + int(rng.integers(-5, 6))
        if ink_gap:
            inked = np.nonzero((glyph > 0.3).any(axis=0))[0]
            x = x0 if k == 0 else after + int(rng.uniform(*ink_gap) * size) - int(inked.min())
            after = x + int(inked.max())
        if on_line:  # the ink's lowest point on the baseline, give or take a pixel
            bottom = int(np.nonzero((glyph > 0.3).any(axis=1))[0].max())
            y = y0 + size - bottom + int(rng.integers(-1, 2))
        alpha[y:y + side, x:x + side] = np.maximum(alpha[y:y + side, x:x + side], np.clip(glyph, 0, 1))
        if cells:  # drawn by hand around each digit
            cv2.rectangle(alpha, (x - 6, y - 8), (x + side + 6, y + side + 8), 0.8, 2)
        if boxes:  # printed in a row, a little apart
            cv2.rectangle(alpha, (x - size // 10, y0 - 12), (x + size + size // 10, y0 + size + 12), 0.6, 2)
        if marks:
            inked = np.nonzero((glyph > 0.3).any(axis=0))[0]
            spans.append((x + int(inked.min()), x + int(inked.max()), y, side, glyph))
    if marks and n > 1:  # in the widest gap between two digits' ink
        after = max(range(n - 1), key=lambda k: spans[k + 1][0] - spans[k][1])
        _, right, y, side, glyph = spans[after]
        punctuate(alpha, glyph, (right + spans[after + 1][0]) // 2, y, side, rng, marks)
    if underline:
        cv2.line(alpha, (x0 - 10, y0 + size + 8), (x0 + pitch * n, y0 + size + 12), 0.9, 3)
    page = np.ones((h, w, 3), np.float32) * paper
    page = page * (1 - alpha[..., None]) + np.asarray(ink, np.float32) * alpha[..., None]
    return page, alpha, "".join(str(int(labels[i])) for i in pick)


def punctuate(alpha: np.ndarray, glyph: np.ndarray, x: int, y: int, side: int, rng: np.random.Generator,
              kinds: tuple[str, ...]) -> None:
    """One of `kinds` (a decimal point, a colon, a dash, a comma, a degree sign, a plus or an
    equals sign) centred on column `x`, for digits `side` px high whose glyph box starts at row
    `y`, drawn with `glyph`'s pen: a dot 1-1.5 strokes wide (MNIST ink spans the middle 20 of 28
    rows)."""
    inside = cv2.distanceTransform((glyph > 0.5).astype(np.uint8), cv2.DIST_L2, 3)
    pen = 2 * float(np.percentile(inside[inside > 0], 90))  # the stroke's middle, not where strokes cross
    radius = max(1, int(round(pen * rng.uniform(0.5, 0.75))))
    kind = rng.choice(kinds)
    if kind == "degree":  # a ring at the top, 0.12-0.2 of the glyph box across
        ring = max(2, int(side * rng.uniform(0.06, 0.1)))
        cv2.circle(alpha, (x, y + int(side * 0.14) + ring), ring, 1.0, max(1, int(round(pen * 0.7))), cv2.LINE_AA)
        return
    if kind == "comma":  # a dot on the line with a tail hanging below it, down to the left
        row = y + int(side * rng.uniform(0.8, 0.86))
        cv2.circle(alpha, (x, row), radius, 1.0, -1, cv2.LINE_AA)
        tail = (x - radius // 2, row + radius + int(radius * rng.uniform(1.0, 1.5)))
        cv2.line(alpha, (x + radius // 3, row), tail, 1.0, max(1, int(round(pen * 0.6))), cv2.LINE_AA)
        return
    if kind == "dash":
        half = int(side * rng.uniform(0.12, 0.2))
        row = y + int(side * rng.uniform(0.45, 0.6))
        cv2.line(alpha, (x - half, row), (x + half, row), 1.0, max(1, int(round(pen))), cv2.LINE_AA)
        return
    if kind in ("plus", "equals"):  # 0.3-0.5 of the glyph box across, as a hand draws them: not square
        half, row = side * rng.uniform(0.15, 0.25), y + side * rng.uniform(0.45, 0.6)
        turn = rng.uniform(-0.12, 0.12)  # radians off level
        across, down = np.array((np.cos(turn), np.sin(turn))), np.array((-np.sin(turn), np.cos(turn)))
        middle = np.array((x, row))
        if kind == "plus":  # the strokes cross 40-60 % of the way along each other
            strokes = [(middle - half * rng.uniform(0.8, 1.2) * d, middle + half * rng.uniform(0.8, 1.2) * d)
                       for d in (across, down)]
        else:  # two dashes 0.15-0.25 of the glyph box apart, a pen's width of gap at least
            gap = max(side * rng.uniform(0.075, 0.125), pen)
            strokes = [(middle + g * down - half * across, middle + g * down + half * across) for g in (-gap, gap)]
        for start, end in strokes:
            cv2.line(alpha, tuple(np.round(start).astype(int)), tuple(np.round(end).astype(int)), 1.0,
                     max(1, int(round(pen))), cv2.LINE_AA)
        return
    top = y + int(side * rng.uniform(0.33, 0.4))  # a colon's dots a pen's width apart at least
    rows = [y + int(side * rng.uniform(0.77, 0.83))] if kind == "point" else \
        [top, top + max(int(side * rng.uniform(0.3, 0.38)), int(2 * radius + pen))]
    for row in rows:
        cv2.circle(alpha, (x, row), radius, 1.0, -1, cv2.LINE_AA)


def finish(page: np.ndarray, rng: np.random.Generator, noise: float = 3.0) -> np.ndarray:
    return np.clip(page + rng.normal(0, noise, page.shape), 0, 255).astype(np.uint8)


def shadow(page: np.ndarray, rng: np.random.Generator, softness: float,
           band: tuple[int, int] | None = None) -> np.ndarray:
    """A shadow 55 % deep over a 640x480 `page`, its edge blurred by `softness` px: from the left
    edge to a leaning line, or a band from top to bottom, its width drawn from the range `band`
    (an arm's, a window bar's, a pen's)."""
    if band:
        left, width, lean = (int(rng.integers(*span)) for span in ((100, 400), band, (-60, 61)))
        corners = [[left, 0], [left + width, 0], [left + width + lean, 480], [left + lean, 480]]
    else:
        top, bottom = int(rng.integers(200, 420)), int(rng.integers(150, 380))
        corners = [[0, 0], [top, 0], [bottom, 480], [0, 480]]
    mask = np.zeros(page.shape[:2], np.float32)
    cv2.fillPoly(mask, [np.array(corners)], 1.0)
    return page * (1 - 0.55 * cv2.GaussianBlur(mask, (0, 0), softness))[..., None]


def conditions(images: np.ndarray, labels: np.ndarray) -> dict[str, Callable[[np.random.Generator], Page]]:
    def plain(**kw):
        def make(rng):
            page, _, truth = write(rng, images, labels, **kw)
            return finish(page, rng), truth
        return make

    def then(effect, **kw):
        def make(rng):
            page, _, truth = write(rng, images, labels, **kw)
            return effect(page, rng), truth
        return make

    def jpeg(page, rng, quality=25):
        ok, data = cv2.imencode(".jpg", finish(page, rng), [cv2.IMWRITE_JPEG_QUALITY, quality])
        return cv2.imdecode(data, cv2.IMREAD_COLOR)

    def askew(make):  # the sheet 3-10 degrees off square under the camera, either way
        def turned(rng):
            frame, truth = make(rng)
            angle = float(rng.choice([-1, 1]) * rng.uniform(3, 10))
            turn = cv2.getRotationMatrix2D((320, 240), angle, 1.0)
            return cv2.warpAffine(frame, turn, (640, 480), borderMode=cv2.BORDER_REPLICATE), truth
        return turned

    def tilt(page, rng):
        turn = cv2.getRotationMatrix2D((320, 240), float(rng.uniform(-18, 18)), 1.0)
        return finish(cv2.warpAffine(page, turn, (640, 480), borderValue=tuple(map(float, PAPER))), rng)

    def falloff(page, rng):
        return finish(page * np.linspace(1.0, 0.35, 640)[None, :, None] * np.linspace(0.85, 1.05, 480)[:, None, None],
                      rng)

    def hand(page, rng):
        cv2.ellipse(page, (600, 470), (160, 90), -30, 0, 360, (120, 140, 170), -1)
        return finish(cv2.GaussianBlur(page, (0, 0), 0.8), rng)

    def bare_desk(page, around=False):  # on both sides, or all round
        page[:, :50] = page[:, 590:] = (60, 110, 165)
        if around:
            page[:60] = page[420:] = (60, 110, 165)
        return page

    def shaded_desk(softness, band=None):
        return then(lambda p, rng: finish(shadow(bare_desk(p, band is not None), rng, softness, band), rng),
                    height=(60, 80), count=(2, 5))

    def desk(page, rng):
        frame = finish(bare_desk(page), rng)
        cv2.putText(frame, "4", (5, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, (20, 40, 60), 5)  # print on a desk object
        return frame

    def phone_on_desk(page, rng):
        page[:, :300] = page[:, 1716:] = page[:200] = (60, 100, 150)
        return cv2.GaussianBlur(finish(page * np.linspace(1.0, 0.6, 2016)[None, :, None], rng), (0, 0), 1.0)

    def chalk(rng):
        _, alpha, truth = write(rng, images, labels)
        board = np.ones((480, 640, 3), np.float32) * (40, 60, 45)
        return finish(board * (1 - alpha[..., None]) + 220 * alpha[..., None], rng), truth

    def ruled_photo(rng):  # a 12-megapixel photo of a ruled page, the digits standing on a rule
        page, alpha, truth = write(rng, images, labels, **PAGE_12MP)
        baseline = int(np.nonzero(alpha.any(axis=1))[0].max()) + 3
        for y in range(baseline % RULING, 3024, RULING):
            cv2.line(page, (0, y), (4031, y), (200, 170, 150), 4)
        return cv2.GaussianBlur(finish(page, rng), (0, 0), 1.5), truth

    def under_ink(alpha, ground):  # pen strokes over what is printed on the paper
        return ground * (1 - alpha[..., None]) + INK * alpha[..., None]

    def squared(rng):  # squared paper, its grid photographed nearly as dark as pencil
        _, alpha, truth = write(rng, images, labels, height=(60, 90))
        rows = np.nonzero(alpha.any(axis=1))[0]
        pitch = max(8, int((rows.max() - rows.min()) * rng.uniform(0.45, 0.7)))
        ground = np.ones((480, 640, 3), np.float32) * PAPER
        for at in range(int(rng.integers(0, pitch)), 640, pitch):
            cv2.line(ground, (at, 0), (at, 479), (170, 150, 140), 2)
            cv2.line(ground, (0, at), (639, at), (170, 150, 140), 2)
        return finish(cv2.GaussianBlur(under_ink(alpha, ground), (0, 0), 0.8), rng), truth

    def form(rng, touching=False):  # one digit per box of a printed form
        _, alpha, truth = write(rng, images, labels, height=(50, 70), spacing=1.4)
        rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
        size = rows.max() - rows.min()
        pitch = (cols.max() - cols.min() + 0.4 * size) / len(truth)
        # Written to fill the boxes, the tallest digits run into the top and bottom walls.
        margin = int(rng.integers(-4, 1)) if touching else 12
        left, top, bottom = cols.min() - 0.2 * size, int(rows.min()) - margin, int(rows.max()) + margin
        ground, width = np.ones((480, 640, 3), np.float32) * PAPER, int(rng.integers(1, 3))
        for y in (top, bottom):
            cv2.line(ground, (int(left), y), (int(left + len(truth) * pitch), y), (120, 120, 120), width)
        for k in range(len(truth) + 1):
            cv2.line(ground, (int(left + k * pitch), top), (int(left + k * pitch), bottom), (120, 120, 120), width)
        return finish(under_ink(alpha, ground), rng), truth

    def notebook(rng):  # a notebook page at webcam resolution: blue rules, a red margin
        pitch = int(rng.integers(26, 38))
        _, alpha, truth = write(rng, images, labels, height=(int(pitch * 1.6), int(pitch * 2.6)))
        baseline = int(np.nonzero(alpha.any(axis=1))[0].max()) + 2
        ground = np.ones((480, 640, 3), np.float32) * PAPER
        for y in range(baseline % pitch, 480, pitch):
            cv2.line(ground, (0, y), (639, y), (215, 175, 140), int(rng.integers(1, 3)))
        cv2.line(ground, (70, 0), (70, 479), (120, 120, 215), 2)
        return finish(cv2.GaussianBlur(under_ink(alpha, ground), (0, 0), 0.8), rng), truth

    def pen(page, rng):  # a pen or a pencil lying on the sheet below the digits, at any angle
        length, thickness = int(rng.integers(200, 350)), int(rng.integers(8, 17))
        centre = (int(rng.integers(200, 440)), int(rng.integers(340, 420)))
        bar = cv2.boxPoints((centre, (length, thickness), rng.uniform(-40, 40))).astype(np.int32)
        cv2.fillPoly(page, [bar], tuple(float(v) for v in rng.integers(20, 120, 3)))
        return finish(page, rng)

    def at_an_angle(page, rng):  # the camera not square to the sheet: one side of it nearer
        d = float(rng.uniform(60, 140))
        corners = np.float32([[0, 0], [640, 0], [640, 480], [0, 480]])
        near = [[d, 0], [640 - d, 0], [640, 480], [0, 480]] if rng.random() < 0.5 else \
            [[0, 0.6 * d], [640, 0], [640, 480], [0, 480 - 0.6 * d]]
        turn = cv2.getPerspectiveTransform(corners, np.float32(near))
        return finish(cv2.warpPerspective(page, turn, (640, 480), borderValue=(60, 100, 150)), rng)

    def shake(page, rng):  # the camera moved while the shutter was open: a streak 7-12 px long
        n, angle = int(rng.integers(7, 13)), float(rng.uniform(0, np.pi))
        kernel, c = np.zeros((n, n), np.float32), (n - 1) / 2
        ends = [(int(round(c + s * c * np.cos(angle))), int(round(c + s * c * np.sin(angle)))) for s in (-1, 1)]
        cv2.line(kernel, ends[0], ends[1], 1.0, 1)
        return finish(cv2.filter2D(page, -1, kernel / kernel.sum()), rng)

    def glare(page, rng):  # a lamp's reflection on glossy paper, washing out the ink under it
        yy, xx = np.mgrid[0:480, 0:640]
        cx, cy = rng.uniform(150, 490), rng.uniform(150, 330)
        return finish(np.clip(page + 180 * np.exp(-((xx - cx) / 90) ** 2 - ((yy - cy) / 60) ** 2)[..., None], 0, 255),
                      rng)

    def faint_writing(darkness, blur, reach, mirrored=False, ink=INK):
        """Digits, and other writing much fainter around them, apart or touching: the back of a
        thin sheet showing through (mirrored), or pencil rubbed out."""
        def make(rng):
            page, alpha, truth = write(rng, images, labels, ink=ink)
            _, other, _ = write(rng, images, labels, height=(50, 90))
            other = cv2.GaussianBlur(other[:, ::-1] if mirrored else other, (0, 0), blur)
            other = np.roll(other, int(rng.integers(-reach, reach)), axis=0)
            return finish(page * (1 - darkness * other * (alpha <= 0.05))[..., None], rng), truth
        return make

    def cluttered(rng):
        """A sheet held up to a webcam, or lying on a cluttered desk: a turned rectangle of paper
        over 45-75 % of the frame, around the digits, on a crop of a photo (a portrait before a
        flag, a temple among trees, a flower)."""
        scene = CLUTTER[int(rng.integers(len(CLUTTER)))]()
        h, w = scene.shape[:2]
        share = rng.uniform(0.5, 1.0)
        ch, cw = int(h * share), int(min(w, h * share * 4 / 3))
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        ground = cv2.resize(scene[y:y + ch, x:x + cw], (640, 480), interpolation=cv2.INTER_AREA).astype(np.float32)
        page, alpha, truth = write(rng, images, labels, height=(45, 75), count=(2, 5))
        area = rng.uniform(0.45, 0.75)
        sheet_w = max(int(640 * np.sqrt(area) * 1.1), int(np.ptp(np.nonzero(alpha.any(axis=0))[0])) + 60)
        corners = cv2.boxPoints(((320 + rng.uniform(-20, 20), 240 + rng.uniform(-15, 15)),
                                 (sheet_w, int(480 * np.sqrt(area) / 1.1)), rng.uniform(-8, 8)))
        sheet = np.zeros((480, 640), np.uint8)
        cv2.fillPoly(sheet, [corners.astype(np.int32)], 1)
        frame = np.where(((sheet > 0) | (alpha > 0))[..., None], page, ground)
        return finish(cv2.GaussianBlur(frame, (0, 0), 0.6), rng), truth

    def wide(rng):  # digits wider than tall (0, 2, 5 mostly): one digit each, never cut in two
        page, _, truth = write(rng, images[wide_ones], labels[wide_ones], count=(1, 4), spacing=1.4)
        return finish(page, rng), truth

    ink = images > 60
    rows, cols = ink.any(axis=2).sum(axis=1), ink.any(axis=1).sum(axis=1)
    wide_ones = np.nonzero(cols > 1.05 * np.maximum(rows, 1))[0]
    marker = lambda g, size: bold(g, size, 12)  # noqa: E731
    fine = lambda g, size: np.clip((g - 0.7) * 4, 0, 1)  # noqa: E731
    punctuated = {"marks": ("point", "colon", "dash"), "spacing": 1.5, "count": (2, 6), "height": (50, 80)}
    european = {**punctuated, "marks": ("comma", "degree")}
    sums = {**punctuated, "marks": ("plus", "equals")}
    return {
        "plain": plain(),
        "pencil": plain(ink=PAPER - 75),
        "sticky note": plain(paper=(110, 225, 250), ink=(120, 40, 20)),
        "red ink": plain(ink=(40, 40, 190)),
        "marker": plain(stroke=marker),
        # A grey felt-tip, or pencil held close to the camera: strokes about a quarter of a digit wide.
        "pale marker, close": plain(height=(150, 260), count=(1, 3), ink=PAPER - 75, spacing=1.1,
                                    stroke=lambda g, size: bold(g, size, 8)),
        "fine pen": plain(stroke=fine),
        "light falls off": then(falloff),
        "dim room": then(lambda p, rng: finish(p * 0.3, rng, noise=8)),
        # A webcam in a dim room turns its gain up: noise of 20 grey levels in its brightness.
        "dim room, noisy": then(lambda p, rng: finish(p * 0.3 + rng.normal(0, 20, p.shape[:2] + (1,)), rng, noise=8)),
        "out of focus": then(lambda p, rng: cv2.GaussianBlur(finish(p, rng), (0, 0), 2.5)),
        "jpeg 25": then(jpeg),
        "tilted": then(tilt),
        "small (13-18 px)": plain(height=(18, 26), count=(4, 5), spacing=1.6),
        "big, alone": plain(height=(300, 301), count=(1, 2)),
        "held up close": plain(height=(360, 440), count=(1, 2)),
        "in cells": plain(cells=True, height=(60, 80)),
        "form boxes": form,  # sharing their walls
        "form, touching": lambda rng: form(rng, touching=True),
        "form, askew": askew(form),
        "form, touching, askew": askew(lambda rng: form(rng, touching=True)),
        "boxes apart": plain(boxes=True, spacing=1.45, height=(55, 75)),
        "squared paper": squared,
        "squared, askew": askew(squared),
        "underlined": plain(underline=True, height=(60, 80)),
        # A time, a price or a phone number: a point, a colon or a dash between the digits.
        "point, colon, dash": plain(**punctuated),
        "marker: point, colon, dash": plain(**punctuated, stroke=marker),
        # A decimal comma, a degree sign.
        "comma, degree": plain(**european),
        "marker: comma, degree": plain(**european, stroke=marker),
        "plus, equals": plain(**sums),
        "marker: plus, equals": plain(**sums, stroke=marker),
        "close together": plain(spacing=0.78, count=(3, 6)),
        "touching": plain(spacing=0.64, count=(2, 5)),
        "close by their ink": plain(ink_gap=(0.04, 0.15), ones=0.5, count=(2, 6)),
        "wide digits": wide,
        "uneven, on a line": plain(on_line=True),
        "small, uneven, line": plain(on_line=True, height=(26, 40), spacing=1.4),
        "hard shadow": then(lambda p, rng: finish(shadow(p, rng, 3), rng)),
        "soft shadow": then(lambda p, rng: finish(shadow(p, rng, 15), rng)),
        "hand at the edge": then(hand),
        "wooden desk": then(desk, height=(60, 80), count=(2, 5)),
        # The same at a third of the light: paper 70 grey levels bright, the desk 30.
        "wooden desk, dim": then(lambda p, rng: finish(desk(p, rng) * 0.3, rng), height=(60, 80), count=(2, 5)),
        "chalk": chalk,
        "notebook page": notebook,
        "notebook, askew": askew(notebook),
        "at an angle": then(at_an_angle),
        "camera shake": then(shake),
        "glare": then(glare),
        "show-through": faint_writing(0.25, 1.5, 120, mirrored=True),
        "rubbed out": faint_writing(0.12, 2.0, 130, ink=PAPER - 75),
        # A phone photo of a page, slightly soft.
        "phone photo": then(lambda p, rng: cv2.GaussianBlur(finish(p, rng), (0, 0), 1.2), **PHONE),
        # The same with the desk around the sheet and the light falling off across it.
        "phone photo, desk": then(phone_on_desk, size=PHONE["size"], height=(40, 61), count=(3, 6)),
        # Phone photos taken less well: pencil, in a dim room, out of focus, saved small.
        "phone photo, pencil": then(lambda p, rng: cv2.GaussianBlur(finish(p, rng), (0, 0), 1.2),
                                    ink=PAPER - 75, **PHONE),
        "phone photo, dim": then(lambda p, rng: cv2.GaussianBlur(finish(p * 0.3, rng, noise=8), (0, 0), 1.2),
                                 **PHONE),
        "phone photo, blurred": then(lambda p, rng: cv2.GaussianBlur(finish(p, rng), (0, 0), 3.0), **PHONE),
        "phone photo, jpeg 40": then(lambda p, rng: jpeg(cv2.GaussianBlur(p, (0, 0), 1.2), rng, 40), **PHONE),
        "12 MP photo": then(lambda p, rng: cv2.GaussianBlur(finish(p, rng), (0, 0), 1.5),
                            **PAGE_12MP),
        "12 MP photo, ruled": ruled_photo,
        # A 200 dpi scan of a letter page, upright: digits 30-50 px, sharp.
        "scan": then(lambda p, rng: cv2.GaussianBlur(finish(p, rng, noise=2.0), (0, 0), 0.6),
                     size=(1700, 2200), height=(30, 51), count=(3, 7)),
        # A phone number or an account number: 10-12 digits written close, one long line.
        "long number": plain(count=(10, 13), spacing=1.0, height=(30, 46)),
        # A card number: 16 digits in groups of four, as long as a short line of print.
        "card number": plain(count=(16, 17), spacing=1.0, height=(26, 32), group=4),
        # 12-15 digits written across a page, evenly spaced: as long as a line of print.
        "digits across": plain(size=(1280, 960), count=(12, 16), spacing=1.5, height=(40, 53)),
        "held up, cluttered": cluttered,
        "pen on the sheet": then(pen, height=(50, 80), count=(2, 5)),
        # A shadow across a sheet with a bare desk beside it, from one side or a band across the
        # middle: in grey (`--luminance`) a sharp one is told only by the shadow on the desk.
        "desk, hard shadow": shaded_desk(3),
        "desk, soft shadow": shaded_desk(15),
        "desk, band of shadow": shaded_desk(3, band=(80, 200)),
        # The shadow of a pen held over the page, or of a lamp's arm: as narrow as a marker's stroke.
        "shadow of a pen": then(lambda p, rng: finish(shadow(p, rng, 2, band=(12, 46)), rng),
                                height=(60, 80), count=(2, 5)),
        "desk, shadow of a pen": shaded_desk(2, band=(12, 46)),
    }


def _photo(module: str, *parts: str) -> Callable[[], np.ndarray]:
    """A photo shipped inside an installed package (matplotlib's, scikit-learn's), read once,
    when first needed."""
    @functools.cache
    def read() -> np.ndarray:
        folder = os.path.dirname(importlib.import_module(module).__file__)
        return cv2.imread(os.path.join(folder, *parts), cv2.IMREAD_COLOR)
    return read


# Cluttered grounds: a portrait of Grace Hopper before a flag (matplotlib's sample data), a
# temple among trees and a flower (scikit-learn's sample images).
CLUTTER = (_photo("matplotlib", "mpl-data", "sample_data", "grace_hopper.jpg"),
           _photo("sklearn.datasets", "images", "china.jpg"), _photo("sklearn.datasets", "images", "flower.jpg"))



def bold(glyph: np.ndarray, side: int, share: int) -> np.ndarray:
    """A digit redrawn with a marker: its strokes widened by 1/`share` of its side."""
    return cv2.dilate(glyph, np.ones((max(3, side // share),) * 2, np.uint8))


def crop(rng: np.random.Generator, images: np.ndarray, labels: np.ndarray, light: str,
         count: tuple[int, int] = (1, 2), sides: tuple[int, int] = (40, 601),
         size: tuple[int, int] = (640, 480)) -> Page:
    """A photo cropped around one handwritten digit (or `count` digits in a row), as a user would
    crop it: a margin of 5-40 %, `sides` px on its longer side, with paper grain, and the light
    given by `light`."""
    pale = light in ("pencil", "pale marker")
    page, alpha, truth = write(rng, images, labels, count=count, height=(80, 200), size=size,
                               ink=PAPER - 75 if pale else INK,
                               stroke=(lambda g, side: bold(g, side, 8)) if light == "pale marker" else None)
    rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
    size = rows.max() - rows.min()
    if light in PAPER_LINES:  # the paper's grid or rules drawn under the ink, as dark as pencil
        ground = np.ones_like(page) * PAPER
        colour, width = PAPER_LINES[light], max(1, round(size / 50))
        if light == "squared paper":
            pitch = max(8, int(size * rng.uniform(0.45, 0.7)))
            for at in range(int(rng.integers(0, pitch)), max(page.shape[:2]), pitch):
                cv2.line(ground, (at, 0), (at, page.shape[0] - 1), colour, width)
                cv2.line(ground, (0, at), (page.shape[1] - 1, at), colour, width)
        else:  # the digits on a rule, the next above them
            pitch = max(8, int(size * rng.uniform(0.6, 0.9)))
            for at in range(int(rows.max()) + 2, -pitch, -pitch):
                cv2.line(ground, (0, at), (page.shape[1] - 1, at), colour, width)
            for at in range(int(rows.max()) + 2 + pitch, page.shape[0], pitch):
                cv2.line(ground, (0, at), (page.shape[1] - 1, at), colour, width)
        page = ground * (1 - alpha[..., None]) + np.asarray(INK, np.float32) * alpha[..., None]
    left, right, top, bottom = (int(m * size) for m in rng.uniform(0.05, 0.4, 4))
    page = page[max(0, rows.min() - top):rows.max() + bottom, max(0, cols.min() - left):cols.max() + right]
    h, w = page.shape[:2]
    if light == "light falls off":
        page = page * np.linspace(1.0, 0.45, w)[None, :, None]
    elif light == "shadow edge":  # a hard shadow across part of it, from either side
        edge = int(rng.uniform(0.2, 0.5) * w)
        dark = (np.arange(w) < edge) if rng.random() < 0.5 else (np.arange(w) >= w - edge)
        page = page * np.where(dark, 0.55, 1.0)[None, :, None]
    elif light in ("dim", "dim, noisy"):
        page = page * 0.35
    side = int(rng.integers(*sides))
    scale = side / max(h, w)
    page = cv2.resize(page, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    photo = finish(cv2.GaussianBlur(page, (0, 0), 0.8), rng, noise={"dim": 8.0, "dim, noisy": 20.0}.get(light, 4.0))
    if light == "jpeg 30":
        photo = cv2.imdecode(cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 30])[1], cv2.IMREAD_COLOR)
    return photo, truth


# Pages of the conditions above photographed whole and read as `digitcam predict` reads a
# picture: blobs at its edge are kept there (it may be cropped close), so where a shadow, a hand,
# a desk or a grid runs out of the picture must not be read.
PAGE_PHOTOS = ("plain", "hard shadow", "hand at the edge", "wooden desk", "wooden desk, dim", "at an angle",
               "squared, askew", "notebook, askew")
# A pale marker: a grey felt-tip, or pencil photographed close (its strokes wide in pixels).
CROP_LIGHTS = ("even", "pencil", "pale marker", "light falls off", "shadow edge", "dim", "jpeg 30",
               "squared paper", "ruled paper", "dim, noisy")
PAPER_LINES = {"squared paper": (170, 150, 140), "ruled paper": (215, 175, 140)}  # BGR
# A number's crop, small (as wide as a crop of one digit, `digitcam predict`'s limit for one is
# 200 px) or large.
NUMBER_CROP = {"count": (2, 6), "sides": (100, 1201), "size": (1400, 480)}


def skeleton(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a binary mask to lines one pixel wide: a digit's path, to redraw
    it with another pen."""
    img = (mask > 0).astype(np.uint8)
    while True:
        changed = False
        for step in (0, 1):
            p = np.pad(img, 1)
            n = [p[:-2, 1:-1], p[:-2, 2:], p[1:-1, 2:], p[2:, 2:], p[2:, 1:-1], p[2:, :-2], p[1:-1, :-2], p[:-2, :-2]]
            neighbours = sum(q.astype(np.int8) for q in n)
            turns = sum(((n[i] == 0) & (n[(i + 1) % 8] == 1)).astype(np.int8) for i in range(8))
            north, east, south, west = n[0], n[2], n[4], n[6]
            side = (north * east * south == 0) & (east * south * west == 0) if step == 0 else \
                (north * east * west == 0) & (north * south * west == 0)
            gone = (img == 1) & (neighbours >= 2) & (neighbours <= 6) & (turns == 1) & side
            if gone.any():
                img[gone], changed = 0, True
        if not changed:
            return img


DRAWING_PENS = ("pencil, 1 px", "brush, 2-4 px", "brush, 5 % of the height", "as in MNIST", "framed",
                "faint in grey", "small, on a large canvas")
# Ink and ground (BGR) 25-50 grey levels apart, though far apart in colour, or a pale grey pen.
FAINT_COLOURS = (((255, 0, 0), (0, 0, 0)), ((0, 220, 255), (255, 255, 255)), ((215, 215, 215), (255, 255, 255)),
                 ((150, 30, 0), (0, 0, 0)), ((255, 255, 150), (255, 255, 255)), ((0, 0, 230), (0, 160, 0)))


def drawing(rng: np.random.Generator, images: np.ndarray, labels: np.ndarray, pen: str) -> Page:
    """A picture drawn on a computer and saved as PNG: 1-4 MNIST digits redrawn along their
    path with `pen` (or as they are), dark on a flat light ground or light on a dark one, the
    picture 250-1600 px on its longer side. "framed": a 2-4 px brush, in a frame 1-4 px wide
    (a canvas' outline, a screenshot's border, or a box drawn 4-12 px in), saved as JPEG one
    time in three. "faint in grey": a 2-4 px brush in colours whose grey levels lie close
    (FAINT_COLOURS), such as blue on black."""
    if pen == "small, on a large canvas":
        return small_on_canvas(rng, images, labels)
    n = int(rng.integers(1, 5))
    size = min(int(rng.integers(120, 500)), int(1600 / (0.9 * n + 0.6)))
    pick = rng.integers(0, len(labels), n)
    light = rng.random() < 0.25
    ground, ink = (30, 20, 10) if light else (255, 255, 255), (250, 250, 250) if light else (0, 0, 0)
    if pen == "faint in grey":
        ink, ground = FAINT_COLOURS[int(rng.integers(len(FAINT_COLOURS)))]
    w, h = max(250, int(size * (0.9 * n + 0.6))), int(size * rng.uniform(1.3, 2.0))
    picture = np.full((h, w, 3), ground, np.float32)
    alpha = np.zeros((h, w), np.float32)
    for k, index in enumerate(pick):
        glyph = cv2.resize(images[index], (size, size), interpolation=cv2.INTER_CUBIC)
        if pen != "as in MNIST":
            line = skeleton(glyph > 100)
            brush = int(rng.integers(2, 5))  # drawn for every pen, so that each one's pictures stay the same
            width = {"pencil, 1 px": 1, "brush, 2-4 px": brush, "framed": brush,
                     "faint in grey": brush}.get(pen, max(2, size // 20))
            glyph = cv2.dilate(line * 255, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width))) \
                if width > 1 else line * 255
        x, y = int(size * (0.3 + 0.9 * k)), (h - size) // 2
        part = alpha[y:y + size, x:x + size]
        part[...] = np.maximum(part, glyph[:part.shape[0], :part.shape[1]] / 255.0)
    picture = picture * (1 - alpha[..., None]) + np.asarray(ink, np.float32) * alpha[..., None]
    picture = np.clip(picture, 0, 255).astype(np.uint8)
    if pen == "framed":
        inset = 0 if rng.random() < 0.5 else int(rng.integers(4, 13))
        cv2.rectangle(picture, (inset, inset), (w - 1 - inset, h - 1 - inset), (int(rng.integers(0, 200)),) * 3,
                      int(rng.integers(1, 5)))
        if rng.random() < 1 / 3:
            quality = [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(80, 96))]
            picture = cv2.imdecode(cv2.imencode(".jpg", picture, quality)[1], cv2.IMREAD_COLOR)
    return picture, "".join(str(int(labels[i])) for i in pick)


def small_on_canvas(rng: np.random.Generator, images: np.ndarray, labels: np.ndarray) -> Page:
    """1-3 MNIST digits 20-80 px tall, as they are, somewhere on a canvas 1,000-3,000 px high
    (a paint program's default page, a screenshot), dark on white or light on dark."""
    n, size = int(rng.integers(1, 4)), int(rng.integers(20, 81))
    pick = rng.integers(0, len(labels), n)
    row = np.hstack([cv2.resize(images[i], (size, size), interpolation=cv2.INTER_AREA) for i in pick])
    h = int(rng.integers(1000, 3001))
    picture = np.zeros((h, int(h * rng.uniform(1.0, 1.8))), np.uint8)
    y, x = int(rng.integers(0, h - size)), int(rng.integers(0, picture.shape[1] - row.shape[1]))
    picture[y:y + size, x:x + row.shape[1]] = row
    picture = picture if rng.random() < 0.25 else 255 - picture
    return cv2.cvtColor(picture, cv2.COLOR_GRAY2BGR), "".join(str(int(labels[i])) for i in pick)


CLOSE_KINDS = ("drawn, as it is", "drawn, 64 px high", "drawn, 300 px high", "photo, 120 px high",
               "photo, chalk", "photo, 400 px high", "photo of a number")


def cropped_close(rng: np.random.Generator, images: np.ndarray, labels: np.ndarray, kind: str) -> Page:
    """A digit cut to the box of its ink, so that its strokes run off the picture's edges (as a
    digit is cut out of a scan, a drawing or a photo by hand or by another program): drawn, an
    MNIST digit as it is (about 20 px high) or scaled up, dark on light or light on dark; or
    photographed, dark ink on paper or chalk on a board, with grain, blur, light falling off
    across it and JPEG; or a photo of three digits side by side, cut close top and bottom."""
    count = 3 if kind == "photo of a number" else 1
    pick = rng.integers(0, len(labels), count)
    parts = []
    for index in pick:
        ys, xs = np.nonzero(images[index] > 30)
        parts.append(images[index][ys.min():ys.max() + 1, xs.min():xs.max() + 1])
    close = parts[0]
    if count > 1:  # the digits made 20 px high, 3 px apart
        level = [cv2.resize(part, (max(1, part.shape[1] * 20 // part.shape[0]), 20)) for part in parts]
        gap = np.zeros((20, 3), np.uint8)
        close = np.hstack([level[0], gap, level[1], gap, level[2]])
    height = {"drawn, as it is": close.shape[0], "drawn, 64 px high": 64, "drawn, 300 px high": 300,
              "photo, 400 px high": 400, "photo of a number": 100}.get(kind, 120)
    close = cv2.resize(close, (max(1, round(close.shape[1] * height / close.shape[0])), height),
                       interpolation=cv2.INTER_CUBIC)
    truth = "".join(str(int(labels[i])) for i in pick)
    if kind.startswith("drawn"):
        return (close if rng.random() < 0.5 else 255 - close), truth
    ink = close.astype(np.float32) / 255
    photo = 60 + ink * 170 if kind == "photo, chalk" else 215 - ink * 170
    photo = cv2.GaussianBlur(photo, (0, 0), 0.8) + rng.normal(0, 4, photo.shape)
    photo *= np.linspace(0.9, 1.05, photo.shape[1])[None, :]
    photo = cv2.cvtColor(np.clip(photo, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    return cv2.imdecode(cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 85])[1], cv2.IMREAD_COLOR), truth


WORDS = "the quick brown fox jumps over a lazy dog, while Alice and Bob write; Total page Chapter.".split()
FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_TRIPLEX)


def printed_page(rng: np.random.Generator) -> np.ndarray:
    """A photo of a page of print and no digits (1280x960 to 2560x1920): letters of many sizes,
    plain or with serifs, lines set tight or loose."""
    mag = float(rng.uniform(2, 4))
    size = float(rng.uniform(0.45, 0.9)) * mag
    font = int(rng.choice(FONTS))
    h, w = int(480 * mag), int(640 * mag)
    page = np.full((h, w), 228, np.uint8)
    for row in range(int(40 * mag), h - 40, max(10, int(30 * size * rng.uniform(1.0, 1.6)))):
        cv2.putText(page, " ".join(rng.choice(WORDS, 12)), (int(20 * mag), row), font, size,
                    30, max(1, int(round(size * 1.3))), cv2.LINE_AA)
    return cv2.cvtColor(cv2.GaussianBlur(page, (0, 0), 1.0), cv2.COLOR_GRAY2BGR)


def print_up_close(rng: np.random.Generator) -> np.ndarray:
    """A 1280x720 camera frame of the middle quarter of a page of print: letters 25-50 px high."""
    page = printed_page(rng)
    h, w = page.shape[:2]
    return cv2.resize(page[h // 4:h // 4 + h // 2, w // 4:w // 4 + w // 2], (1280, 720), interpolation=cv2.INTER_AREA)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--model", default=None, help="model file (default: the runtime's choice)")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--condition", action="append", help="only this condition (repeatable)")
    parser.add_argument("--no-cut", action="store_true",
                        help="read every blob whole, as before touching digits were cut apart (for comparison)")
    parser.add_argument("--no-closer-look", action="store_true",
                        help="read large frames at work scale only, as before the closer look (for comparison)")
    parser.add_argument("--no-text-lines", action="store_true",
                        help="keep blobs in lines of text, as before that rule (for comparison)")
    parser.add_argument("--crops-whole", action="store_true",
                        help="read a photo crop of one digit whole, as `predict --mode single` did before "
                             "(for comparison)")
    parser.add_argument("--no-sharpen", action="store_true",
                        help="never sharpen a blurred digit before reading it, as before that rule (for comparison)")
    parser.add_argument("--pictures", action="store_true",
                        help="only the still pictures: photo crops and drawings, as `digitcam predict` gets them")
    parser.add_argument("--luminance", action="store_true",
                        help="camera frames and page photos in grey, as the Pi camera gives them (its Y "
                             "plane): no colour tells paper in a shadow from a desk")
    parser.add_argument("--split", choices=("test", "validation"), default="test",
                        help="whose handwriting: the test split's, to report, or the validation split's, to "
                             "choose between models by (choosing on test digits would be choosing on test)")
    args = parser.parse_args(argv)

    from digitcam.edge import preprocess
    from digitcam.edge.detection import detect
    from digitcam.edge.backends import open_backend
    from digitcam.edge.discovery import find_model
    from digitcam.edge.preprocess import to_gray
    from digitcam.edge.reading import read
    from digitcam.edge.recognizer import DEFAULT_THRESHOLD
    from digitcam.edge.recognizer import Recognizer
    from digitcam.edge.detection.pictures import find_in_picture, one_digit, whole_image
    from digitcam.train.data import load_mnist, load_test

    def seen(frame: np.ndarray) -> np.ndarray:
        """A camera frame or a page photo as the camera gives it: in grey with `--luminance`."""
        return cv2.cvtColor(to_gray(frame), cv2.COLOR_GRAY2BGR) if args.luminance else frame

    if args.split == "validation":
        mnist = load_mnist(args.data_dir)
        images, labels = mnist.x_val, mnist.y_val
    else:
        images, labels = load_test(args.data_dir)
    if args.no_sharpen:
        preprocess.BLUR_GATE = float("inf")  # no digit is blurred enough
    choice = find_model(args.model)
    recognizer = Recognizer(open_backend(choice.path, choice.backend), choice.temperature)
    total = 0
    config = detect.DetectConfig(closer_look=not args.no_closer_look, text_lines=not args.no_text_lines)
    pages = conditions(images, labels)
    unknown = set(args.condition or ()) - set(pages)
    if unknown:
        parser.error(f"unknown condition {sorted(unknown)[0]!r}; choose from {', '.join(pages)}")
    table = {name: make for name, make in pages.items()
             if not args.pictures and (not args.condition or name in args.condition)}
    width = max(map(len, table), default=0) + 1
    if table:
        print(f"{'condition':{width}s} {'pages read exactly':>20s}")
    for name, make in table.items():
        rng = np.random.default_rng(args.seed)
        exact = 0
        for _ in range(args.pages):
            frame, truth = make(rng)
            found = detect.find_digits(seen(frame), config)
            if args.no_cut:
                found = [replace(d, splits=[]) for d in found if d.whole]
            got = "".join(str(p.digit) for _, p in read(found, recognizer).items)
            exact += got == truth
        total += exact
        print(f"{name:{width}s} {exact:>14d} / {args.pages}")
    if table:
        print(f"{'all':{width}s} {total:>14d} / {args.pages * len(table)}")
    if args.condition:
        return 0
    if not args.pictures:
        for name, frame in (("print, no digits", printed_page), ("print up close", print_up_close)):
            rng = np.random.default_rng(args.seed)
            # Anything read on a page of print is wrong; "sure" ones show as digits, not "?".
            results = [read(detect.find_digits(frame(rng), config), recognizer) for _ in range(args.pages)]
            boxes = sum(len(r.items) for r in results)
            sure = sum(p.sure(DEFAULT_THRESHOLD) for r in results for _, p in r.items)
            print(f"{name}: {boxes} blobs read as digits on {args.pages} pages, {sure} of them sure")
    one = (lambda image: [whole_image(image)]) if args.crops_whole else one_digit

    def page_photo(rng: np.random.Generator, kind: str) -> Page:
        frame, truth = pages[kind](rng)
        return seen(frame), truth

    sections = (
        ("page photo", page_photo, PAGE_PHOTOS, find_in_picture),
        ("photo crop, one digit", lambda r, k: crop(r, images, labels, k), CROP_LIGHTS, one),
        ("photo crop, a number", lambda r, k: crop(r, images, labels, k, **NUMBER_CROP), CROP_LIGHTS, find_in_picture),
        ("drawing", lambda r, k: drawing(r, images, labels, k), DRAWING_PENS, find_in_picture),
        ("cropped close", lambda r, k: cropped_close(r, images, labels, k), CLOSE_KINDS, find_in_picture),
    )
    for title, make, kinds, locate in sections:
        print(f"{title:22s} {'read right':>16s}")
        for kind in kinds:
            rng = np.random.default_rng(args.seed)
            pictures = [make(rng, kind) for _ in range(args.pages)]
            right = sum("".join(str(p.digit) for _, p in read(locate(image), recognizer).items) == truth
                        for image, truth in pictures)
            print(f"  {kind:24s} {right:>8d} / {args.pages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
