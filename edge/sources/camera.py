"""USB webcams (any V4L2 device) through cv2.VideoCapture, with reconnection."""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Iterator

import cv2

from digitcam.edge.sources.base import Frame, Source
from digitcam.errors import DeviceError

log = logging.getLogger(__name__)


class Backoff:
    """Waits that grow 0.5 s, 1 s, 2 s ... up to `ceiling`, reset after a success."""

    def __init__(self, first: float = 0.5, ceiling: float = 8.0) -> None:
        self.first, self.ceiling = first, ceiling
        self.attempt = 0

    def next_delay(self) -> float:
        delay = min(self.ceiling, self.first * 2 ** self.attempt)
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


@contextlib.contextmanager
def opencv_errors_only() -> Iterator[None]:
    """OpenCV's own warnings held back: a camera that is missing or gone gets two of them on
    every attempt to open it, and our one line (or the reconnect warning) already says so.
    `--debug` shows them."""
    if log.isEnabledFor(logging.DEBUG):
        yield
        return
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(level)


class Camera(Source):
    """A V4L2 camera; a camera that stops delivering is reopened with back-off, forever."""

    live = True

    def __init__(self, index: int = 0, width: int = 640, height: int = 480, retry: bool = True) -> None:
        super().__init__(f"camera:{index}")
        self.index, self.width, self.height, self.retry = index, width, height, retry
        self.capture = None
        self.backoff = Backoff()
        self._count = 0

    def _open_capture(self):
        api = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
        with opencv_errors_only():
            capture = cv2.VideoCapture(self.index, api)
        if not capture.isOpened():
            capture.release()
            return None
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
        got = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        if got != (self.width, self.height):
            log.info("%s: asked for %dx%d, the camera gives %dx%d", self.name, self.width, self.height, *got)
        return capture

    def open(self) -> "Camera":
        self.capture = self._open_capture()
        if self.capture is None:
            raise DeviceError(f"/dev/video{self.index}: cannot open the camera (is it plugged in, "
                              f"in use by another program, and is this user in the 'video' group?)")
        self.healthy = True
        return self

    def read(self) -> Frame | None:
        while True:
            ok, image = (False, None) if self.capture is None else self.capture.read()
            if ok:
                self.backoff.reset()
                self.healthy = True
                self._count += 1
                return Frame(image, self._count - 1, self.name)
            self.healthy = False
            if not self.retry or self.stopping.is_set():
                return None
            delay = self.backoff.next_delay()
            log.warning("%s: no frame; reopening in %.1f s (attempt %d)", self.name, delay, self.backoff.attempt)
            if self.capture is not None:
                self.capture.release()
            if self.stopping.wait(delay):
                return None
            self.capture = self._open_capture()

    def close(self) -> None:
        if self.capture is not None:
            self.capture.release()
            self.capture = None
