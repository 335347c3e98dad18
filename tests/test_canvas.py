"""The canvas controller driven by synthetic mouse and key events, with no window."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from digitcam.edge.canvas import BRUSH_SHARE, Canvas, CanvasController
from digitcam.edge.overlay import SURE
from tests.strokes import DIGIT_STROKES


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def controller(recognizer, tmp_path):
    events = []
    clock = Clock()
    ctl = CanvasController(recognizer, 0.6, tmp_path / "saved", ["file cnn.int8.tflite"], emit=events.append,
                           size=400, clock=clock)
    ctl.events, ctl.test_clock = events, clock
    return ctl


def drag(ctl, points, clock=None):
    ctl.on_mouse(cv2.EVENT_LBUTTONDOWN, *points[0])
    for x, y in points[1:]:
        if clock:
            clock.now += 0.05
        ctl.on_mouse(cv2.EVENT_MOUSEMOVE, x, y)
    ctl.on_mouse(cv2.EVENT_LBUTTONUP, *points[-1])


def one(ctl):
    drag(ctl, [(200, 60 + 10 * i) for i in range(29)], ctl.test_clock)


def test_brush_makes_mnist_thick_strokes():
    canvas = Canvas(400)
    assert canvas.brush == round(400 * BRUSH_SHARE)
    canvas.on_mouse(cv2.EVENT_LBUTTONDOWN, 200, 60)
    canvas.on_mouse(cv2.EVENT_MOUSEMOVE, 200, 340)
    canvas.on_mouse(cv2.EVENT_LBUTTONUP, 200, 340)
    from digitcam.edge.preprocess import to_mnist

    widths = (to_mnist(canvas.render(), light_ink=True) > 127).sum(axis=1)
    assert 2 <= np.median(widths[widths > 0]) <= 4  # MNIST strokes are 2-4 px wide


def test_drawing_a_one_predicts_one_live_and_on_p(controller):
    one(controller)
    live = [e for e in controller.events if e["event"] == "predict"]
    assert live and live[-1]["digit"] == 1 and live[-1]["live"]
    assert len(live) < 29  # throttled: not one per mouse move
    controller.on_key(ord("p"))
    final = controller.events[-1]
    assert final["digit"] == 1 and final["confidence"] > 0.6 and len(final["probabilities"]) == 10
    assert final["latency_ms"] > 0
    picture = controller.picture()
    assert picture.shape == (400, 640, 3) and controller.input28.any()


def test_empty_canvas_says_nothing_drawn(controller):
    controller.on_key(ord("p"))
    assert controller.message == "nothing drawn" and controller.prediction is None
    assert not [e for e in controller.events if e["event"] == "predict"]


def test_undo_clear_help_info_fullscreen_quit(controller):
    one(controller)
    drag(controller, [(100, 100), (300, 100)])
    assert len(controller.canvas.strokes) == 2
    controller.on_key(ord("u"))
    assert len(controller.canvas.strokes) == 1
    controller.on_key(ord("c"))
    assert controller.canvas.empty
    controller.on_key(ord("h"))
    assert controller.notes == []
    controller.on_key(ord("i"))
    assert controller.notes[0] == "file cnn.int8.tflite" and controller.notes[-1].startswith("latency: ")
    controller.on_key(ord("f"))
    assert controller.fullscreen
    controller.on_key(27)
    assert controller.quit


def test_unsure_shows_a_question_mark_with_the_top_two(recognizer, tmp_path):
    ctl = CanvasController(recognizer, 0.999999, tmp_path, [])
    drag(ctl, [(100, 200), (200, 150), (300, 200)])  # a flat arch, a 2 at best: no digit is that sure
    ctl.on_key(ord("p"))
    from digitcam.edge.overlay import describe

    assert ctl.prediction.label(0.999999) == "?"
    assert describe(ctl.prediction, 0.999999).startswith("? ")


def test_save_writes_drawing_input_and_json_without_overwriting(controller):
    one(controller)
    controller.on_key(ord("s"))
    controller.on_key(ord("s"))
    folder = controller.save_dir
    jsons = sorted(folder.glob("*.json"))
    assert len(jsons) == 2 and len(list(folder.glob("*-drawing.png"))) == 2
    record = json.loads(jsons[0].read_text())
    assert record["digit"] == 1
    assert cv2.imread(str(next(folder.glob("*-input28.png"))), cv2.IMREAD_GRAYSCALE).shape == (28, 28)
    assert not list(folder.glob(".*"))


def test_save_to_a_full_disk_reports_and_carries_on(controller, monkeypatch):
    import digitcam.edge.saving as saving

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(saving.os, "link", full)
    one(controller)
    controller.on_key(ord("s"))
    assert controller.message.startswith("save failed") and "No space left" in controller.message
    assert not list(controller.save_dir.glob("*"))
    controller.on_key(ord("p"))  # still working
    assert controller.events[-1]["digit"] == 1


def test_canvas_loop_notifies_and_quits(controller, tmp_path):
    """The desktop unit is Type=notify: the canvas loop must say READY and feed the watchdog."""
    import socket

    from digitcam.edge.app import run_canvas
    from digitcam.edge.notify import Notifier
    from digitcam.edge.window import NullWindow

    class Keys(NullWindow):
        def __init__(self, keys):
            self.keys, self.shown = list(keys), 0

        def show(self, image):
            self.shown += 1

        def key(self, wait_ms=1):
            return self.keys.pop(0) if self.keys else ord("q")

    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(2)
        window = Keys([-1, ord("h"), -1])
        run_canvas(controller, window, Notifier({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1"}))
        messages = []
        try:
            while True:
                messages.append(sock.recv(100).decode())
        except socket.timeout:
            pass
    assert messages[0].startswith("READY=1") and "WATCHDOG=1" in messages and messages[-1] == "STOPPING=1"
    assert window.shown == 4 and controller.quit


def draw_digit(ctl, digit: int, left: int, top: int, height: int) -> None:
    for stroke in DIGIT_STROKES[digit]:
        drag(ctl, [(int(left + x * height), int(top + y * height)) for x, y in stroke])


@pytest.mark.parametrize("height", [120, 280])
def test_every_digit_drawn_with_the_mouse_is_read(controller, height):
    read = []
    for digit in range(10):
        controller.on_key(ord("c"))
        draw_digit(controller, digit, 200 - int(0.3 * height), 200 - height // 2, height)
        read.append(controller.prediction.digit)
    assert read == list(range(10))


def test_a_number_drawn_digit_by_digit_is_read_left_to_right(controller):
    for digit, left in ((4, 20), (7, 150), (1, 290)):  # the 4 and the 7 all but touch
        draw_digit(controller, digit, left, 100, 180)
    assert [len(group) for group in controller.canvas.digits()] == [2, 1, 1]  # the 4 in two strokes
    event = controller.events[-1]
    assert event["number"] == "471" and [d["digit"] for d in event["digits"]] == [4, 7, 1]
    assert controller.prediction.digit == 1  # the panel shows the digit drawn last
    boxes = [d["box"] for d in event["digits"]]
    assert all(a[0] + a[2] // 2 < b[0] for a, b in zip(boxes, boxes[1:]))  # left to right, apart
    drawing = controller.picture()[:, :400]
    assert (np.abs(drawing.astype(int) - SURE).sum(axis=2) == 0).any()  # boxes drawn around the digits
    controller.on_key(ord("u"))  # undo the 1
    assert controller.events[-1]["number"] == "47"


PLUS = [[(0.0, 0.5), (0.25, 0.52), (0.5, 0.49)], [(0.27, 0.25), (0.25, 0.5), (0.24, 0.75)]]  # a hand's wobble
EQUALS = [[(0.0, 0.42), (0.5, 0.43)], [(0.02, 0.6), (0.5, 0.58)]]


def draw_strokes(ctl, strokes, left: int, top: int, height: int) -> None:
    for stroke in strokes:
        drag(ctl, [(int(left + x * height), int(top + y * height)) for x, y in stroke])


def test_signs_between_digits_drawn_with_the_mouse_are_left_out(controller):
    """2+3=5: a plus sign was read as an 8 and an equals sign as a 0."""
    draw_digit(controller, 2, 10, 120, 100)
    draw_strokes(controller, PLUS, 90, 120, 100)
    draw_digit(controller, 3, 160, 120, 100)
    draw_strokes(controller, EQUALS, 240, 120, 100)
    draw_digit(controller, 5, 310, 120, 100)
    event = controller.events[-1]
    assert event["number"] == "235" and [d["digit"] for d in event["digits"]] == [2, 3, 5]
    controller.on_key(ord("c"))
    draw_strokes(controller, PLUS, 150, 150, 100)
    assert controller.items == [] and controller.message == "no digit drawn"


def test_points_and_colons_drawn_with_the_mouse_are_left_out_beside_digits(controller):
    """3.14 and 12:30: a click is a dot, read as a 0, and a colon's two dots, grouped as one
    character, as a 5 or an 8. Alone, a dot is read as anything else drawn."""
    for digit, left in ((3, 10), (1, 170), (4, 250)):
        draw_digit(controller, digit, left, 100, 150)
    drag(controller, [(130, 245)])  # the decimal point, clicked
    assert controller.events[-1]["number"] == "314"
    controller.on_key(ord("c"))
    for digit, left in ((1, 10), (2, 80), (3, 230), (0, 320)):
        draw_digit(controller, digit, left, 100, 150)
    for y in (150, 200):
        drag(controller, [(203, y), (205, y + 2)])
    assert controller.events[-1]["number"] == "1230"
    controller.on_key(ord("c"))
    drag(controller, [(200, 200)])
    assert len(controller.items) == 1


@pytest.mark.parametrize("strokes, sign", [
    (PLUS, True), (EQUALS, True), ([[(0.0, 0.5), (0.5, 0.47)]], True),  # a minus sign
    ([[(0.02, 0.0), (0.6, 0.0), (0.2, 1.0)], [(0.2, 0.5), (0.55, 0.5)]], False),  # a 7 crossed in the middle
    ([[(0.3, 0.0), (0.3, 1.0)], [(0.0, 1.0), (0.6, 1.0)]], False),  # a 1 on a base: they meet at its end
    ([[(0.0, 0.0), (0.6, 0.0)], [(0.3, 0.0), (0.3, 1.0)]], False),  # a T, a 7 drawn square
    ([[(0.0, 0.0), (0.5, 0.5)], [(0.5, 0.0), (0.0, 0.5)]], False),  # a cross turned 45 degrees
    ([[(0.3, 0.0), (0.3, 1.0)]], False),  # a 1
    *[(strokes, False) for strokes in DIGIT_STROKES.values()],
])
def test_signs_are_told_from_digits_by_their_strokes(strokes, sign):
    from digitcam.edge.detection import marks

    assert marks.drawn_sign([np.array(s) * 100 for s in strokes]) == sign
