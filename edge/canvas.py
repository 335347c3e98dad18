"""The drawing canvas: strokes, keys and live prediction, with no window in sight.

`CanvasController` receives mouse and key events as plain numbers (OpenCV's codes) and
produces the picture to show, so tests can drive it exactly as a user would.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np

from digitcam.edge import overlay
from digitcam.edge.detection import Box, marks
from digitcam.edge.preprocess import to_mnist
from digitcam.edge.recognizer import Prediction, Recognizer
from digitcam.edge.saving import try_save

# MNIST strokes are ~2.5 px in a 20 px box; a digit drawn over ~60 % of the canvas
# therefore wants a brush of about 6.5 % of the canvas side.
BRUSH_SHARE = 0.065
LIVE_INTERVAL_S = 0.15
SAME_DIGIT = 0.5  # of the narrower one's columns: strokes sharing this many are one digit
HELP = ("draw with the left mouse button", "p predict   c clear   u undo", "s save   i model info",
        "f full screen   h help   q/Esc quit")
KEY_ESC = 27


@dataclass
class Canvas:
    """Strokes on a square black canvas, drawn in white like MNIST."""

    size: int = 480
    brush: int = 0
    strokes: list[list[tuple[int, int]]] = field(default_factory=list)
    drawing: bool = False

    def __post_init__(self) -> None:
        self.brush = self.brush or max(3, round(self.size * BRUSH_SHARE))

    def on_mouse(self, event: int, x: int, y: int) -> bool:
        """Apply one OpenCV mouse event; True when the picture changed."""
        x, y = int(np.clip(x, 0, self.size - 1)), int(np.clip(y, 0, self.size - 1))
        if event == cv2.EVENT_LBUTTONDOWN:
            self.drawing = True
            self.strokes.append([(x, y)])
            return True
        if event == cv2.EVENT_MOUSEMOVE and self.drawing:
            self.strokes[-1].append((x, y))
            return True
        if event == cv2.EVENT_LBUTTONUP and self.drawing:
            self.drawing = False
            return True
        return False

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()
        self.drawing = False

    def clear(self) -> None:
        self.strokes.clear()
        self.drawing = False

    @property
    def empty(self) -> bool:
        return not self.strokes

    def render(self, strokes: list[int] | None = None) -> np.ndarray:
        """The drawing, or only the strokes with the given indices."""
        image = np.zeros((self.size, self.size), np.uint8)
        for stroke in (self.strokes if strokes is None else [self.strokes[i] for i in strokes]):
            points = np.array(stroke, np.int32)
            if len(points) == 1:
                cv2.circle(image, stroke[0], self.brush // 2, 255, cv2.FILLED, cv2.LINE_AA)
            else:
                cv2.polylines(image, [points], False, 255, self.brush, cv2.LINE_AA)
        return image

    def height(self, strokes: list[int]) -> int:
        """How tall the ink of the given strokes stands, pen included."""
        ys = [y for i in strokes for _, y in self.strokes[i]]
        return max(ys) - min(ys) + self.brush

    def digits(self) -> list[list[int]]:
        """Stroke indices grouped into digits, left to right. A stroke whose ink spans mostly the
        same columns as a digit's belongs to it (a 4 or a 5 drawn in two strokes); digits written
        side by side overlap in a few columns at most, where they slant or all but touch."""
        reach = self.brush / 2
        spans = sorted((min(x for x, _ in stroke) - reach, max(x for x, _ in stroke) + reach, i)
                       for i, stroke in enumerate(self.strokes))
        groups: list[tuple[float, float, list[int]]] = []
        for left, right, i in spans:
            if groups:
                g_left, g_right, members = groups[-1]
                if min(g_right, right) - left >= SAME_DIGIT * min(g_right - g_left, right - left):
                    groups[-1] = (g_left, max(g_right, right), members + [i])
                    continue
            groups.append((left, right, [i]))
        return [sorted(members) for *_, members in groups]


class CanvasController:
    """Keys and mouse in, picture and JSON events out."""

    def __init__(self, recognizer: Recognizer, threshold: float, save_dir: Path, model_info: list[str],
                 emit: Callable[[dict[str, Any]], None] = lambda event: None, size: int = 480,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.canvas = Canvas(size)
        self.recognizer, self.threshold, self.save_dir = recognizer, threshold, Path(save_dir)
        self.model_info, self.emit, self.clock = model_info, emit, clock
        self.prediction: Prediction | None = None  # the digit drawn last, shown in the panel
        self.items: list[tuple[Box, Prediction]] = []  # every digit drawn, left to right
        self.input28 = np.zeros((28, 28), np.uint8)
        self.message = "draw a digit"
        self.notes: list[str] = list(HELP)
        self.quit = False
        self.fullscreen = False
        self._last_live = -1e9

    def on_mouse(self, event: int, x: int, y: int, flags: int = 0, param: Any = None) -> None:
        if self.canvas.on_mouse(event, x, y) and self.clock() - self._last_live >= LIVE_INTERVAL_S:
            self._last_live = self.clock()
            self.predict(live=True)
        if event == cv2.EVENT_LBUTTONUP:
            self.predict(live=True)

    def on_key(self, key: int) -> None:
        if key < 0:
            return
        char = chr(key & 0xFF).lower() if key & 0xFF < 128 else ""
        if key & 0xFF == KEY_ESC or char == "q":
            self.quit = True
        elif char == "p":
            self.predict(live=False)
        elif char == "c":
            self.canvas.clear()
            self.prediction, self.input28, self.items = None, np.zeros((28, 28), np.uint8), []
            self.message = "cleared"
        elif char == "u":
            self.canvas.undo()
            self.predict(live=True)
        elif char == "s":
            self.save()
        elif char == "i":
            self.notes = self.model_info + [f"latency: {self.recognizer.mean_latency_ms or 0:.2f} ms mean"]
        elif char == "h":
            self.notes = [] if self.notes == list(HELP) else list(HELP)
        elif char == "f":
            self.fullscreen = not self.fullscreen

    def predict(self, live: bool) -> None:
        """Read every digit drawn, in one batch; the panel shows the one drawn last."""
        # Points, colons and signs between digits (3.14, 12:30, 2+3=5) are left out, as on paper.
        groups = self.canvas.digits()
        tallest = max((self.canvas.height(group) for group in groups), default=0)
        strokes = [[self.canvas.strokes[i] for i in group] for group in groups]
        groups = [group for group, lines in zip(groups, strokes)
                  if not marks.drawn_sign(lines) and not marks.drawn_mark(lines, self.canvas.brush, tallest)]
        drawings = [self.canvas.render(group) for group in groups]
        inputs = [to_mnist(drawing, light_ink=True) for drawing in drawings]
        drawn = [i for i, input28 in enumerate(inputs) if input28.any()]
        if not drawn:
            self.prediction, self.input28, self.items = None, np.zeros((28, 28), np.uint8), []
            self.message = "no digit drawn" if self.canvas.strokes else "nothing drawn"
            return
        predictions = self.recognizer.predict([inputs[i] for i in drawn])
        self.items = [(_ink_box(drawings[i]), p) for i, p in zip(drawn, predictions)]
        newest = len(self.canvas.strokes) - 1
        last = next((k for k, i in enumerate(drawn) if newest in groups[i]), len(drawn) - 1)
        self.prediction, self.input28 = predictions[last], inputs[drawn[last]]
        self.message = f"{'live' if live else 'predicted'} in {self.recognizer.last_ms:.1f} ms"
        self.emit({"event": "predict", "digit": self.prediction.digit if self.prediction.sure(self.threshold)
                   else None, "confidence": round(self.prediction.confidence, 4),
                   "probabilities": [round(float(p), 4) for p in self.prediction.probabilities],
                   "number": self.number(),
                   "digits": [{"digit": p.digit, "confidence": round(p.confidence, 4), "box": list(box),
                               "sure": p.sure(self.threshold)} for box, p in self.items],
                   "latency_ms": round(self.recognizer.last_ms, 3), "live": live})

    def number(self) -> str:
        """The digits drawn, left to right; unsure ones as '?'."""
        return "".join(p.label(self.threshold) for _, p in self.items)

    def save(self) -> list[Path]:
        if self.canvas.empty:
            self.message = "nothing drawn"
            return []
        if self.prediction is None:
            self.predict(live=False)
        record = {"number": self.number(), "digit": self.prediction.digit if self.prediction else None,
                  "confidence": self.prediction.confidence if self.prediction else None,
                  "probabilities": [float(p) for p in self.prediction.probabilities] if self.prediction else None,
                  "threshold": self.threshold, "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        paths, error = try_save(self.save_dir, "digit", {"-drawing": self.canvas.render(), "-input28": self.input28},
                                record)
        if error:
            self.message = error
        else:
            self.message = f"saved to {self.save_dir}"
            self.emit({"event": "save", "files": [str(p) for p in paths]})
        return paths

    def picture(self) -> np.ndarray:
        """The whole window: the canvas on the left, the panel on the right."""
        drawing = cv2.cvtColor(self.canvas.render(), cv2.COLOR_GRAY2BGR)
        if len(self.items) > 1:  # a number: each digit's box and reading, and the number below
            overlay.draw_detections(drawing, self.items, self.threshold)
            overlay.draw_number(drawing, self.number())
        panel = overlay.side_panel(self.canvas.size, self.input28, self.prediction, self.threshold, self.message,
                                   self.notes)
        return np.hstack([drawing, panel])


def _ink_box(drawing: np.ndarray) -> Box:
    ys, xs = np.nonzero(drawing)
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)
