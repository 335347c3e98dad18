"""Pictures of one digit: computer-made ones read as they are, photo crops found as on a page."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from digitcam.edge.detection import detect, drawn, margin, pictures
from digitcam.edge.detection.page import WORK_HEIGHT
from digitcam.edge.reading import read
from tests.strokes import STYLES, drawing, glyph

CROPS = 12


def photo_crop(digit: np.ndarray, rng: np.random.Generator, light: str, side: int = 120) -> np.ndarray:
    """A camera's crop around one dark digit on paper (or MNIST digits side by side): grain, blur,
    JPEG, and the given light. `side` is its height."""
    ink_h = int(side * 0.7)
    ink = cv2.resize(digit, (ink_h * digit.shape[1] // digit.shape[0], ink_h),
                     interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255
    at = (side - ink_h) // 2
    width = ink.shape[1] + 2 * at
    paper = np.full((side, width), 205.0, np.float32)
    if light == "gradient":
        paper += np.linspace(-40, 40, width)[None, :]
    elif light == "shadow":
        paper[:, :width // 3] -= 70
    patch = paper[at:at + ink.shape[0], at:at + ink.shape[1]]
    paper[at:at + ink.shape[0], at:at + ink.shape[1]] = patch * (1 - ink) + 40 * ink
    photo = cv2.GaussianBlur(paper, (0, 0), 0.7) + rng.normal(0, 5, paper.shape)
    photo = cv2.cvtColor(np.clip(photo, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    return cv2.imdecode(cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 70])[1], cv2.IMREAD_COLOR)


def digits_read(recognizer, images, locate) -> list[int | None]:
    return [next((p.digit for _, p in read(locate(image), recognizer).items), None) for image in images]


def crops_and_labels(small_mnist, light: str) -> tuple[list[np.ndarray], list[int]]:
    rng = np.random.default_rng(4)
    return [photo_crop(d, rng, light) for d in small_mnist.x_test[:CROPS]], list(small_mnist.y_test[:CROPS])


def right(found: list[int | None], labels: list[int]) -> int:
    return sum(int(a == b) for a, b in zip(found, labels))


def numbers_right(recognizer, pictures_: list[tuple[np.ndarray, str]]) -> int:
    """How many (picture, number) pairs `digitcam predict` reads right."""
    return sum(read(pictures.find_in_picture(picture), recognizer).number(0.0) == truth for picture, truth in pictures_)


@pytest.mark.parametrize("light", ["even", "gradient", "shadow"])
def test_a_photo_crop_of_one_digit_is_read_as_on_a_page(recognizer, small_mnist, light):
    crops, labels = crops_and_labels(small_mnist, light)
    found = digits_read(recognizer, crops, pictures.one_digit)
    assert right(found, labels) >= CROPS - 1, (found, labels)


@pytest.mark.parametrize("light", ["gradient", "shadow"])
def test_taken_whole_a_crops_uneven_light_reaches_the_model_as_ink(recognizer, small_mnist, light):
    crops, labels = crops_and_labels(small_mnist, light)
    found = digits_read(recognizer, crops, lambda image: [pictures.whole_image(image)])
    assert right(found, labels) <= CROPS - 4, (found, labels)


def test_a_computer_made_digit_is_taken_whole(small_mnist):
    digit = small_mnist.x_test[0]
    for image in (digit, 255 - digit, cv2.cvtColor(cv2.resize(255 - digit, (200, 200)), cv2.COLOR_GRAY2BGR)):
        (found,) = pictures.one_digit(image)
        assert found.box == (0, 0, image.shape[1], image.shape[0])


def cropped_close(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit cut to the box of its ink: its strokes run off the picture's edges."""
    ys, xs = np.nonzero(digit > 30)
    return digit[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


CLOSE = 20
GRID_CROPS = 20
NOISY_CROPS = 16


@pytest.mark.parametrize("height", [0, 64, 300])  # 0: as it is, about 20 px high
@pytest.mark.parametrize("light", [True, False])
def test_a_computer_made_digit_cropped_close_is_read_whole(recognizer, small_mnist, height, light):
    """Ink on the border is no camera noise: the picture is still computer-made, and its ink's
    side of the ground is told by the ground, not by the picture's median (half of it is ink).
    Taken for a photo, the holes of a 0, a 6 or an 8 were read as the digit (125-160 of 200
    validation digits right); a thin 1, 20 px by 4, was no digit at all."""
    digits, labels = small_mnist.x_test[:CLOSE], list(small_mnist.y_test[:CLOSE])
    pictures_ = []
    for digit in digits:
        close = cropped_close(digit)
        if height:
            close = cv2.resize(close, (round(close.shape[1] * height / close.shape[0]), height),
                               interpolation=cv2.INTER_CUBIC)
        pictures_.append(close if light else 255 - close)
    assert all(drawn.computer_made(p) for p in pictures_)
    found = [pictures.find_in_picture(p) for p in pictures_]
    for picture, boxes in zip(pictures_, found):
        for x, y, w, h in (d.box for d in boxes):
            assert 0 <= x and 0 <= y and x + w <= picture.shape[1] and y + h <= picture.shape[0]
    readings = [read(f, recognizer).number(0.0) for f in found]
    assert right(readings, [str(v) for v in labels]) >= CLOSE - 1, (readings, labels)


def test_a_photo_crop_with_its_ink_on_the_edge_is_still_a_photo(small_mnist):
    """Grain around the paper's level is what tells a camera's picture from a computer's."""
    rng = np.random.default_rng(3)
    for digit in small_mnist.x_test[:CLOSE]:
        close = 255 - cropped_close(cv2.resize(digit, (112, 112), interpolation=cv2.INTER_CUBIC)).astype(np.float32)
        photo = np.clip(close * 0.75 + 30 + rng.normal(0, 3, close.shape), 0, 255).astype(np.uint8)
        assert not drawn.computer_made(photo)


def photographed_close(ink: np.ndarray, rng: np.random.Generator, height: int, chalk: bool) -> np.ndarray:
    """A photo cut to the box of its ink (0-255, light on dark), `height` px high: dark ink on
    paper or chalk on a board, with grain, blur, light falling off across it and JPEG."""
    ink = cv2.resize(ink, (round(ink.shape[1] * height / ink.shape[0]), height),
                     interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    photo = 60 + ink * 170 if chalk else 215 - ink * 170
    photo = cv2.GaussianBlur(photo, (0, 0), 0.8) + rng.normal(0, 4, photo.shape)
    photo *= np.linspace(0.9, 1.05, photo.shape[1])[None, :]
    photo = cv2.cvtColor(np.clip(photo, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    return cv2.imdecode(cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 85])[1], cv2.IMREAD_COLOR)


@pytest.mark.parametrize("height, chalk", [(120, False), (120, True), (400, False)])
def test_a_photo_cropped_close_gets_a_margin_of_paper(recognizer, small_mnist, height, chalk):
    """Strokes that run off a photo's edge end on paper added round it (`margin.py`): without
    it, the light estimate took wide strokes for shade (185, 157 and 167 of 200 validation
    digits right for these three, against 195, 190 and 194)."""
    rng = np.random.default_rng(9)
    digits, labels = small_mnist.x_test[:CLOSE], list(small_mnist.y_test[:CLOSE])
    photos = [photographed_close(cropped_close(d), rng, height, chalk) for d in digits]
    readings = [read(pictures.find_in_picture(p), recognizer).number(0.0) for p in photos]
    assert right(readings, [str(v) for v in labels]) >= CLOSE - 1, (readings, labels)


def test_a_number_photographed_and_cropped_close_is_read(recognizer, small_mnist):
    """Three digits cut close top and bottom: none of them was read before `margin.py`."""
    rng = np.random.default_rng(10)
    numbers, right_ones = 8, 0
    for k in range(numbers):
        digits = [cropped_close(small_mnist.x_test[50 + 3 * k + j]) for j in range(3)]
        row = np.hstack([np.pad(cv2.resize(d, (d.shape[1] * 28 // d.shape[0], 28)), ((0, 0), (0, 4))) for d in digits])
        photo = photographed_close(row[:, :-4], rng, 100, chalk=False)
        truth = "".join(str(int(small_mnist.y_test[50 + 3 * k + j])) for j in range(3))
        right_ones += read(pictures.find_in_picture(photo), recognizer).number(0.0) == truth
    assert right_ones >= numbers - 1


def test_a_margin_is_added_for_strokes_across_the_edge_not_for_a_grid():
    """A grid askew runs along the edge for a stretch, as a stroke crosses it, but thin."""
    paper = np.full((480, 640), 225, np.uint8)
    for k in range(-40, 700, 24):
        cv2.line(paper, (k, -20), (k + 40, 500), 150, 2)
        cv2.line(paper, (-20, k - 30), (660, k), 150, 2)
    grid = cv2.cvtColor(paper, cv2.COLOR_GRAY2BGR)
    same, pad = margin.added(grid, paper, None)
    assert pad == 0 and same is grid
    crossed = paper.copy()
    cv2.line(crossed, (320, -10), (330, 300), 30, 40)  # a marker's stroke, off the top edge
    padded, pad = margin.added(cv2.cvtColor(crossed, cv2.COLOR_GRAY2BGR), crossed, None)
    assert pad == 96 and padded.shape == (480 + 2 * pad, 640 + 2 * pad, 3)
    assert np.array_equal(padded[pad:-pad, pad:-pad, 0], crossed)
    above = padded[:pad, pad + 300:pad + 350, 0].astype(int)  # beyond the stroke: paper, not ink
    assert np.all(np.abs(above - 225) < 40), above.min()


def test_a_small_crop_is_looked_at_larger_and_its_box_given_in_its_own_pixels(small_mnist):
    rng = np.random.default_rng(2)
    crop = photo_crop(small_mnist.x_test[1], rng, "even", side=60)
    assert not drawn.computer_made(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY))
    (found,) = pictures.photo_digit(crop)
    x, y, w, h = found.box
    # The digit fills the middle 70 % of the crop, about 42 px, less MNIST's own margin.
    assert 6 <= x and 6 <= y and x + w <= 54 and y + h <= 54
    assert 25 <= h <= 45


def test_predict_reads_a_photo_crop_small_or_large(cli, small_mnist, tmp_path, shipped_models):
    rng = np.random.default_rng(5)
    digits, labels = small_mnist.x_test[20:22], small_mnist.y_test[20:22]
    files = [tmp_path / "small.jpg", tmp_path / "large.jpg"]
    for path, digit, side in zip(files, digits, (90, 900)):
        cv2.imwrite(str(path), photo_crop(digit, rng, "shadow", side=side))
    for mode in ("auto", "single"):
        result = cli("predict", *files, "--mode", mode, "--model", shipped_models)
        assert result.status == 0, result.stderr
        numbers = [line.split("  [")[0] for line in result.stdout.splitlines()]
        assert numbers == [f"{path}: {label}" for path, label in zip(files, labels)], mode


def test_run_reads_a_folder_of_pictures_of_one_digit_as_predict_does(cli, small_mnist, tmp_path, shipped_models):
    """MNIST files and photo crops in a folder: each picture is looked at as `predict` does."""
    rng = np.random.default_rng(6)
    digits, labels = small_mnist.x_test[30:36], [int(v) for v in small_mnist.y_test[30:36]]
    for k, digit in enumerate(digits):
        picture = digit if k % 2 == 0 else photo_crop(digit, rng, "gradient", side=150)
        cv2.imwrite(str(tmp_path / f"{k}.png"), picture)
    result = cli("run", "--source", tmp_path, "--json", "--headless", "--model", shipped_models)
    assert result.status == 0, result.stderr
    numbers = [json.loads(line)["number"] for line in result.stdout.splitlines()]
    assert numbers == [str(label) for label in labels]


@pytest.mark.parametrize("pen, smooth", [(1, False), (2, True), (14, True)])
def test_a_drawing_is_read_whatever_the_pen_even_a_one_pixel_pencil(recognizer, pen, smooth):
    """A paint program's picture, larger than the detector's work height: a pencil's one-pixel
    lines must not fade away when it is reduced, nor a 1 or a 4's stem be taken for a rule."""
    picture = drawing("1479", 400, pen, smooth=smooth)
    assert picture.shape[0] > WORK_HEIGHT and drawn.computer_made(cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY))
    assert read(pictures.find_in_picture(picture), recognizer).number(0.0) == "1479"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_digits_in_habits_mnist_rarely_shows_are_read(recognizer, style):
    """A crossed 7, a 1 with a flag and a foot, an open 4, a slashed 0 ...: small and large,
    with a fine and a bold pen, upright and leaning either way."""
    digit, strokes = STYLES[style]
    drawn = [glyph(strokes, height, max(2, height // pen), slant)
             for height in (60, 280) for pen in (25, 10) for slant in (-0.15, 0.0, 0.25)]
    readings = [read(pictures.find_in_picture(picture), recognizer).number(0.0) for picture in drawn]
    assert readings.count(str(digit)) >= 11, readings


def test_taken_as_a_photo_a_drawings_thin_straight_lines_are_rules():
    picture = drawing("1", 400, 2)
    assert len(detect.find_digits(picture)) != 1  # the 1, taken out as a rule, or what is left of it
    (found,) = pictures.find_in_picture(picture)
    assert found.box[3] > 300


def test_a_number_that_fills_the_picture_is_read_digit_by_digit_and_one_big_digit_whole(recognizer):
    number = drawing("4553", 300, 12, margin=0.1)
    assert 300 > 0.5 * number.shape[0]  # each digit fills over half the height
    assert read(pictures.find_in_picture(number), recognizer).number(0.0) == "4553"
    (one,) = pictures.find_in_picture(drawing("8", 300, 12, margin=0.1))
    assert one.box[3] > 280


@pytest.mark.parametrize("height", [30, 60])
def test_a_small_photo_of_a_number_is_read_digit_by_digit(recognizer, small_mnist, height):
    """A crop up to SINGLE_DIGIT_SIDE is one digit unless it is wide enough for a number and one is
    found on it: looked at larger, its specks of noise blown up are not taken for digits."""
    rng = np.random.default_rng(8)
    digits, labels = small_mnist.x_test[40:44], small_mnist.y_test[40:44]
    photo = photo_crop(np.hstack(list(digits)), rng, "gradient", side=height)
    assert max(photo.shape) <= pictures.SINGLE_DIGIT_SIDE
    result = read(pictures.find_in_picture(photo), recognizer)
    assert result.number(0.0) == "".join(map(str, labels))
    assert all(box[3] <= height for box, _ in result.items)  # boxes in the photo's own pixels


def test_in_a_tight_crop_a_digit_touching_the_edge_is_read(recognizer, small_mnist):
    """A camera frame's edge cuts digits off, so a page leaves out what touches it; a picture's
    edge is where its owner cropped it, close around the digits."""
    rng = np.random.default_rng(9)
    digits, labels = small_mnist.x_test[50:53], small_mnist.y_test[50:53]
    photo = photo_crop(np.hstack(list(digits)), rng, "even", side=300)
    columns = np.nonzero((cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY) < 120).any(axis=0))[0]
    tight = photo[:, columns.min() - 30:columns.max() + 1]  # the last digit runs into the edge
    assert read(pictures.find_in_picture(tight), recognizer).number(0.0) == "".join(map(str, labels))


def test_a_large_crop_of_a_number_in_bold_pale_marker_is_looked_at_as_a_small_one(recognizer, small_mnist,
                                                                                   monkeypatch):
    """At the page's own scale, a grey marker's strokes on digits that fill the crop come near the
    width of the light estimate and are divided out as shade, leaving the digits in pieces."""
    from scripts import stress_detection

    rng = np.random.default_rng(3)
    crops = [stress_detection.crop(rng, small_mnist.x_test, small_mnist.y_test, "pale marker",
                                   **stress_detection.NUMBER_CROP) for _ in range(12)]
    assert all(max(crop.shape[:2]) > pictures.SINGLE_DIGIT_SIDE for crop, _ in crops)

    def exact() -> int:
        return sum(read(pictures.find_in_picture(crop), recognizer).number(0.0) == truth for crop, truth in crops)

    now = exact()
    monkeypatch.setattr(pictures, "LARGE_DIGIT", float("inf"))  # never looked at closer to a small picture's size
    assert now >= 10 and exact() <= now - 3


@pytest.mark.parametrize("condition, seed", [("hard shadow", 7), ("squared, askew", 4)])
def test_shade_or_grid_running_out_of_a_page_photo_is_not_read(small_mnist, recognizer, monkeypatch, condition, seed):
    """A still picture keeps blobs at its edge (it may be cropped close); on a page photographed
    whole, a shadow's edge leaves a sliver of shade where it runs out of the picture, half a digit
    tall, and a levelled grid a cell's corner, its box reaching past the picture: read as a 1 or
    a 7 before the digits."""
    from tests.test_detect import stress_pages

    pages = stress_pages(small_mnist, condition, seed=seed, count=8)

    def exact() -> int:
        return sum("".join(str(p.digit) for _, p in read(pictures.find_in_picture(frame), recognizer).items) == truth
                   for frame, truth in pages)

    default = exact()
    monkeypatch.setattr(detect, "EDGE_SLIVER", 0.0)  # every blob at the edge kept, as before
    monkeypatch.setattr(detect, "EDGE_FILL", float("inf"))
    assert default >= 7 and exact() <= default - 3


def test_a_levelled_grids_streaks_past_a_page_photos_edge_are_not_read(small_mnist, recognizer, monkeypatch):
    """Levelled, squared paper askew has its corners filled from its edges, which draws the grid on
    as streaks: blobs as tall as a digit, mostly past the picture, read as 1s and 8s."""
    from tests.test_detect import stress_pages

    pages = stress_pages(small_mnist, "squared, askew", seed=3, count=20)

    def exact() -> int:
        return sum("".join(str(p.digit) for _, p in read(pictures.find_in_picture(frame), recognizer).items) == truth
                   for frame, truth in pages)

    monkeypatch.setattr(detect, "EDGE_SLIVER", 0.0)  # the rule for short blobs at the edge catches some too
    default = exact()
    monkeypatch.setattr(detect, "EDGE_FILL", float("inf"))
    without = exact()
    assert default >= 17 and without <= default - 3, f"{default} of 20 read, {without} without the rule"


@pytest.mark.parametrize("shape", [(1, 1), (1, 500), (2, 150), (3000, 1), (8, 3000), (9, 20000)])
def test_a_picture_a_few_pixels_thin_is_read_without_fault(shape):
    """A strip of pixels (a stray export, a mis-cropped scan) holds no room for a digit; it was
    once blown up 30 times into a picture 90,000 px long, or rounded to no pixels at all."""
    picture = np.full((*shape, 3), 255, np.uint8)
    picture[shape[0] // 3:shape[0] - shape[0] // 3 + 1, shape[1] // 4:shape[1] - shape[1] // 4] = 0
    for found in pictures.find_in_picture(picture):
        assert 0 <= found.box[0] and found.box[0] + found.box[2] <= shape[1]
    assert detect.find_digits(picture) == [] or min(shape) >= detect.MIN_FRAME_SIDE


def test_a_picture_of_a_line_of_small_print_or_a_dash_is_not_read_as_one_digit(recognizer):
    """Nothing found in it, a picture used to be read whole: its ink squeezed into the 20 px box
    came out a sure 2."""
    line = np.full((480, 640, 3), 225, np.uint8)
    cv2.putText(line, "0123456789", (175, 260), cv2.FONT_HERSHEY_DUPLEX, 1.5, (30, 30, 30), 3, cv2.LINE_AA)
    dash = np.full((150, 190, 3), 255, np.uint8)
    dash[70:80, 20:170] = 0
    for picture in (cv2.GaussianBlur(line, (0, 0), 0.8), dash):
        assert read(pictures.find_in_picture(picture), recognizer).items == []
    assert pictures.whole_if_digit_shaped(dash) == [] and len(pictures.whole_if_digit_shaped(dash[:, 60:80])) == 1


@pytest.mark.parametrize("frame", ["grey canvas outline", "thick black frame", "box drawn around it", "as JPEG"])
@pytest.mark.parametrize("height", [100, 150])
def test_a_frame_around_a_drawing_is_looked_through(recognizer, frame, height):
    """A canvas' outline or a screenshot's border stands where the picture's ground is looked
    for (its border): taken for the ground, it turned the whole picture into ink."""
    picture = drawing("4", height, 4)
    ys, xs = np.nonzero(picture[..., 0] < 128)
    h, w = picture.shape[:2]
    inset, colour, pen = {"thick black frame": (0, (0, 0, 0), 12),
                          "box drawn around it": (10, (0, 0, 0), 3)}.get(frame, (0, (128, 128, 128), 2))
    cv2.rectangle(picture, (inset, inset), (w - 1 - inset, h - 1 - inset), colour, pen)
    if frame == "as JPEG":
        picture = cv2.imdecode(cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 85])[1], cv2.IMREAD_COLOR)
    width = drawn.frame_width(cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY))
    assert inset + pen // 2 < width < 0.2 * h
    (box, prediction), = read(pictures.find_in_picture(picture), recognizer).items
    assert prediction.digit == 4
    # In the framed picture's own pixels: inside the frame, around the digit (a drawing this
    # small is read whole, as the inside of the frame).
    x, y, bw, bh = box
    assert width - 1 <= x <= xs.min() + 2 and width - 1 <= y <= ys.min() + 2, (box, width)
    assert xs.max() - 2 <= x + bw <= w - width + 1 and ys.max() - 2 <= y + bh <= h - width + 1, (box, width)


def test_a_picture_without_a_frame_has_none(small_mnist):
    assert drawn.frame_width(small_mnist.x_test[0]) == 0  # MNIST's black ground
    assert drawn.frame_width(cv2.cvtColor(drawing("17", 100, 6), cv2.COLOR_BGR2GRAY)) == 0


@pytest.mark.parametrize("gap", [0.1, 0.25])
def test_two_ones_in_a_small_picture_are_read_as_two(recognizer, small_mnist, gap):
    """Two 1s leave a picture narrower than a number's (NUMBER_ASPECT): found side by side, as
    tall, they are two digits, joined into one blob (gap 0.1 of their height) or not (0.25)."""
    ones = [cropped_close(d) for d in small_mnist.x_test[small_mnist.y_test == 1][:8]]
    readings = []
    for left, right_one in zip(ones[::2], ones[1::2]):
        pair = [cv2.resize(d, (d.shape[1] * 100 // d.shape[0], 100)) for d in (left, right_one)]
        row = np.hstack([pair[0], np.zeros((100, int(gap * 100)), np.uint8), pair[1]])
        picture = 255 - np.pad(row, 50)
        assert max(picture.shape) <= pictures.SINGLE_DIGIT_SIDE and picture.shape[1] < picture.shape[0]
        readings.append(read(pictures.find_in_picture(picture), recognizer).number(0.0))
    assert readings.count("11") >= 3, readings
    assert read(pictures.find_in_picture(255 - np.pad(ones[0], 50)), recognizer).number(0.0) == "1"


FAINT = {"blue on black": ((255, 0, 0), (0, 0, 0)), "yellow on white": ((0, 220, 255), (255, 255, 255)),
         "pale grey on white": ((220, 220, 220), (255, 255, 255)), "red on green": ((0, 0, 230), (0, 160, 0))}


@pytest.mark.parametrize("colours", sorted(FAINT))
@pytest.mark.parametrize("side", [28, 200, 360])
def test_a_drawing_faint_in_grey_is_read_by_its_colour(recognizer, small_mnist, colours, side):
    """Blue on black is 29 grey levels apart, yellow on white 50: under INK_STEP (40) or near it,
    a drawing's ink was left out of the page, and the picture read nothing (4 of 20 validation
    digits in blue on black at 100-400 px, 0 of 20 numbers). Told by its colour, the ink stands
    out as black on white does."""
    ink, ground = (np.asarray(c, np.float32) for c in FAINT[colours])
    digits, labels = small_mnist.x_test[:CLOSE], [str(v) for v in small_mnist.y_test[:CLOSE]]
    readings = []
    for digit in digits:
        coverage = cv2.resize(digit, (side, side), interpolation=cv2.INTER_CUBIC).astype(np.float32)[..., None] / 255
        picture = (ground * (1 - coverage) + ink * coverage).astype(np.uint8)
        readings.append(read(pictures.find_in_picture(picture), recognizer).number(0.0))
    assert right(readings, labels) >= CLOSE - 1, (readings, labels)
    black_on_white = np.full((side, side), 255, np.uint8)
    black_on_white[side // 4:-side // 4, side // 2 - 2:side // 2 + 2] = 0
    assert drawn.standing_out(black_on_white, black_on_white) is black_on_white  # full contrast: as it is


@pytest.mark.parametrize("canvas, height", [(1600, 24), (3000, 40), (3000, 80)])
def test_a_small_number_on_a_large_canvas_is_read(recognizer, small_mnist, canvas, height):
    """Reduced with the canvas to a page's height, digits 24-80 px tall came out a few pixels
    tall, or grown into blots by the thickening a one-pixel pencil needs (of 36 validation
    numbers of 1-3 digits on 3,000 px canvases, 9 read right). Read in a page-sized window round
    their ink, they are not reduced at all."""
    rng = np.random.default_rng(6)
    readings, truths = [], []
    for k in range(6):
        picks = rng.integers(0, len(small_mnist.y_test), 1 + k % 3)
        row = np.hstack([cv2.resize(small_mnist.x_test[i], (height, height), interpolation=cv2.INTER_AREA)
                         for i in picks])
        picture = np.full((canvas, canvas * 4 // 3), 255, np.uint8)
        y, x = rng.integers(0, canvas - height), rng.integers(0, picture.shape[1] - row.shape[1])
        picture[y:y + height, x:x + row.shape[1]] = 255 - row
        found = pictures.find_in_picture(picture)
        assert all(x - height <= d.box[0] and d.box[0] + d.box[2] <= x + row.shape[1] + height for d in found)
        readings.append(read(found, recognizer).number(0.0))
        truths.append("".join(str(small_mnist.y_test[i]) for i in picks))
    assert right(readings, truths) >= 5, (readings, truths)


def test_the_pieces_of_a_grid_through_a_number_are_not_read_as_ones(recognizer, small_mnist, monkeypatch):
    """Seen close up, a grid's lines are as thick as a pen's; broken where they cross, their
    pieces stood like 1s between the digits. They are far paler than the pen's ink."""
    from scripts import stress_detection

    rng = np.random.default_rng(6)
    photos = [stress_detection.crop(rng, small_mnist.x_test, small_mnist.y_test, "squared paper",
                                    **stress_detection.NUMBER_CROP) for _ in range(GRID_CROPS)]

    with_the_rule = numbers_right(recognizer, photos)
    assert with_the_rule >= GRID_CROPS - 4
    monkeypatch.setattr(pictures, "PALE_SHARE", 0.0)  # every piece of the grid kept
    assert numbers_right(recognizer, photos) <= with_the_rule - 4


def test_a_noisy_photo_is_smoothed_before_its_ink_is_found(recognizer, small_mnist, monkeypatch):
    """A phone or a webcam in a dim room turns its gain up: noise of 25 grey levels
    speckled the ink crops, read as 8s. Smoothed first (its noise told by `detect.noise_level`),
    the photo reads as a clean one does."""
    from scripts import stress_detection

    rng = np.random.default_rng(2)
    photos = [stress_detection.crop(rng, small_mnist.x_test, small_mnist.y_test, "dim", **stress_detection.NUMBER_CROP)
              for _ in range(NOISY_CROPS)]
    photos = [(np.clip(photo + rng.normal(0, 25, photo.shape[:2] + (1,)), 0, 255).astype(np.uint8), truth)
              for photo, truth in photos]
    assert all(detect.noise_level(cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)) > detect.NOISY for photo, _ in photos)
    smoothed = numbers_right(recognizer, photos)
    assert smoothed >= NOISY_CROPS - 2
    monkeypatch.setattr(detect, "NOISY", float("inf"))
    assert numbers_right(recognizer, photos) <= smoothed - 4
