"""The runtime loop: a source, the detector, one batched inference, smoothing, overlays, outputs.

`FramePipeline` is the per-frame work (no I/O), `run_stream` drives it over a source
with a window or headless, `run_canvas` drives the drawing canvas.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO

import cv2
import numpy as np

from digitcam import atomic
from digitcam.edge import overlay
from digitcam.edge.detection import Box, detect, find_in_picture
from digitcam.edge.motion import MotionGate
from digitcam.edge.notify import Notifier
from digitcam.edge.reading import FrameResult, read
from digitcam.edge.recognizer import DEFAULT_THRESHOLD, Recognizer
from digitcam.edge.sources.base import Frame, Source
from digitcam.edge.tracking import Tracker
from digitcam.edge.window import NullWindow

log = logging.getLogger(__name__)


@dataclass
class RunOptions:
    mode: str = "multi"  # or "center"
    roi: Box | None = None
    threshold: float = DEFAULT_THRESHOLD
    json: bool = False
    changes_only: bool = False  # with json: a line for the first frame, then when the number changes
    save_video: Path | None = None
    save_frames: Path | None = None
    save_dir: Path = Path("saved")
    max_frames: int | None = None
    fullscreen: bool = False
    smooth: bool = True
    every_frame: bool = False  # live sources: look for digits in every frame, not only when it changed


class FramePipeline:
    """Everything done to one frame besides capturing it."""

    def __init__(self, recognizer: Recognizer, options: RunOptions, tracker: Tracker | None = None,
                 stills: bool = False, motion: MotionGate | None = None) -> None:
        self.recognizer, self.options, self.tracker = recognizer, options, tracker
        self.config = detect.DetectConfig()
        self.stills = stills  # frames are pictures of their own: a crop of one digit is read as one
        self.motion = motion  # live sources: a frame like the last one looked at is read as it was
        self._last: FrameResult | None = None
        self.looked = 0  # frames digits were looked for in

    def roi_for(self, image: np.ndarray) -> Box | None:
        if self.options.mode != "center":
            return None
        return self.options.roi or detect.centre_roi(image.shape[1], image.shape[0])

    def process(self, image: np.ndarray) -> FrameResult:
        t0 = time.perf_counter()
        if self.motion is not None and not self.motion.changed(image) and self._last is not None:
            # A new result around the same lists: tracking below replaces `items`, never edits it.
            result = FrameResult(self._last.items, self._last.inputs,
                                 {"detect": (time.perf_counter() - t0) * 1e3, "preprocess": 0.0, "inference": 0.0})
        else:
            result = self._look(image, t0)
        if self.tracker is not None:
            result.items = self.tracker.update([b for b, _ in result.items], [p for _, p in result.items])
        return result

    def _look(self, image: np.ndarray, t0: float) -> FrameResult:
        """Find and read the digits of a frame, as they are before tracking."""
        self.looked += 1
        roi = self.roi_for(image)
        if self.stills and roi is None:
            found = find_in_picture(image)
        else:
            found = detect.find_digits(image, self.config, roi=roi)
        if self.options.mode == "center":
            found = detect.largest(found)
        detect_ms = (time.perf_counter() - t0) * 1e3
        result = read(found, self.recognizer)
        result.stages_ms = {"detect": detect_ms, **result.stages_ms}
        self._last = FrameResult(result.items, result.inputs)
        return result

    def step(self, source: Source, draw: bool, fps: float = 0.0) -> tuple[Frame, FrameResult, np.ndarray | None] | None:
        """Capture one frame and do all its work, timing every stage; None when the source ends."""
        t0 = time.perf_counter()
        frame = source.read()
        if frame is None:
            return None
        capture_ms = (time.perf_counter() - t0) * 1e3
        result = self.process(frame.image)
        result.stages_ms = {"capture": capture_ms, **result.stages_ms}
        annotated = self.draw(frame.image, result, fps) if draw else None
        result.stages_ms["total"] = (time.perf_counter() - t0) * 1e3
        return frame, result, annotated

    def draw(self, image: np.ndarray, result: FrameResult, fps: float) -> np.ndarray:
        t0 = time.perf_counter()
        canvas = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        canvas = canvas.copy()
        roi = self.roi_for(canvas)
        if roi is not None:
            overlay.draw_guide(canvas, roi)
        overlay.draw_detections(canvas, result.items, self.options.threshold)
        overlay.draw_number(canvas, result.number(self.options.threshold))
        result.stages_ms["overlay"] = (time.perf_counter() - t0) * 1e3
        overlay.draw_hud(canvas, fps, {k: v for k, v in result.stages_ms.items()})
        return canvas


def frame_record(frame: Frame, result: FrameResult, threshold: float) -> dict[str, Any]:
    """One line of `--json` output."""
    return {
        "frame": frame.index, "source": frame.name,
        "digits": [{"digit": p.digit, "confidence": round(p.confidence, 4), "box": [int(v) for v in box],
                    "sure": p.sure(threshold)} for box, p in result.items],
        "number": result.number(threshold),
        "latency_ms": {k: round(v, 3) for k, v in result.stages_ms.items()},
    }


class StopFlag:
    """Set by SIGTERM / SIGINT: the loop finishes its frame, then leaves cleanly."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __bool__(self) -> bool:
        return self.event.is_set()

    @contextmanager
    def installed(self, source: Source | None = None) -> Iterator["StopFlag"]:
        def handler(signum, _frame):
            log.info("signal %d: stopping after this frame", signum)
            self.event.set()
            if source is not None:
                source.stopping.set()

        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield self
        finally:
            for s, h in previous.items():
                signal.signal(s, h)


