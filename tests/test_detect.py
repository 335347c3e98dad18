"""Finding and reading digits on made-up paper frames (perspective, uneven light, blur, noise)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitcam.edge import reading
from digitcam.edge.detection import boxes, detect, marks, pens, textlines
from digitcam.edge.detection.components import components
from digitcam.edge.detection.page import light_ink, paper_mask
from digitcam.edge.detection.shadow import colourless, sheet_in_shadow
from digitcam.edge.detection.sheet import Sheet
from digitcam.edge.preprocess import to_gray
from digitcam.edge.sources.synthetic import PAPERS, make_frame
from digitcam.edge.tracking import iou


def read(frame, recognizer, **kwargs):
    """The boxes and the number read, as the runtime reads them (touching digits cut apart)."""
    result = reading.read(detect.find_digits(frame, **kwargs), recognizer)
    return [box for box, _ in result.items], "".join(str(p.digit) for _, p in result.items)


def stress_pages(mnist, condition: str, seed: int, count: int) -> list:
    """`count` (frame, truth) pages of one condition of scripts/stress_detection.py."""
    from scripts import stress_detection

    make = stress_detection.conditions(mnist.x_test, mnist.y_test)[condition]
    rng = np.random.default_rng(seed)
    return [make(rng) for _ in range(count)]


def exact(pages: list, recognizer, **kwargs) -> int:
    """How many pages are read exactly."""
    return sum(read(frame, recognizer, **kwargs)[1] == truth for frame, truth in pages)


@pytest.mark.parametrize("paper", PAPERS)
def test_multi_mode_finds_the_digits_on_every_paper(paper):
    rng = np.random.default_rng(sum(map(ord, paper)))
    hits = total = false = 0
    for _ in range(12):
        frame, truth = make_frame(rng, digits=int(rng.integers(1, 6)), paper=paper)
        found = detect.find_digits(frame)
        total += len(truth.boxes)
        matched = sum(any(iou(t, d.box) > 0.4 for d in found) for t in truth.boxes)
        hits += matched
        false += max(0, len(found) - matched)
    assert hits / total >= 0.9, f"recall {hits}/{total} on {paper} paper"
    assert false / total <= 0.1, f"{false} spurious boxes for {total} digits on {paper} paper"


def test_multi_mode_reads_numbers_in_reading_order(recognizer):
    rng = np.random.default_rng(7)
    exact = 0
    for _ in range(20):
        frame, truth = make_frame(rng, digits=4)
        _, number = read(frame, recognizer)
        exact += number == truth.number
    assert exact >= 14  # 70 % of 4-digit numbers read exactly, every digit in order


def test_boxes_are_in_source_pixels_for_large_frames():
    rng = np.random.default_rng(3)
    frame, truth = make_frame(rng, digits=3, size=(1280, 960))
    found = detect.find_digits(frame)
    assert len(found) == 3
    for t, d in zip(truth.boxes, found):
        assert iou(t, d.box) > 0.5


def test_centre_mode_reads_the_largest_blob_in_the_guide_box():
    rng = np.random.default_rng(11)
    frame, truth = make_frame(rng, digits=1, perspective=0.0, desk=False)
    box = truth.boxes[0]
    roi = (max(0, box[0] - 60), max(0, box[1] - 60), box[2] + 120, box[3] + 120)
    found = detect.largest(detect.find_digits(frame, roi=roi))
    assert len(found) == 1 and iou(found[0].box, box) > 0.5


def test_blank_paper_and_a_bare_desk_give_nothing():
    rng = np.random.default_rng(5)
    frame, _ = make_frame(rng, digits=1)
    blank = np.full_like(frame, 215)
    assert detect.find_digits(blank) == []
    desk = (rng.normal(80, 6, frame.shape)).clip(0, 255).astype(np.uint8)
    assert detect.find_digits(desk) == []


def test_reading_order_groups_rows():
    boxes = [(300, 210, 40, 60), (10, 10, 40, 60), (100, 20, 40, 60), (20, 200, 40, 60)]
    ordered = detect.reading_order([detect.Detection(b, np.zeros((1, 1), np.uint8)) for b in boxes])
    assert [d.box[0] for d in ordered] == [10, 100, 20, 300]
    assert detect.group_rows([d.box for d in ordered]) == [[0, 1], [2, 3]]


@pytest.mark.parametrize("ink,font", [((150, 40, 20), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX),
                                      ((20, 20, 20), cv2.FONT_HERSHEY_SIMPLEX),
                                      ((30, 30, 160), cv2.FONT_HERSHEY_DUPLEX)])
def test_digits_from_another_hand_in_coloured_ink(recognizer, ink, font):
    """Not our generator's MNIST glyphs: font digits in blue, black and red ink, thin to marker-thick,
    under a shadow. Guards the size, density and line rules against overfitting one generator."""
    rng = np.random.default_rng(font)
    exact = 0
    for _ in range(8):
        number = "".join(str(d) for d in rng.integers(0, 10, 4))
        image = np.full((480, 640, 3), (235, 235, 230), np.uint8)
        cv2.putText(image, "  ".join(number), (60, 280), font, rng.uniform(2.5, 4.0), ink, int(rng.integers(3, 9)),
                    cv2.LINE_AA)
        image = np.clip(image * np.linspace(1.0, 0.65, 640)[None, :, None] + rng.normal(0, 3, image.shape),
                        0, 255).astype(np.uint8)
        _, got = read(image, recognizer)
        exact += got == number
    assert exact >= 7


def _write(digits: np.ndarray, height: int, light: np.ndarray | None = None, gap: float = 1.3) -> np.ndarray:
    """MNIST test handwriting (not the generator's glyphs) in dark ink on a 640x480 page."""
    page = np.full((480, 640), 230.0, np.float32)
    x = 60
    for digit in digits:
        g = cv2.resize(digit, (height, height), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        page[200:200 + height, x:x + height] -= 195 * np.clip(g, 0, 1)
        x += int(height * gap)
    if light is not None:
        page *= light
    rng = np.random.default_rng(0)
    return np.clip(page + rng.normal(0, 3, page.shape), 0, 255).astype(np.uint8)


def test_light_falling_off_across_the_page_is_not_mistaken_for_a_desk(small_mnist, recognizer):
    """A lamp on one side: the far end of the page is as dark as a desk, but has no edge."""
    digits, labels = small_mnist.x_test[:5], small_mnist.y_test[:5]
    light = np.linspace(1.0, 0.35, 640)[None, :]
    page = _write(digits, 80, light)
    assert paper_mask(page).all()
    _, number = read(page, recognizer)
    assert number == "".join(map(str, labels))
    # A real sheet on a desk is still found as the sheet.
    sheet = np.full((480, 640), 70, np.uint8)
    sheet[40:440, 100:540] = 225
    mask = paper_mask(sheet)
    assert not mask[:, :90].any() and mask[200:280, 250:400].all()


def test_small_digits_as_a_distant_camera_sees_them(small_mnist, recognizer):
    """Digits about 16 px tall (1 cm on a sheet filling a 480-line frame), pen strokes 1-2 px wide."""
    found = right = 0
    for start in range(0, 60, 6):
        digits, labels = small_mnist.x_test[start:start + 6], small_mnist.y_test[start:start + 6]
        boxes, number = read(_write(digits, 23, gap=2.0), recognizer)
        found += len(boxes) == 6
        right += number == "".join(map(str, labels))
    assert found >= 9 and right >= 8


@pytest.mark.parametrize("ground,ink", [(0, 255), ((40, 60, 45), (220, 225, 220))], ids=["white-on-black", "chalk"])
def test_light_digits_on_a_dark_ground(small_mnist, recognizer, ground, ink):
    """A saved white-on-black drawing (MNIST's own polarity) or chalk on a board."""
    digits, labels = small_mnist.x_test[10:15], small_mnist.y_test[10:15]
    image = np.zeros((300, 600, 3), np.uint8)
    image[:] = ground
    row = np.hstack([cv2.resize(d, (100, 100)) for d in digits])
    image[100:200, 50:550][row > 80] = ink
    _, number = read(image, recognizer)
    assert number == "".join(map(str, labels))


def test_a_dim_photo_of_a_whole_page_is_dark_ink_on_dark_paper(small_mnist, recognizer):
    """In a dim room the paper of a page photographed whole is dark grey, and its few small
    digits are well under 1 % of the photo: the sensor's noise must not make it light ink."""
    pages = stress_pages(small_mnist, "phone photo, dim", seed=3, count=3)
    assert not any(light_ink(to_gray(frame)) for frame, _ in pages)
    assert exact(pages, recognizer) >= 2


def test_a_small_sheet_on_a_dark_desk_still_reads_dark_ink(small_mnist, recognizer):
    digits, labels = small_mnist.x_test[20:23], small_mnist.y_test[20:23]
    frame = np.full((480, 640), 55, np.uint8)
    frame[150:330, 180:460] = 225
    for k, digit in enumerate(digits):
        g = cv2.resize(digit, (70, 70), interpolation=cv2.INTER_CUBIC)
        frame[205:275, 200 + 85 * k:270 + 85 * k] = np.minimum(frame[205:275, 200 + 85 * k:270 + 85 * k], 255 - g)
    _, number = read(frame, recognizer)
    assert number == "".join(map(str, labels))


def _sheet_with_shadow_or_desk(small_mnist, side: tuple[int, int, int]) -> tuple[np.ndarray, str]:
    """Digits on lit paper and on the left third, which is either the paper in a shadow or a desk."""
    digits, labels = small_mnist.x_test[30:34], small_mnist.y_test[30:34]
    frame = np.full((480, 640, 3), 226, np.float32)
    frame[:, :200] = side
    for k, digit in enumerate(digits):
        g = cv2.resize(digit, (70, 70), interpolation=cv2.INTER_CUBIC).astype(np.float32)[..., None] / 255
        x = 40 + 160 * k
        frame[200:270, x:x + 70] = frame[200:270, x:x + 70] * (1 - g) + 25 * g
    frame = np.clip(frame + np.random.default_rng(2).normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    return frame, "".join(map(str, labels))


def grey(frame: np.ndarray) -> np.ndarray:
    """`frame` as the Pi camera gives it: its Y plane, as BGR."""
    return cv2.cvtColor(to_gray(frame), cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("colour", [True, False])
def test_digits_in_a_shadow_on_the_sheet_are_read(small_mnist, recognizer, colour):
    """In grey too: the lit paper still runs out of the picture on three sides."""
    frame, number = _sheet_with_shadow_or_desk(small_mnist, (100, 100, 100))  # the same paper, 45 % as lit
    assert read(frame if colour else grey(frame), recognizer)[1] == number


def test_a_wooden_desk_beside_the_sheet_is_not_read(small_mnist, recognizer):
    frame, number = _sheet_with_shadow_or_desk(small_mnist, (60, 110, 165))
    assert read(frame, recognizer)[1] == number[1:]  # the digit on the desk is left out


@pytest.mark.parametrize("sigma", [3, 10, 25])
def test_the_noise_level_is_the_pixel_noise_whatever_is_written(small_mnist, sigma):
    rng = np.random.default_rng(sigma)
    page = np.full((480, 640), 180.0)
    page[100:380, 40:600] -= 120 * cv2.resize(np.hstack(list(small_mnist.x_test[:6])), (560, 280)) / 255
    noisy = np.clip(page + rng.normal(0, sigma, page.shape), 0, 255).astype(np.uint8)
    assert detect.noise_level(noisy) == pytest.approx(sigma, rel=0.15, abs=1.0)


def test_a_noisy_frame_is_smoothed_before_its_ink_is_found(small_mnist, recognizer, monkeypatch):
    """A webcam in a dim room: noise of 20 grey levels speckled the paper into blobs and the
    digits into 8s, and no page was read exactly."""
    pages = stress_pages(small_mnist, "dim room, noisy", 1, 10)
    assert all(detect.noise_level(to_gray(frame)) > detect.NOISY for frame, _ in pages)
    smoothed = exact(pages, recognizer)
    assert smoothed >= 8
    monkeypatch.setattr(detect, "NOISY", float("inf"))
    assert exact(pages, recognizer) <= smoothed - 5


def test_a_black_ground_has_no_shadow_on_it():
    """The paper a light-inked drawing in colour leaves at level 0 (its black ground): shadows
    are told by their light as a share of the paper's, which divided by zero."""
    small = np.zeros((60, 80), np.uint8)
    colour = np.zeros((60, 80, 3), np.uint8)
    colour[20:40, 20:30] = (255, 0, 0)
    paper = np.zeros((60, 80), np.uint8)
    paper[:, :40] = 255
    assert sheet_in_shadow(Sheet(small, np.ones(small.shape, bool), 1.0), colour, paper) is None


@pytest.mark.parametrize("softness", [3, 12])
def test_a_shadow_edge_across_the_writing(small_mnist, recognizer, softness):
    """A hand's or phone's shadow whose edge runs through a digit: the edge is not ink."""
    digits, labels = small_mnist.x_test[50:54], small_mnist.y_test[50:54]
    page = np.full((480, 640), 228.0, np.float32)
    for k, digit in enumerate(digits):
        g = cv2.resize(digit, (70, 70), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        page[200:270, 90 + 110 * k:160 + 110 * k] -= 195 * g
    shade = np.zeros_like(page)
    cv2.fillPoly(shade, [np.array([[0, 0], [300, 0], [180, 480], [0, 480]])], 1.0)
    page *= 1 - 0.55 * cv2.GaussianBlur(shade, (0, 0), softness)
    frame = np.clip(page + np.random.default_rng(4).normal(0, 3, page.shape), 0, 255).astype(np.uint8)
    assert read(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), recognizer)[1] == "".join(map(str, labels))


def test_the_stress_script_runs_every_condition(mnist_dir, shipped_models, capsys):
    from scripts import stress_detection

    assert stress_detection.main(["--pages", "2", "--data-dir", str(mnist_dir), "--model", str(shipped_models)]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    conditions = len(stress_detection.conditions(np.zeros((1, 28, 28), np.uint8), np.zeros(1)))
    pictures = len(stress_detection.PAGE_PHOTOS) + 2 * len(stress_detection.CROP_LIGHTS) + \
        len(stress_detection.DRAWING_PENS) + len(stress_detection.CLOSE_KINDS)
    assert len(rows) == 9 + conditions + pictures and rows[conditions + 1].startswith("all")
    assert rows[conditions + 2].startswith("print, no digits") and rows[conditions + 3].startswith("print up close")
    titles = [row for row in rows[conditions + 4:] if not row.startswith("  ")]
    assert [t.split("  ")[0] for t in titles] == ["page photo", "photo crop, one digit", "photo crop, a number",
                                                  "drawing", "cropped close"]
    read_right = [row for row in rows[conditions + 4:] if row.startswith("  ")]
    assert len(read_right) == pictures and all(row.endswith("/ 2") for row in read_right)
    assert sum(int(row.split()[-3]) for row in read_right) >= 0.75 * 2 * pictures
    read, pages = (int(n) for n in rows[conditions + 1].split()[-3::2])
    assert pages == 2 * conditions and read >= 0.75 * pages

    assert stress_detection.main(["--pictures", "--pages", "1", "--data-dir", str(mnist_dir),
                                  "--model", str(shipped_models)]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == 5 + pictures and rows[0].startswith("page photo")


def test_the_stress_script_draws_on_the_validation_split_when_asked(mnist_dir, shipped_models, monkeypatch, capsys):
    """`--split validation` lays out the validation split's digits, never the test split's: to
    choose between models by, as choosing on test digits would be choosing on test."""
    from scripts import stress_detection
    from digitcam.train import data

    drawn = []
    real = stress_detection.drawing
    monkeypatch.setattr(stress_detection, "drawing", lambda rng, images, labels, pen: (
        drawn.append(images), real(rng, images, labels, pen))[1])
    assert stress_detection.main(["--pictures", "--pages", "1", "--split", "validation", "--data-dir",
                                  str(mnist_dir), "--model", str(shipped_models)]) == 0
    mnist = data.load_mnist(mnist_dir, environ={})
    assert drawn and all(np.array_equal(images, mnist.x_val) for images in drawn)
    assert not np.array_equal(mnist.x_val[:100], mnist.x_test[:100])  # the check above can fail
    capsys.readouterr()


def test_the_stress_script_reads_grey_frames_when_asked(mnist_dir, shipped_models, monkeypatch, capsys):
    """`--luminance` hands detection the camera frames and page photos as the Pi camera gives
    them: no colour."""
    from scripts import stress_detection

    seen = []
    real = detect.find_digits
    monkeypatch.setattr(detect, "find_digits", lambda frame, *a, **k: (seen.append(frame), real(frame, *a, **k))[1])
    argv = ["--pages", "1", "--condition", "sticky note", "--data-dir", str(mnist_dir), "--model", str(shipped_models)]
    assert stress_detection.main(argv) == 0 and not colourless(seen.pop())
    assert stress_detection.main([*argv, "--luminance"]) == 0 and colourless(seen.pop())
    seen.clear()
    assert stress_detection.main(["--pictures", "--pages", "1", "--luminance", "--data-dir", str(mnist_dir),
                                  "--model", str(shipped_models)]) == 0
    assert colourless(seen[0])  # the first page photo
    capsys.readouterr()


def test_printed_text_is_not_read_but_the_handwritten_number_under_it_is(small_mnist, recognizer):
    """A form: eight lines of print (tall letters alone are digit-sized) above a handwritten number."""
    words = "the quick brown fox jumps over a lazy dog while Alice and Bob write".split()
    rng = np.random.default_rng(8)
    digits, labels = small_mnist.x_test[60:64], small_mnist.y_test[60:64]
    for scale in (0.6, 0.7, 0.8):
        page = np.full((480, 640), 230, np.uint8)
        for row in range(40, 250, 28):
            cv2.putText(page, " ".join(rng.choice(words, 6)), (20, row), cv2.FONT_HERSHEY_SIMPLEX, scale, 30, 1,
                        cv2.LINE_AA)
        for k, digit in enumerate(digits):
            g = cv2.resize(digit, (60, 60), interpolation=cv2.INTER_CUBIC)
            page[320:380, 120 + 90 * k:180 + 90 * k] = np.minimum(page[320:380, 120 + 90 * k:180 + 90 * k], 255 - g)
        found, number = read(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), recognizer)
        # A short word whose letters touch (as wide as a wide digit) may still pass: at most one per page.
        assert number.endswith("".join(map(str, labels))) and len(found) <= len(labels) + 1, \
            f"eight lines of print at scale {scale}: {len(found) - len(labels)} read as digits"


def _aspect(digit: np.ndarray) -> float:
    ys, xs = np.nonzero(digit > 60)
    return (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)


def test_touching_digits_are_cut_apart(small_mnist, recognizer):
    """Pairs written so close that their strokes touch or overlap: one blob, two digits read."""
    right = cut = 0
    for start in range(0, 60, 2):
        digits, labels = small_mnist.x_test[start:start + 2], small_mnist.y_test[start:start + 2]
        page = _write(digits, 80, gap=0.55)
        blobs = detect.find_digits(page)
        cut += len(blobs) == 1 and bool(blobs[0].splits)
        _, number = read(page, recognizer)
        right += number == "".join(map(str, labels))
    assert cut >= 8, "the pairs should touch, or this test tests nothing"
    assert right >= 26, f"{right} of 30 touching pairs read"


def test_a_wide_single_digit_is_read_whole(small_mnist, recognizer):
    """Wide 0s, 2s and 5s are not cut into two digits: a cut must be clearly surer than the whole."""
    wide = [i for i, digit in enumerate(small_mnist.x_test) if _aspect(digit) > 1.1][:40]
    right = cut = 0
    for i in wide:
        boxes, number = read(_write(small_mnist.x_test[i:i + 1], 80), recognizer)
        right += number == str(small_mnist.y_test[i])
        cut += len(boxes) > 1
    assert cut <= 1 and right >= 0.9 * len(wide), f"{right} of {len(wide)} wide digits read, {cut} cut"


def test_cells_drawn_around_digits_are_not_cut_into_digits(small_mnist, recognizer):
    """A row of touching boxes (a form's cells) is one wide blob enclosing the digits: not read."""
    digits, labels = small_mnist.x_test[:4], small_mnist.y_test[:4]
    page = _write(digits, 60, gap=1.3)
    for k in range(4):
        cv2.rectangle(page, (50 + 78 * k, 185), (50 + 78 * (k + 1), 275), 40, 2)
    boxes, number = read(page, recognizer)
    assert number == "".join(map(str, labels)) and len(boxes) == 4


def test_a_scribble_is_not_read_as_a_row_of_digits(recognizer):
    rng = np.random.default_rng(0)
    read_as_digits = 0
    for _ in range(10):
        page = np.full((480, 640), 230, np.uint8)
        n, w, h = int(rng.integers(6, 14)), int(rng.integers(120, 260)), int(rng.integers(40, 80))
        points = np.stack([np.linspace(200, 200 + w, n), 240 + rng.uniform(-h / 2, h / 2, n)], axis=1)
        cv2.polylines(page, [points.astype(np.int32)], False, 30, 4, cv2.LINE_AA)
        boxes, _ = read(page, recognizer)
        read_as_digits += len(boxes) > 1
    assert read_as_digits <= 2


def test_a_big_digit_with_a_filled_loop_is_not_taken_for_a_shadow(small_mnist, recognizer):
    """Solid ink wider than the light-flattening kernel (this 9's head, 100 px) is ink, not shade."""
    nine = small_mnist.x_test[12]
    assert small_mnist.y_test[12] == 9 and (nine > 200).sum() > 100  # a 9 with a filled loop
    page = np.full((480, 640), 225.0, np.float32)
    glyph = cv2.resize(nine, (300, 300), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    page[90:390, 170:470] -= 190 * np.clip(glyph, 0, 1)
    _, number = read(np.clip(page, 0, 255).astype(np.uint8), recognizer)
    assert number == "9"


@pytest.mark.parametrize("index", [2, 3, 11])  # the committed subset's first three 0s
def test_a_bold_light_grey_digit_is_read_whole(small_mnist, recognizer, index):
    """A thick marker in pale grey, its strokes a seventh of the frame high: wider than a pen's,
    not as dark as a shadow, and still ink to be read whole, not in pieces."""
    zero = small_mnist.x_test[index]
    assert small_mnist.y_test[index] == 0
    glyph = cv2.resize(zero, (300, 300), interpolation=cv2.INTER_CUBIC)
    glyph = cv2.dilate(glyph, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (31, 31))).astype(np.float32) / 255
    page = np.full((480, 640), 230.0, np.float32)
    page[90:390, 170:470] -= 75 * np.clip(glyph, 0, 1)
    boxes_found, number = read(np.clip(page, 0, 255).astype(np.uint8), recognizer)
    assert number == "0" and boxes_found[0][3] > 200


@pytest.mark.parametrize("enclosed", [True, False])
def test_a_dark_band_wider_than_a_pen_is_ink_inside_the_page_and_shadow_at_its_edge(enclosed):
    """A band 90 px wide (wider than the light estimate's closing, narrower than the bold one):
    with paper all round it, it is a marker's stroke and stays dark once the light is divided
    out; reaching the frame's edge, it is a shadow and is divided out."""
    from digitcam.edge.detection.page import PAPER_LEVEL, flatten

    gray = np.full((480, 640), 230, np.uint8)
    left = 200 if enclosed else 0
    gray[100:380 if enclosed else 480, left:left + 90] = 160
    band = flatten(gray)[200:280, left + 20:left + 70]
    if enclosed:
        assert band.mean() < 0.8 * PAPER_LEVEL
    else:
        assert abs(band.mean() - PAPER_LEVEL) < 10


@pytest.mark.parametrize("angle", [0, 8, 35, 90])
def test_the_shadow_of_a_pen_is_divided_out_and_the_ink_in_it_kept(angle):
    """A band of shadow 20 px wide (narrower than the light estimate's closing) running across
    the page and out of it is shade, not a stroke; a stroke as long inside the page, and the
    ink in the shadow, stay dark."""
    from digitcam.edge.detection.page import PAPER_LEVEL, flatten

    gray = np.full((480, 640), 230.0, np.float32)
    shade = np.zeros_like(gray)
    turn = np.deg2rad(angle)
    dx, dy = np.sin(turn), np.cos(turn)
    cv2.line(shade, (int(320 - 600 * dx), int(240 - 600 * dy)), (int(320 + 600 * dx), int(240 + 600 * dy)), 1.0, 20)
    gray *= 1 - 0.45 * cv2.GaussianBlur(shade, (0, 0), 2)
    cv2.line(gray, (300, 230), (340, 250), 40.0, 6)  # a stroke crossing the shadow
    cv2.line(gray, (100, 20), (100, 200), 40.0, 8)  # a long stroke with paper round it
    flat = flatten(np.clip(gray, 0, 255).astype(np.uint8))
    along = (np.arange(-150, 150, 10) * np.array([[dx], [dy]]) + np.array([[320], [240]])).astype(int)
    inside = [(x, y) for x, y in along.T if 0 <= x < 640 and 0 <= y < 480 and abs(x - 320) + abs(y - 240) > 40]
    assert all(abs(int(flat[y, x]) - PAPER_LEVEL) < 20 for x, y in inside), [int(flat[y, x]) for x, y in inside]
    assert flat[240, 320] < 0.5 * PAPER_LEVEL and flat[150, 100] < 0.5 * PAPER_LEVEL


@pytest.mark.parametrize("condition", ["shadow of a pen", "desk, shadow of a pen"])
def test_the_shadow_of_a_pen_across_the_writing(small_mnist, recognizer, condition):
    """It crossed a digit and was read with it as one blob, too tall to be a digit: the digit was
    lost. On a desk it also cut the sheet in two, and only the larger part was searched."""
    assert exact(stress_pages(small_mnist, condition, seed=7, count=5), recognizer) == 5


def test_digits_written_flat_are_read_when_the_model_is_sure(small_mnist, recognizer):
    """A 2 or 5 written flat (1.6-2.2 times as wide as tall) is wider than digits usually are:
    it is read whole, but only when the model is sure."""
    picks = [i for i, label in enumerate(small_mnist.y_test) if label in (2, 5, 7)][:30]
    right = 0
    for i in picks:
        page = np.full((480, 640), 230.0, np.float32)
        glyph = cv2.resize(small_mnist.x_test[i], (110, 55), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        page[200:255, 250:360] -= 195 * np.clip(glyph, 0, 1)
        _, number = read(np.clip(page, 0, 255).astype(np.uint8), recognizer)
        right += number == str(small_mnist.y_test[i])
    assert right >= 0.7 * len(picks), f"{right} of {len(picks)} flat digits read"  # 24 here, 14 if dropped


def test_a_flat_digit_beside_small_digits_is_not_taken_for_a_word_of_print(small_mnist, recognizer):
    """Small handwriting: a 2 written flat is as wide as a short printed word, but one such blob
    does not make a line of print."""
    twos = [i for i, label in enumerate(small_mnist.y_test) if label == 2][:10]
    right = 0
    for two in twos:
        page = np.full((480, 640), 230.0, np.float32)
        for k, (i, (w, h)) in enumerate([(0, (34, 34)), (1, (34, 34)), (two, (44, 22))]):
            glyph = cv2.resize(small_mnist.x_test[i], (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
            y = 240 - h
            page[y:y + h, 200 + 50 * k:200 + 50 * k + w] -= 195 * np.clip(glyph, 0, 1)
        _, number = read(np.clip(page, 0, 255).astype(np.uint8), recognizer)
        right += number == f"{small_mnist.y_test[0]}{small_mnist.y_test[1]}2"
    assert right >= 8, f"{right} of 10"


def _two_loop_eight(gap: int) -> np.ndarray:
    """An 8 drawn as two loops, one above the other, `gap` px apart: black on white, like a drawing."""
    canvas = np.full((400, 400), 255, np.uint8)
    cv2.ellipse(canvas, (200, 120), (55, 60), 0, 0, 360, 0, 14, cv2.LINE_AA)
    cv2.ellipse(canvas, (200, 120 + 60 + 14 + gap + 65), (65, 65), 0, 0, 360, 0, 14, cv2.LINE_AA)
    return canvas


@pytest.mark.parametrize("gap", [4, 10])
def test_a_digit_drawn_in_two_strokes_that_all_but_touch_is_one_digit(recognizer, gap):
    """Stacked halves a few pixels apart are joined, and the model reads them as one 8, not 0 over 0."""
    found = detect.find_digits(_two_loop_eight(gap), detect.ONE_DIGIT_PHOTO, roi=(0, 0, 400, 400))
    assert len(found) == 1 and len(found[0].splits) == 1  # the halves stay on offer
    result = reading.read(found, recognizer)
    assert [p.digit for _, p in result.items] == [8]


def test_rows_of_digits_close_together_stay_two_rows(small_mnist, recognizer):
    """Two rows whose ink nearly touches: where the joined pair reads badly, the halves win."""
    right = 0
    for start in range(0, 80, 8):
        page = np.full((480, 640), 230.0, np.float32)
        for k, digit in enumerate(small_mnist.x_test[start:start + 8]):
            g = cv2.resize(digit, (60, 60), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
            y, x = 120 + (k // 4) * 60, 150 + (k % 4) * 80
            page[y:y + 60, x:x + 60] = np.minimum(page[y:y + 60, x:x + 60], 230 - 195 * np.clip(g, 0, 1))
        _, number = read(np.clip(page, 0, 255).astype(np.uint8), recognizer)
        right += number == "".join(map(str, small_mnist.y_test[start:start + 8]))
    assert right >= 8, f"{right} of 10 pages of two close rows read"


def test_a_digit_held_up_close_to_the_camera_is_read(small_mnist, recognizer):
    """A digit filling most of the frame (ink about 60 % of its height) is read in multi mode."""
    right = 0
    for i in range(10):
        page = np.full((480, 640), 225.0, np.float32)
        glyph = cv2.resize(small_mnist.x_test[i], (400, 400), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        page[40:440, 120:520] -= 190 * np.clip(glyph, 0, 1)
        _, number = read(np.clip(page, 0, 255).astype(np.uint8), recognizer)
        right += number == str(small_mnist.y_test[i])
    assert right >= 9, f"{right} of 10"


def test_small_digits_in_a_large_photo_are_looked_at_closer(small_mnist, recognizer):
    """A phone photo of a page: digits 2.4-3.7 % of its height lose their strokes at work scale."""
    pages = stress_pages(small_mnist, "phone photo", seed=3, count=8)
    closer = exact(pages, recognizer)
    afar = exact(pages, recognizer, config=detect.DetectConfig(closer_look=False))
    assert closer >= 5 and closer > afar, f"{closer} of 8 photos read up close, {afar} from afar"


def _phone_photo_of_a_number(images, labels, heights: list[int]) -> tuple[np.ndarray, str]:
    """A 2016x1512 photo of a page with one row of digits of the given heights (px), 1.3 x apart."""
    page = np.full((1512, 2016), 226.0, np.float32)
    pitch = int(1.3 * max(heights))
    x = (2016 - pitch * len(heights)) // 2
    for k, height in enumerate(heights):
        glyph = cv2.resize(images[k], (height, height), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        top = 740 + max(heights) - height
        page[top:top + height, x:x + height] -= 195 * np.clip(glyph, 0, 1)
        x += pitch
    frame = cv2.GaussianBlur(np.clip(page, 0, 255).astype(np.uint8), (0, 0), 1.2)
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), "".join(str(int(d)) for d in labels[:len(heights)])


def test_a_closer_look_follows_a_number_along_its_row(small_mnist, recognizer, monkeypatch):
    """From afar only the two tallest of ten digits (and a neighbour) are big enough to be seen;
    the rest, a little smaller, run on past the first closer look around them."""
    from digitcam.edge.detection import closer

    frame, truth = _phone_photo_of_a_number(small_mnist.x_test, small_mnist.y_test,
                                            [42, 42, 43, 42, 56, 56, 42, 43, 42, 42])
    assert read(frame, recognizer)[1] == truth
    monkeypatch.setattr(closer, "ZOOM_FOLLOW", 1)
    assert read(frame, recognizer)[1] != truth


def test_a_whole_page_photo_at_12_megapixels_is_read(small_mnist, recognizer, monkeypatch):
    """Digits 1.3-2 % of a 4032x3024 photo's height: too small to be seen from afar at all, found
    by the blobs that lead the closer look, and read there at the photo's own resolution."""
    from digitcam.edge.detection import closer

    pages = stress_pages(small_mnist, "12 MP photo", seed=4, count=3)
    assert exact(pages, recognizer) >= 2
    # Looking closer only for blobs at least 65-75 % of the smallest digit size found none of them.
    monkeypatch.setattr(closer, "ZOOM_SEED", 0.65)
    monkeypatch.setattr(closer, "ZOOM_MIN_HEIGHT", 0.75)
    assert exact(pages, recognizer) == 0


def test_rules_are_told_from_strokes_in_a_closer_look(small_mnist, recognizer, monkeypatch):
    """Up close at a 12-megapixel photo of ruled paper, rules are several pixels thick and cross
    only the part looked at; they must still go, or the digits standing on them go with them.
    Taken out of the ink as lines, or divided out of the light as narrow bands of shade."""
    from digitcam.edge.detection import page

    pages = stress_pages(small_mnist, "12 MP photo, ruled", seed=2, count=3)
    assert exact(pages, recognizer) >= 2
    monkeypatch.setattr(detect, "_lines", lambda mask, zoom=1.0: np.zeros_like(mask))
    assert exact(pages, recognizer) >= 2
    monkeypatch.setattr(page, "shade_bands", lambda *args, **kwargs: None)
    monkeypatch.setattr(pens, "cut_pens", lambda *args: False)  # a thick rule one digit touches is one
    assert exact(pages, recognizer) == 0


def test_pages_of_print_are_not_read_as_digits(recognizer, monkeypatch):
    """High-resolution photos of printed pages, plain and serif, set tight and loose. A closer
    look takes in its row's whole width, so that a line of text through it shows its length,
    and word gaps up close are wider than between letters seen from afar."""
    from scripts import stress_detection

    rng = np.random.default_rng(1)
    pages = [stress_detection.printed_page(rng) for _ in range(6)]

    def blobs(**flags) -> int:
        return sum(len(read(page, recognizer, config=detect.DetectConfig(**flags))[0]) for page in pages)

    default, afar = blobs(), blobs(closer_look=False)
    monkeypatch.setattr(textlines, "TEXT_GAP", 0.6)
    narrow = blobs()
    assert default <= len(pages) and afar <= len(pages) and 10 * default <= narrow, \
        f"{default} read, {afar} without closer looks, {narrow} with lines broken at word gaps"


def test_print_seen_up_close_by_a_720p_camera_is_not_read(recognizer, monkeypatch):
    """Large letters fill a 1280x720 frame; a comma and a space between words up close are 1.4
    times the letters' height, which must not break the line of text apart."""
    from scripts import stress_detection

    rng = np.random.default_rng(7)
    frames = [stress_detection.print_up_close(rng) for _ in range(2)]

    def blobs() -> int:
        return sum(len(read(frame, recognizer)[0]) for frame in frames)

    default = blobs()
    monkeypatch.setattr(textlines, "TEXT_GAP", 1.2)
    assert default == 0 and blobs() >= 5


def _small_blob(x: int, y: int, side: int) -> detect.Detection:
    return detect.Detection((x, y, side, side), np.zeros((side, side), np.uint8))


@pytest.mark.parametrize("up_close, kept", [
    ([(1000, 60, 30, 30)], 1),  # the same blob: a digit, kept
    ([(1000, 69, 12, 12), (1016, 69, 12, 12)], 0),  # it comes apart into smaller pieces: print
    ([(1001, 66, 28, 17)], 1),  # as wide, 0.57 as tall: from afar it took in a piece of the rule under it
    ([(1009, 66, 12, 17)], 0),  # narrower and shorter: a piece of it
])
def test_what_a_closer_look_does_not_find_again_is_dropped(up_close, kept):
    """A blob seen from afar is kept only where the closer look at it finds it again."""
    from digitcam.edge.detection import closer

    frame = np.full((1500, 2000, 3), 228, np.uint8)
    found = [_small_blob(1000, 700, 30)]
    band_top = 700 - int(closer.ZOOM_MARGIN * 30)

    def look(part, config):
        assert part.shape[1] == frame.shape[1]  # the look takes in the whole row
        return [detect.Detection((x, y, w, h), np.zeros((h, w), np.uint8)) for x, y, w, h in up_close]

    result = closer.closer_look(frame, detect.DetectConfig(), found, 480 / 1500, look)
    assert [d.box for d in result] == [(x, y + band_top, w, h) for x, y, w, h in up_close][:kept]


def test_a_long_handwritten_number_is_not_taken_for_a_line_of_text(small_mnist, recognizer):
    """10-12 digits written close: long, but shorter than the lines of text that are left out."""
    pages = stress_pages(small_mnist, "long number", seed=5, count=8)
    with_rule = exact(pages, recognizer)
    without = exact(pages, recognizer, config=detect.DetectConfig(text_lines=False))
    assert with_rule == without and with_rule >= 5, f"{with_rule} of 8 read, {without} without the text-line rule"


# Print: two lower-case letters at x-height (0.7) to one ascender, along the line.
PRINT = ((14, 14), (14, 14), (10, 20))


def blobs_in_a_line(count: int, shapes, gap: int, x: int = 10, baseline: int = 120) -> list[list]:
    """`count` blobs standing on one baseline `gap` apart, their (width, height) cycling through `shapes`."""
    boxes = []
    for k in range(count):
        w, h = shapes[k % len(shapes)]
        boxes.append([x, baseline - h, w, h, w * h // 3, None])
        x += w + gap
    return boxes


@pytest.mark.parametrize("count, shapes, gap, text", [
    (24, PRINT, 4, True),          # a line of print: letters up to 20 px high, 4 px apart, 19 x as long as high
    (8, ((60, 20),), 8, True),     # whole words whose letters touch, a space apart
    (12, ((28, 40),), 8, False),   # twelve digits written close: 11 x as long as high
    (6, PRINT, 4, False),          # a short word
    (24, PRINT, 14, True),         # letters up close, a word space (0.7 x their height) apart
    (24, PRINT, 34, False),        # blobs further apart than words: not one line
    (15, ((12, 20),), 10, False),  # fifteen digits across a page: as long as a line, but one height, taller than wide
])
def test_a_line_of_text_is_told_by_its_length_gaps_and_letters(count, shapes, gap, text):
    boxes = blobs_in_a_line(count, shapes, gap)
    assert all(textlines.in_text_line(tuple(b[:4]), boxes) is text for b in boxes)


def test_a_full_stop_is_part_of_its_line_of_text():
    """A full stop up close is a small solid blob that the model reads as a 4 or a 0; it belongs
    to the line of letters three times its height around it."""
    letters = blobs_in_a_line(24, ((20, 21), (20, 21), (14, 30)), 6)
    stop = (letters[5][0] + letters[5][2] + 1, 110, 10, 10)
    assert textlines.in_text_line(stop, letters + [[*stop, 80, None]])


def test_a_row_of_handwritten_digits_across_a_page_is_read(small_mnist, recognizer, monkeypatch):
    """12-15 digits written across a page: as long as a line of text, with gaps no wider, but
    blobs of one height and taller than wide, as letters are not."""
    pages = stress_pages(small_mnist, "digits across", seed=5, count=6)
    now = exact(pages, recognizer)
    assert now >= 4 and now == exact(pages, recognizer, config=detect.DetectConfig(text_lines=False))
    monkeypatch.setattr(textlines, "_mixed", lambda parts: True)  # told by length and gaps alone
    assert exact(pages, recognizer) <= now - 3


def test_a_small_thick_digit_is_not_taken_for_a_smudge():
    """At 19 px a thick pen's 8 fills its box in the ink mask as a smudge does; the grey image
    still shows its loops, and the smudge beside it stays out."""
    page = np.full((480, 640), 226, np.uint8)
    cv2.ellipse(page, (300, 234), (4, 3), 0, 0, 360, 40, 2)
    cv2.ellipse(page, (300, 241), (4, 4), 0, 0, 360, 40, 2)
    cv2.rectangle(page, (400, 234), (413, 246), 40, -1)
    frame = cv2.cvtColor(cv2.GaussianBlur(page, (0, 0), 0.8), cv2.COLOR_GRAY2BGR)
    mask = detect.ink_mask(detect.to_gray(frame), detect.DetectConfig())
    x, y, w, h = (int(v) for v in cv2.boundingRect(mask[:, :350]))
    assert np.count_nonzero(mask[y:y + h, x:x + w]) / (w * h) > detect.DetectConfig().max_density
    assert [d.box for d in detect.find_digits(frame)] == [(x, y, w, h)]


@pytest.mark.parametrize("condition", ["form boxes", "boxes apart", "in cells", "squared paper"])
def test_the_boxes_and_grids_digits_are_written_in_are_not_read(small_mnist, recognizer, monkeypatch, condition):
    """A form's row of boxes sharing their walls, printed boxes a little apart, boxes drawn by
    hand, and squared paper whose grid the photo shows nearly as dark as pencil: what is printed
    must go, or walls read as 1s, a box and its digit as an 8, and grid lines as rows of 1s."""
    # Twelve squared pages: since blurred digits are sharpened, kept grid lines spoil only two of
    # the first six (one of the three it used to be is read right without the rule too).
    count = 12 if condition == "squared paper" else 6
    pages = stress_pages(small_mnist, condition, seed=6, count=count)
    default = exact(pages, recognizer)
    if condition == "squared paper":  # grid lines as thick as a blurred photo makes them were kept, as strokes
        monkeypatch.setattr(detect, "LINE_THICKNESS", 3)
    else:
        monkeypatch.setattr(boxes, "box_ink", lambda mask, min_height: np.zeros_like(mask))
    without = exact(pages, recognizer)
    assert default >= count - 1 and without <= default - 3, f"{default} of {count} read, {without} without the rule"


def test_digits_touching_the_walls_of_printed_boxes_are_read(small_mnist, recognizer, monkeypatch):
    """Written to fill a form's boxes, digits run into the walls and are one blob with them: only
    the straight walls go. Told by a digit apart in a hole alone, the whole row went, digits too,
    or (no digit apart) none of it, and the walls read as 1s."""
    pages = stress_pages(small_mnist, "form, touching", seed=6, count=6)
    default = exact(pages, recognizer)
    monkeypatch.setattr(boxes, "_straight_walls", lambda own: None)
    without = exact(pages, recognizer)
    assert default >= 5 and without <= default - 3, f"{default} of 6 read, {without} by holes alone"


def test_straight_walls_are_found_on_printed_boxes_only():
    """Four thin straight sides make a printed box; a hand's wobbly box, a 0 and a thick pen's
    rounded square do not."""
    box = np.zeros((60, 150), bool)
    box[:3], box[-3:], box[:, :3], box[:, -3:], box[:, 73:76] = True, True, True, True, True
    found = boxes._straight_walls(box)
    assert found is not None and found[0][box].mean() > 0.95 and not found[1].any()
    wobbly = np.zeros((60, 150), np.uint8)
    points = np.array([[2, 2], [40, 12], [90, 1], [147, 10], [136, 30], [147, 57], [70, 46], [3, 57], [14, 30]])
    cv2.polylines(wobbly, [points], True, 1, 2)
    zero = cv2.ellipse(np.zeros((60, 45), np.uint8), (22, 30), (18, 27), 0, 0, 360, 1, 4)
    square = cv2.rectangle(np.zeros((60, 60), np.uint8), (6, 6), (53, 53), 1, 12)
    for shape in (wobbly, zero, square):
        assert boxes._straight_walls(shape.astype(bool)) is None


@pytest.mark.parametrize("at", [14, 25, 60])
def test_an_upright_1_touching_both_walls_of_a_printed_box_is_no_wall(at):
    """Walls of a row of equal boxes stand on one pitch; a straight stroke from wall to wall
    between them is a digit, and only the walls are box ink."""
    mask = np.zeros((240, 260), np.uint8)  # the row of boxes a line of writing high in the frame
    mask[10:13, 5:256], mask[67:70, 5:256] = 255, 255
    for x in (5, 88, 171, 253):  # three boxes, 83 px apart
        mask[10:70, x:x + 3] = 255
    mask[12:68, 88 + at:88 + at + 4] = 255  # the 1, in the middle box
    mask[20:60, 190:194], mask[20:24, 190:215] = 255, 255  # a 7 apart in the last box
    ink = boxes.box_ink(mask, min_height=20)
    assert not ink[14:66, 88 + at:88 + at + 4].any()
    assert ink[10:70, 6].all() and ink[30, 89] and ink[30, 254]
    assert not ink[20:60, 190:194].any()


def test_a_decimal_point_or_a_speck_beside_big_digits_is_not_a_digit(small_mnist, recognizer):
    """Digits side by side are of a size: a dot a quarter of their height or less, next to them,
    is a decimal point, a full stop or a speck."""
    digits, labels = small_mnist.x_test[:3], small_mnist.y_test[:3]
    page = _write(digits, 120, gap=1.5)
    cv2.circle(page, (60 + 120 + 30, 200 + 100), 9, 40, -1)  # a decimal point after the first digit
    cv2.circle(page, (60 + 2 * 180 + 60, 185), 5, 40, -1)  # a speck above the third
    boxes_read, number = read(page, recognizer)
    assert number == "".join(map(str, labels)), boxes_read
    alone = np.full_like(page, 230)
    cv2.circle(alone, (320, 240), 9, 40, -1)
    assert len(detect.find_digits(alone)) == 1  # alone, the same dot is a blob like any other


def test_a_point_colon_or_dash_between_digits_is_not_read(small_mnist, recognizer, monkeypatch):
    """A time, a price, a phone number: a pen's dot is round and filled, and a marker's is a
    third of a digit's height. Read as digits, dots were 0s and a colon's two dots, joined, a 5."""
    pages = [page for condition in ("point, colon, dash", "marker: point, colon, dash")
             for page in stress_pages(small_mnist, condition, seed=2, count=10)]
    default = exact(pages, recognizer)
    monkeypatch.setattr(marks, "dot_or_dash", lambda part, typical=None: False)  # told only as specks are
    without = exact(pages, recognizer)
    assert default >= 18 and without <= default - 4, f"{default} of 20 read, {without} without the rule"


def test_a_comma_or_a_degree_sign_between_digits_is_not_read(small_mnist, recognizer, monkeypatch):
    """A decimal comma hangs from the line, a degree sign sits above the middle: small marks wholly
    below or above a digit's middle are punctuation. Read as digits, they were 1s, 8s and 0s."""
    pages = [page for condition in ("comma, degree", "marker: comma, degree")
             for page in stress_pages(small_mnist, condition, seed=1, count=10)]
    default = exact(pages, recognizer)
    monkeypatch.setattr(marks, "OFF_LINE_SHARE", float("inf"))
    without = exact(pages, recognizer)
    assert default >= 18 and without <= default - 4, f"{default} of 20 read, {without} without the rule"


@pytest.mark.parametrize("rule, seed, least, lost", [("plus_sign", 3, 17, 3), ("equals_sign", 7, 19, 2)])
def test_a_plus_or_an_equals_sign_between_digits_is_not_read(small_mnist, recognizer, monkeypatch,
                                                             rule, seed, least, lost):
    """A sum: a plus sign was read as a 4 and an equals sign, its dashes joined, as a 2 or a 3.
    A plus sign is two strokes crossing near their middles; an equals sign two dashes stacked,
    or, run together in the ink mask (a marker's, drawn close, blurred), still two in the grey."""
    pages = [page for condition in ("plus, equals", "marker: plus, equals")
             for page in stress_pages(small_mnist, condition, seed=seed, count=10)]
    default = exact(pages, recognizer)
    monkeypatch.setattr(marks, rule, lambda crop: False)
    without = exact(pages, recognizer)
    assert default >= least and without <= default - lost, f"{default} of 20 read, {without} without {rule}"


def test_a_dash_as_long_as_a_digit_is_wide_is_small_by_its_height():
    """A minus sign, or one dash of an equals sign, is as long as a digit is wide: measured by
    its length, it was too big for a dash beside digits 60 px tall, and an equals sign whose
    dashes were joined was read as a 2. A filled blob as big each way is no dash."""
    typical = 60
    assert marks.dot_or_dash([0, 0, 40, 8, 40 * 8 * 0.9], typical)  # 1.8 x 40 > 60: its length is not its size
    assert marks.dot_or_dash([0, 0, 12, 10, 12 * 10 * 0.8], typical)  # a round dot
    assert not marks.dot_or_dash([0, 0, 40, 36, 40 * 36 * 0.9], typical)  # a bold letter of print, say
    assert not marks.dot_or_dash([0, 0, 40, 8, 40 * 8 * 0.4], typical)  # not filled: a stroke, not a dash


def _cross(side: int, pen: int, turn: float = 0.0, crossing: float = 0.5, hook: float = 0.0) -> np.ndarray:
    """The ink mask of a plus sign `side` px across, drawn with a `pen`, turned by `turn` radians,
    its strokes crossing `crossing` of the way along each; `hook` x side: a stroke rising from the
    left end of the bar, which makes it an open 4."""
    canvas = np.zeros((2 * side, 2 * side), np.uint8)
    middle = np.array((side, side), float)
    across, down = np.array((np.cos(turn), np.sin(turn))), np.array((-np.sin(turn), np.cos(turn)))
    for d in (across, down):
        start, end = middle - crossing * side * d, middle + (1 - crossing) * side * d
        cv2.line(canvas, tuple(start.astype(int)), tuple(end.astype(int)), 255, pen, cv2.LINE_AA)
    if hook:
        left = middle - crossing * side * across
        cv2.line(canvas, tuple(left.astype(int)), tuple((left - hook * side * down + 0.2 * hook * side * across)
                                                         .astype(int)), 255, pen, cv2.LINE_AA)
    ys, xs = np.nonzero(canvas > 127)
    return (canvas[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 127).astype(np.uint8)


@pytest.mark.parametrize("side, pen, turn, crossing", [(40, 3, 0.0, 0.5), (24, 2, 0.1, 0.45), (60, 14, -0.12, 0.55),
                                                       (30, 10, 0.05, 0.4)])
def test_plus_signs_thin_or_fat_turned_or_off_centre_are_plus_signs(side, pen, turn, crossing):
    assert marks.plus_sign(_cross(side, pen, turn, crossing))


@pytest.mark.parametrize("side, pen", [(24, 2), (40, 3), (60, 8)])
def test_open_4s_and_handwritten_digits_are_no_plus_signs(small_mnist, side, pen):
    """An open 4 drawn as a plus sign with a hook, and MNIST's digits at the size a page shows them."""
    assert not marks.plus_sign(_cross(side, pen, 0.05, 0.45, hook=0.35))
    flagged = []
    for image, label in zip(small_mnist.x_test, small_mnist.y_test):
        big = cv2.resize(image, (2 * side, 2 * side), interpolation=cv2.INTER_CUBIC) > 100
        ys, xs = np.nonzero(big)
        if marks.plus_sign(big[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.uint8)):
            flagged.append(int(label))
    assert not flagged, f"digits taken for plus signs: {flagged}"


def _dashes(length: int, pen: int, turn: float, blur: float) -> np.ndarray:
    """An equals sign in the grey image: two dashes `length` px long drawn with a `pen`, a pen's
    width apart, turned by `turn` radians and blurred by `blur` px (as a camera does), cropped
    to where the ink mask would find it: one blob."""
    canvas = np.zeros((4 * length, 4 * length), np.float32)
    across, down = np.array((np.cos(turn), np.sin(turn))), np.array((-np.sin(turn), np.cos(turn)))
    for side in (-1, 1):
        centre = np.array((2 * length, 2 * length)) + side * pen * down
        start, end = centre - length / 2 * across, centre + length / 2 * across
        cv2.line(canvas, tuple(start.astype(int)), tuple(end.astype(int)), 1.0, pen, cv2.LINE_AA)
    canvas = cv2.GaussianBlur(canvas, (0, 0), blur)
    ys, xs = np.nonzero(canvas > 0.25)
    return (230 - 190 * canvas[ys.min():ys.max() + 1, xs.min():xs.max() + 1]).astype(np.uint8)


@pytest.mark.parametrize("length, pen", [(30, 6), (40, 10), (36, 12)])
@pytest.mark.parametrize("turn", [0.0, 0.12])
def test_an_equals_sign_whose_dashes_ran_together_is_a_sign(length, pen, turn):
    """Blurred, a marker's dashes or a pen's drawn close are one blob in the ink mask: it was
    read as a 2, a 3 or a 5. The grey image still shows the paper between them."""
    for blur in (1.0, 2.0, 3.0):
        assert marks.equals_sign(_dashes(length, pen, turn, blur)), blur


def _drawn(*strokes: tuple[tuple[int, int], tuple[int, int]], ring: bool = False) -> np.ndarray:
    """Dark strokes 6 px wide on a 40x30 box of paper, softly blurred; `ring`: a 0 written flat."""
    page = np.full((30, 40), 230, np.uint8)
    for start, end in strokes:
        cv2.line(page, start, end, 40, 6)
    if ring:
        cv2.ellipse(page, (20, 15), (16, 11), 0, 0, 360, 40, 5)
    return cv2.GaussianBlur(page, (0, 0), 1.0)


def test_a_0_a_flat_2_a_3_and_handwritten_digits_are_no_equals_signs(small_mnist):
    """A 0's hole is closed at both sides, a 3's at one (the paper above it, in a blurred blob's
    box, joined them), and a flat 2's stroke crosses its middle. MNIST's digits at three sizes:
    48 of the validation split's 15,000 pass (0.3 %, open 0s and 5s mostly), and are still read
    when the model is 95 % sure."""
    assert not marks.equals_sign(_drawn(ring=True))
    assert not marks.equals_sign(_drawn(((2, 3), (37, 3)), ((37, 3), (2, 26)), ((2, 26), (37, 26))))
    assert not marks.equals_sign(_drawn(((2, 6), (34, 6)), ((34, 6), (34, 23)), ((2, 23), (34, 23))))
    flagged = []
    for image, label in zip(small_mnist.x_test, small_mnist.y_test):
        for side in (24, 40, 60):
            big = cv2.resize(image, (side, side), interpolation=cv2.INTER_CUBIC)
            ys, xs = np.nonzero(big > 100)
            grey = 230 - big[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32) * 190 / 255
            flagged += [int(label)] * marks.equals_sign(grey.astype(np.uint8))
    assert len(flagged) <= 0.01 * 3 * len(small_mnist.x_test), f"digits taken for equals signs: {flagged}"


def test_a_small_digit_beside_big_ones_is_no_dot(small_mnist, recognizer):
    """A colon between digits 85 px tall, a marker's dash and a filled dot a third of their
    height are marks; a 0 as small, its hole all but filled by a thick pen, and a short thick 1
    are still read: the 0 shows its hole in the grey image, the 1 is neither round nor flat."""
    page = _write(small_mnist.x_test[:2], 120, gap=1.8)
    number = read(page, recognizer)[1]
    colon, dash, point, comma, degree, plus, equals = (page.copy() for _ in range(7))
    for y in (240, 262):  # a colon in the gap, its dots 8 px apart
        cv2.circle(colon, (228, y), 7, 40, -1)
    cv2.line(plus, (212, 252), (244, 252), 40, 6)  # a plus sign in the gap, 32 px across
    cv2.line(plus, (228, 236), (228, 268), 40, 6)
    for y in (244, 260):  # an equals sign 40 px long: a dash longer than a dot
        cv2.line(equals, (208, y), (248, y), 40, 6)
    cv2.line(dash, (404, 262), (424, 262), 40, 22)  # 42 x 22 px with its round ends
    cv2.circle(point, (400, 300), 13, 40, -1)  # a decimal point 26 px across
    cv2.circle(comma, (228, 300), 10, 40, -1)  # a comma in the gap: a dot on the line, a tail below
    cv2.line(comma, (231, 300), (218, 335), 40, 8)
    cv2.circle(degree, (400, 232), 9, 40, 4)  # a degree sign: a small 0, above the middle
    marked = (colon, dash, point, comma, degree, plus, equals)
    assert [read(picture, recognizer)[1] for picture in marked] == [number] * len(marked)
    zero, one = page.copy(), page.copy()
    cv2.ellipse(zero, (420, 270), (9, 13), 0, 0, 360, 40, 8)
    cv2.line(one, (420, 255), (420, 285), 40, 8)
    assert read(zero, recognizer)[1] == number + "0" and read(one, recognizer)[1] == number + "1"


def _show_through(page: np.ndarray, digits: np.ndarray, darkness: float = 0.25, top: int = 330,
                  left: int = 100, pitch: int = 150) -> np.ndarray:
    """`digits` written on the back of the sheet: mirrored, blurred and faint, below the row
    of `_write` (80 px boxes from `top` and `left`, `pitch` apart)."""
    back = np.zeros(page.shape, np.float32)
    for k, digit in enumerate(digits):
        g = cv2.resize(digit, (80, 80), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        back[top:top + 80, left + pitch * k:left + 80 + pitch * k] = g[:, ::-1]
    back = cv2.GaussianBlur(back, (0, 0), 1.5)
    return np.clip(page * (1 - darkness * back), 0, 255).astype(np.uint8)


def test_writing_showing_through_the_sheet_is_not_read(small_mnist, recognizer, monkeypatch):
    """Ink much fainter than the page's digits is the back of the sheet; alone, as faint ink,
    it is the page's writing (pencil) and is read."""
    digits, labels = small_mnist.x_test[:3], small_mnist.y_test[:3]
    page = _show_through(_write(digits, 90, gap=1.6), small_mnist.x_test[3:6])
    assert read(page, recognizer)[1] == "".join(map(str, labels))
    monkeypatch.setattr(detect, "FAINT_SHARE", 0.0)
    assert len(read(page, recognizer)[0]) == 6  # the ghosts are found, as they were before

    monkeypatch.undo()
    ghosts_only = _show_through(np.full((480, 640), 230, np.float32), small_mnist.x_test[3:6])
    assert read(ghosts_only, recognizer)[1] == "".join(map(str, small_mnist.y_test[3:6]))


def test_writing_showing_through_that_touches_a_digit_is_shed(small_mnist, recognizer, monkeypatch):
    """A ghost joined to a digit's strokes would be read with it as one blob, twice as tall;
    it is taken off, and each digit is read alone, in its own height."""
    digits, labels = small_mnist.x_test[:3], small_mnist.y_test[:3]
    page = _show_through(_write(digits, 90, gap=1.6), small_mnist.x_test[3:6], top=240, left=80, pitch=144)
    boxes_read, number = read(page, recognizer)
    assert number == "".join(map(str, labels)) and max(h for *_, h in boxes_read) < 80, boxes_read
    monkeypatch.setattr(detect, "SHED_REACH", 1e9)  # nothing is far enough to shed
    assert sum(h > 90 for *_, h in read(page, recognizer)[0]) == 2  # the first two ghosts touch


def test_a_digit_half_faint_under_glare_keeps_its_faint_half(small_mnist, recognizer, monkeypatch):
    """Glare over part of a digit leaves that part as faint as a ghost hanging off the rest, on
    paper brighter than the page's: it stays, on a sheet whose back shows through too."""
    digits, labels = small_mnist.x_test[:3], small_mnist.y_test[:3]
    page = _show_through(_write(digits, 90, gap=1.6), small_mnist.x_test[3:6]).astype(np.float32)
    yy, xx = np.mgrid[0:480, 0:640]
    page += 190 * np.exp(-((xx - 250) / 40) ** 2 - ((yy - 270) / 30) ** 2)  # the middle digit's lower half
    page = np.clip(page, 0, 255).astype(np.uint8)
    boxes_read, number = read(page, recognizer)
    assert number == "".join(map(str, labels)), boxes_read
    monkeypatch.setattr(detect, "GLARE", 10.0)  # no paper is that bright: glare is not told apart
    assert read(page, recognizer)[0][1][3] < boxes_read[1][3] - 5  # its faint half is shed


def test_a_digit_washed_out_by_glare_is_still_read(small_mnist, recognizer, monkeypatch):
    """Glare on glossy paper leaves a digit as faint as a ghost, on paper brighter than the rest."""
    digits, labels = small_mnist.x_test[:3], small_mnist.y_test[:3]
    page = _write(digits, 90, gap=1.6).astype(np.float32)
    yy, xx = np.mgrid[0:480, 0:640]
    page += 175 * np.exp(-((xx - 250) / 70) ** 2 - ((yy - 245) / 60) ** 2)  # over the middle digit
    page = np.clip(page, 0, 255).astype(np.uint8)
    assert read(page, recognizer)[1] == "".join(map(str, labels))
    monkeypatch.setattr(detect, "GLARE", 10.0)  # no paper is that bright: glare is not told apart
    assert read(page, recognizer)[1] == f"{labels[0]}{labels[2]}"


def test_a_sheet_on_a_desk_in_a_dim_room_is_still_told_from_the_desk(small_mnist, recognizer, monkeypatch):
    """At a third of the light, paper (70) and a wooden desk (30) are 40 grey levels apart, short
    of the 50 a lit sheet needs: the desk's printed 4 was read with the digits on every page.
    A dim sheet needs contrast and a sharp edge in proportion to its brightness."""
    rng = np.random.default_rng(0)
    pages = [(np.clip(frame * 0.3 + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8), truth)
             for frame, truth in stress_pages(small_mnist, "wooden desk", seed=4, count=6)]
    default = exact(pages, recognizer)
    monkeypatch.setattr("digitcam.edge.detection.sheet.LIT_SHEET", 1)  # the lit sheet's figures, however dim
    assert default >= 5 and exact(pages, recognizer) <= default - 4


def test_clutter_around_a_sheet_held_up_to_the_camera_is_not_read(small_mnist, recognizer):
    """A sheet held up before a portrait (matplotlib's photo of Grace Hopper: a cap, a flag, a
    uniform): the cap's badge and the flag's stripes lie inside the sheet's outline as found, but
    have paper on one side at most."""
    import matplotlib.cbook

    from scripts.stress_detection import finish, write

    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
        scene = cv2.imdecode(np.frombuffer(f.read(), np.uint8), cv2.IMREAD_COLOR)
    ground = cv2.resize(scene, (640, 480), interpolation=cv2.INTER_AREA).astype(np.float32)
    rng = np.random.default_rng(8)
    right = 0
    for top in range(40, 100, 10):
        page, alpha, truth = write(rng, small_mnist.x_test, small_mnist.y_test, height=(45, 70), count=(2, 4))
        sheet = np.zeros((480, 640), bool)
        sheet[top:top + 320, 50:590] = True
        frame = finish(cv2.GaussianBlur(np.where(sheet[..., None], page, ground), (0, 0), 0.6), rng)
        boxes, number = read(frame, recognizer)
        right += number == truth
        assert all(sheet[y:y + h, x:x + w].all() for x, y, w, h in boxes), (boxes, top)
    assert right >= 5


def test_a_sheet_on_a_desk_is_told_from_the_desk_in_grey(small_mnist, recognizer):
    """The Pi camera's frames have no colour to tell a desk from paper in a shadow: the desk's
    printed 4 was read on every page, as the darker part was taken for paper in a shadow."""
    pages = [(grey(frame), truth) for frame, truth in stress_pages(small_mnist, "wooden desk", seed=5, count=4)]
    assert exact(pages, recognizer) == 4


@pytest.mark.parametrize("colour", [True, False])
@pytest.mark.parametrize("softness", [15, 3])
def test_digits_in_a_shadow_across_a_sheet_on_a_desk_are_read(small_mnist, recognizer, colour, softness):
    """A shadow falls across the sheet, the desk on both sides. In colour the paper's tint says
    the dark part is paper; in grey a half-shadow's soft edge under a room's lamps (softness 15)
    does, and in sunlight (softness 3), the desk in the shadow, as much darker than the desk in
    the light as the shaded paper is than the lit paper."""
    from scripts.stress_detection import finish, shadow, write

    rng = np.random.default_rng(6)
    right = 0
    for _ in range(4):
        page, _, truth = write(rng, small_mnist.x_test, small_mnist.y_test, height=(60, 80), count=(3, 5))
        page[:, :50] = page[:, 590:] = (60, 110, 165)
        frame = finish(shadow(page, rng, softness), rng)
        right += read(frame if colour else grey(frame), recognizer)[1] == truth
    assert right == 4


@pytest.mark.parametrize("colour", [True, False])
def test_a_band_of_shadow_across_a_sheet_on_a_desk(small_mnist, recognizer, colour):
    """The shadow of an arm across the middle of a sheet, the desk all round: the paper on both
    sides of it and in it is one sheet, and neither the desk nor the shadow's ends on it are read.
    Before, only the larger lit part was searched or, when the darker parts matched the paper's
    tint, the whole frame, where the shadow's ends on the desk read as 1s."""
    pages = stress_pages(small_mnist, "desk, band of shadow", seed=7, count=4)
    assert exact([(frame if colour else grey(frame), truth) for frame, truth in pages], recognizer) == 4


def test_a_dark_thing_on_the_desk_is_not_taken_for_the_desk_in_a_shadow(small_mnist, recognizer):
    """In grey, a dark book on the desk beside the sheet is to the desk as the desk is to the
    paper, as a desk's shadow would be; but it lies inside the desk's outline, so the desk is not
    paper in a shadow, and the 4 printed on it is not read."""
    frame, number = _sheet_with_shadow_or_desk(small_mnist, (60, 110, 165))
    frame[:, 600:] = np.tile(frame[:, 180:200], (1, 2, 1))  # the desk on both sides
    desk = float(np.median(to_gray(frame[:, :180])))
    frame[300:440, :70] = desk * desk / 226  # the book, as much darker than the desk as the desk than paper
    cv2.putText(frame, "4", (90, 120), cv2.FONT_HERSHEY_SIMPLEX, 2, (20, 40, 60), 5)
    assert read(grey(frame), recognizer)[1] == number[1:]


@pytest.mark.parametrize("colour", [True, False])
def test_bright_things_touching_a_held_up_sheet_are_not_paper(colour):
    """A sheet held up before a bright sky, a tower's top standing in the sky: Otsu's bright region
    takes in the sky, but the sheet's edge against it bounds the paper."""
    frame = np.full((480, 640, 3), (40, 70, 50), np.float32)  # trees
    frame[:200] = (225, 200, 180)  # a pale sky, near paper in grey
    cv2.rectangle(frame, (300, 30), (330, 90), (30, 60, 90), -1)  # the tower's top
    corners = cv2.boxPoints(((320, 260), (470, 300), 4.0)).astype(np.int32)
    cv2.fillPoly(frame, [corners], (224, 228, 230))
    frame = finish_frame(frame)
    mask = paper_mask(to_gray(frame), frame if colour else grey(frame))
    assert mask[260, 320] and mask[330, 200]  # the sheet
    assert not mask[20:85, 295:335].any() and not mask[20, 600]  # the tower and the sky


@pytest.mark.parametrize("condition", ["notebook page", "squared paper"])
def test_a_ruled_page_on_a_desk_is_paper_between_its_lines_too(small_mnist, condition):
    """The sheet ends at a steep edge, and a rule or a grid line is as steep: the page is still
    one sheet, not the strip between two rules around its middle."""
    for page, _ in stress_pages(small_mnist, condition, seed=3, count=3):
        frame = np.empty_like(page)
        frame[:] = (60, 110, 165)  # a wooden desk around the page
        frame[48:432, 64:576] = cv2.resize(page, (512, 384), interpolation=cv2.INTER_AREA)
        for colour in (frame, grey(frame)):
            mask = paper_mask(to_gray(colour), colour)
            assert mask[80:400, 100:540].all() and not mask[:, :50].any()


def finish_frame(frame: np.ndarray) -> np.ndarray:
    """Softened as a lens does, with sensor noise."""
    frame = cv2.GaussianBlur(frame, (0, 0), 0.8) + np.random.default_rng(0).normal(0, 3, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def test_a_pen_lying_on_the_sheet_is_not_read(small_mnist, recognizer, monkeypatch):
    """A pen below the digits was read as a 1, and the digits beside it, far smaller, were left
    out as specks or degree signs."""
    pages = stress_pages(small_mnist, "pen on the sheet", seed=2, count=5)
    read_now = exact(pages, recognizer)
    monkeypatch.setattr(pens, "bar_length", lambda *args: 0.0)
    monkeypatch.setattr(pens, "cut_pens", lambda *args: False)
    assert read_now >= 4 and exact(pages, recognizer) <= read_now - 2


@pytest.mark.parametrize("turn", [0, 15, -20, 45])
def test_a_1_written_as_a_straight_bar_is_still_a_1(small_mnist, recognizer, turn):
    """Alone, or beside digits of its size, upright or leaning: a 1 is a bar too."""
    page = np.full((480, 640), 228, np.uint8)
    bar = cv2.boxPoints(((200, 240), (9, 80), turn)).astype(np.int32)
    cv2.fillPoly(page, [bar], 30)
    assert read(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), recognizer)[1] == "1"
    digits, labels = small_mnist.x_test[60:62], small_mnist.y_test[60:62]
    for k, digit in enumerate(digits):
        g = cv2.resize(digit, (80, 80), interpolation=cv2.INTER_CUBIC)
        page[200:280, 300 + 100 * k:380 + 100 * k] = np.minimum(page[200:280, 300 + 100 * k:380 + 100 * k], 255 - g)
    assert read(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), recognizer)[1] == "1" + "".join(map(str, labels))


@pytest.mark.parametrize("turn", [-30, -10, 20, 40])
def test_a_pen_touching_the_writing_is_cut_away_from_it(small_mnist, recognizer, turn):
    """A pen lying against the last digit was one blob with it, read as a 7, and the rest of the
    row, inside its box, was left out with it."""
    digits, labels = small_mnist.x_test[10:14], small_mnist.y_test[10:14]
    page = _write(digits, 44).astype(np.float32)
    last = 60 + int(44 * 1.3) * 3  # the last digit's left, its ink 200-244 px down
    end = np.array([last + 22, 238])  # the pen's tip on the digit's lower half
    along = np.array([np.cos(np.deg2rad(90 + turn)), np.sin(np.deg2rad(90 + turn))])
    cv2.line(page, tuple(int(v) for v in end), tuple(int(v) for v in end + 260 * along), 70, 12)
    frame = cv2.cvtColor(np.clip(page, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    assert read(frame, recognizer)[1] == "".join(map(str, labels))


def test_a_rule_or_an_underline_beside_a_digit_counts_as_paper_and_clutter_does_not():
    paper = np.full((12, 40), 220, np.uint8)
    underlined = paper.copy()
    underlined[3:6, 2:38] = 40  # a pen's line along most of the strip, 3 px thick
    clutter = np.random.default_rng(0).integers(0, 255, (12, 40)).astype(np.uint8)  # leaves, a flag
    assert detect._paper_share(paper, 1, 4) == 1.0
    assert detect._paper_share(underlined, 1, 4) == 1.0 and detect._paper_share(underlined, 1, 2) < 0.8
    assert detect._paper_share(underlined.T, 0, 4) == 1.0  # a box's wall beside a digit
    assert detect._paper_share(clutter, 1, 4) < detect.ON_PAPER


def test_digits_set_close_by_their_ink_are_read_apart(small_mnist, recognizer, monkeypatch):
    """A hand sets a 1 as close to its neighbours as a wide digit (a tenth of their height
    apart): close enough to be joined as the parts of one digit. Joined side by side, both tall,
    the parts are offered to the model as two digits too (`Detection.parted`)."""
    pages = stress_pages(small_mnist, "close by their ink", seed=5, count=12)
    now = exact(pages, recognizer)
    monkeypatch.setattr(reading, "APART_PENALTY", float("inf"))  # never read as the parts
    assert now >= 9 and exact(pages, recognizer) <= now - 4


@pytest.mark.parametrize("connectivity", [8, 4])
def test_components_label_as_opencvs_default_does(connectivity):
    """The faster algorithm is a drop-in: the same labels, in the same order, and the same stats."""
    rng = np.random.default_rng(5)
    mask = cv2.GaussianBlur(rng.random((240, 320)).astype(np.float32), (0, 0), 2) > 0.52
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=connectivity)
    ours = components(mask, connectivity)  # a boolean mask is taken as it is
    assert count > 20 and ours[0] == count
    assert np.array_equal(ours[1], labels) and np.array_equal(ours[2], stats)
