"""The OpenCV window, kept thin, and a null window for headless runs.

pip's OpenCV carries Qt with the xcb plugin only; on a Wayland desktop the window goes
through XWayland, so QT_QPA_PLATFORM defaults to xcb here.
"""

from __future__ import annotations

import os
from typing import Callable

import numpy as np

from digitcam.errors import DeviceError


class NullWindow:
    """Shows nothing; keys never come. Used headless and in tests."""

    closed = False
    visible = False

    def show(self, image: np.ndarray) -> None:
        pass

    def key(self, wait_ms: int = 1) -> int:
        return -1

    def on_mouse(self, callback: Callable) -> None:
        pass

    def set_fullscreen(self, on: bool) -> None:
        pass

    def close(self) -> None:
        pass


class Window(NullWindow):
    visible = True

    def __init__(self, title: str = "digitcam", fullscreen: bool = False) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
        import cv2

        self.cv2, self.title = cv2, title
        try:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
        except cv2.error as error:
            raise DeviceError(f"display {os.environ.get('DISPLAY', '(unset)')}: cannot open a window "
                              f"({str(error).strip().splitlines()[-1][:60]}); use --headless") from None
        self._shown = False
        self.set_fullscreen(fullscreen)

    def show(self, image: np.ndarray) -> None:
        if not self._shown:
            self.cv2.resizeWindow(self.title, image.shape[1], image.shape[0])
            self._shown = True
        self.cv2.imshow(self.title, image)

    def key(self, wait_ms: int = 1) -> int:
        return self.cv2.waitKey(wait_ms)

    @property
    def closed(self) -> bool:  # the user clicked the window's close button
        try:
            return self._shown and self.cv2.getWindowProperty(self.title, self.cv2.WND_PROP_VISIBLE) < 1
        except self.cv2.error:
            return True

    def on_mouse(self, callback: Callable) -> None:
        self.cv2.setMouseCallback(self.title, callback)

    def set_fullscreen(self, on: bool) -> None:
        mode = self.cv2.WINDOW_FULLSCREEN if on else self.cv2.WINDOW_NORMAL
        self.cv2.setWindowProperty(self.title, self.cv2.WND_PROP_FULLSCREEN, mode)

    def close(self) -> None:
        try:
            self.cv2.destroyWindow(self.title)
            self.cv2.waitKey(1)
        except self.cv2.error:
            pass