class VideoOut:
    """An annotated video, written to a temporary file and renamed into place only when complete."""

    def __init__(self, path: Path, fps: float) -> None:
        self.path, self.fps = Path(path), fps or 15.0
        self.writer = None
        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic.temporary_beside(self.path))

    def write(self, image: np.ndarray) -> None:
        if self.writer is None:
            h, w = image.shape[:2]
            self.writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*"mp4v"), self.fps, (w, h))
        self.writer.write(image)

    def close(self, complete: bool = True) -> None:
        """Finish the file; an incomplete run (a crash) leaves no video behind."""
        if self.writer is not None:
            self.writer.release()
            if complete:
                os.replace(self._tmp, self.path)
        self._stack.close()


def _fps(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0


def run_stream(source: Source, recognizer: Recognizer, options: RunOptions, stdout: TextIO,
               window: NullWindow | None = None, notifier: Notifier | None = None,
               on_frame: Callable[[Frame, FrameResult], None] | None = None) -> dict[str, Any]:
    """Process `source` until it ends, the user quits or a signal arrives; returns a summary."""
    window = window or NullWindow()
    notifier = notifier or Notifier({})
    pipeline = FramePipeline(recognizer, options, Tracker() if source.live and options.smooth else None,
                             stills=source.stills,
                             motion=MotionGate() if source.live and not options.every_frame else None)
    video = VideoOut(options.save_video, getattr(source, "fps", 15.0)) if options.save_video else None
    stop = StopFlag()
    stamps: list[float] = []
    totals: list[float] = []
    work: list[float] = []  # besides capture
    numbers: list[str] = []
    written: str | None = None  # the number in the last JSON line
    frames = 0
    complete = False
    with stop.installed(source):
        notifier.ready(f"reading {source.name}")
        try:
            wanted = video is not None or options.save_frames is not None or window.visible
            while not stop and (options.max_frames is None or frames < options.max_frames):
                stepped = pipeline.step(source, wanted, _fps(stamps))
                if stepped is None:
                    break
                frame, result, annotated = stepped
                stamps = (stamps + [time.perf_counter()])[-30:]
                totals.append(result.stages_ms["total"])
                work.append(result.stages_ms["total"] - result.stages_ms["capture"])
                frames += 1
                number = result.number(options.threshold)
                if number:
                    numbers.append(number)
                if options.json and not (options.changes_only and number == written):
                    stdout.write(json.dumps(frame_record(frame, result, options.threshold)) + "\n")
                    stdout.flush()
                    written = number
                if annotated is not None:
                    if video:
                        video.write(annotated)
                    if options.save_frames:
                        _save_frame(options.save_frames, frame, annotated)
                    window.show(annotated)
                if on_frame:
                    on_frame(frame, result)
                if source.healthy:
                    notifier.watchdog()
                key = window.key(1)
                if key in (27, ord("q")) or window.closed:
                    break
                if key == ord("f"):
                    options.fullscreen = not options.fullscreen
                    window.set_fullscreen(options.fullscreen)
            complete = True
        finally:
            notifier.stopping()
            source.close()
            if video:
                video.close(complete)
            window.close()
            stdout.flush()
    return {"frames": frames, "looked_at": pipeline.looked, "numbers": numbers,
            "median_total_ms": float(np.median(totals)) if totals else None,
            "p95_total_ms": float(np.percentile(totals, 95)) if totals else None,
            "median_work_ms": float(np.median(work)) if work else None,
            "stopped_by_signal": bool(stop)}


def _save_frame(folder: Path, frame: Frame, image: np.ndarray) -> None:
    ok, data = cv2.imencode(".png", image)
    name = f"{Path(frame.name).stem}-{frame.index:06d}.png" if frame.name else f"frame-{frame.index:06d}.png"
    try:
        atomic.write_bytes(Path(folder) / name, data.tobytes())
    except OSError as error:  # a full disk must not stop the camera loop
        log.error("cannot save %s: %s", Path(folder) / name, error.strerror or error)


def run_canvas(controller, window: NullWindow, notifier: Notifier | None = None) -> None:
    """The drawing canvas' event loop; returns on quit, a closed window or SIGTERM.

    It speaks the notify protocol too: the desktop unit is Type=notify like the service.
    """
    notifier = notifier or Notifier({})
    stop = StopFlag()
    window.on_mouse(controller.on_mouse)
    fullscreen = controller.fullscreen
    with stop.installed():
        notifier.ready("drawing canvas")
        try:
            while not controller.quit and not stop:
                window.show(controller.picture())
                controller.on_key(window.key(20))
                notifier.watchdog()
                if controller.fullscreen != fullscreen:
                    fullscreen = controller.fullscreen
                    window.set_fullscreen(fullscreen)
                if window.closed:
                    break
        finally:
            notifier.stopping()
            window.close()
