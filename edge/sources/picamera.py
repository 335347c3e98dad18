"""The Raspberry Pi camera through Picamera2, imported only here.

Frames come from the low-resolution stream as YUV420, which every Pi accepts (Pi 4 and
older require it for lores); the Y plane is the grayscale image, cut to the configured
width because its stride can be wider. Preview windows are never started: their Qt
clashes with the Qt inside pip's OpenCV.
"""

from __future__ import annotations

import logging
import os

import cv2
import numpy as np

from digitcam.edge.sources.base import Frame, Source
from digitcam.errors import DeviceError, MissingDependency

log = logging.getLogger(__name__)

# libcamera writes its INFO and WARN lines (its version, the sensor mode, tuning notes) to
# stderr each time the camera starts, past Python's logging; a service's journal gets its
# errors only, unless LIBCAMERA_LOG_LEVELS is set already or `--debug` asks for everything.
LIBCAMERA_LOG_LEVELS = "*:ERROR"
INSTALL_HINT = ("on Raspberry Pi OS: sudo apt install python3-picamera2, and create the virtual "
                "environment with --system-site-packages so it can see it")


def y_plane(yuv420: np.ndarray, width: int, height: int) -> np.ndarray:
    """The luminance rows of a YUV420 buffer (height * 3/2 rows of `stride` bytes)."""
    return np.ascontiguousarray(yuv420[:height, :width])


class PiCamera(Source):
    live = True

    def __init__(self, width: int = 640, height: int = 480, fps: float = 30.0, camera: int = 0) -> None:
        super().__init__("picamera")
        self.width, self.height, self.fps, self.camera_num = width, height, fps, camera
        self.camera = None
        self._count = 0

    def open(self) -> "PiCamera":
        if not log.isEnabledFor(logging.DEBUG):
            os.environ.setdefault("LIBCAMERA_LOG_LEVELS", LIBCAMERA_LOG_LEVELS)
        try:
            from picamera2 import Picamera2
        except ImportError:
            raise MissingDependency("picamera2", "pi", INSTALL_HINT) from None
        except ValueError as error:  # "numpy.dtype size changed": pip's NumPy against apt-built modules
            raise MissingDependency("a NumPy that matches the system's", "pi",
                                    f"picamera2 failed to import ({error}); reinstall with systemd/install.sh") \
                from None
        try:
            self.camera = Picamera2(self.camera_num)
            config = self.camera.create_video_configuration(
                main={"size": (self.width, self.height), "format": "YUV420"},
                lores={"size": (self.width, self.height), "format": "YUV420"},
                controls={"FrameRate": self.fps},
                buffer_count=4,
            )
            self.camera.configure(config)
            self.camera.start()
        except (RuntimeError, IndexError, OSError) as error:
            self.close()
            raise DeviceError(f"Pi camera {self.camera_num}: cannot start ({error}); check the ribbon cable "
                              f"and `rpicam-hello --list-cameras`") from None
        return self

    def read(self) -> Frame | None:
        try:
            yuv = self.camera.capture_array("lores")
        except RuntimeError as error:
            self.healthy = False
            log.warning("picamera: capture failed (%s)", error)
            return None
        self.healthy = True
        gray = y_plane(yuv, self.width, self.height)
        self._count += 1
        return Frame(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), self._count - 1, self.name)

    def close(self) -> None:
        if self.camera is not None:
            try:
                self.camera.stop()
                self.camera.close()
            finally:
                self.camera = None
