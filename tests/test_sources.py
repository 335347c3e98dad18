"""Sources at the hardware boundary: Picamera2 through a fake module, a webcam that drops out."""

from __future__ import annotations

import logging
import os
import sys
import types

import cv2
import numpy as np
import pytest

from digitcam.edge.sources import open_source
from digitcam.edge.sources.camera import Backoff, Camera
from digitcam.errors import DeviceError, MissingDependency


class FakePicamera2:
    """Enough of Picamera2 for our source: a YUV420 lores stream with a stride wider than the width."""

    instances: list["FakePicamera2"] = []

    def __init__(self, camera_num=0):
        self.config = None
        self.started = self.closed = False
        self.frames = 0
        FakePicamera2.instances.append(self)

    def create_video_configuration(self, main=None, lores=None, controls=None, buffer_count=4):
        return {"main": main, "lores": lores, "controls": controls}

    def configure(self, config):
        if config["lores"]["format"] != "YUV420":
            raise RuntimeError("lores stream must be YUV")  # what a Pi 4 says
        self.config = config

    def start(self):
        self.started = True

    def capture_array(self, name="main"):
        assert name == "lores" and self.started
        w, h = self.config["lores"]["size"]
        stride = w + 64
        buffer = np.full((h * 3 // 2, stride), 128, np.uint8)
        buffer[:h, :w] = np.arange(w, dtype=np.uint8)[None, :]  # a recognisable Y plane
        buffer[:h, w:] = 7  # stride padding that must not leak into the image
        self.frames += 1
        return buffer

    def stop(self):
        self.started = False

    def close(self):
        self.closed = True


@pytest.fixture
def fake_picamera2(monkeypatch):
    module = types.ModuleType("picamera2")
    module.Picamera2 = FakePicamera2
    monkeypatch.setitem(sys.modules, "picamera2", module)
    FakePicamera2.instances.clear()
    return FakePicamera2


def test_picamera_reads_the_y_plane_of_the_lores_stream(fake_picamera2):
    with open_source("picamera", 320, 240) as source:
        frame = source.read()
        camera = fake_picamera2.instances[0]
        assert camera.config["lores"] == {"size": (320, 240), "format": "YUV420"}
        assert camera.config["controls"]["FrameRate"] == 30.0
    assert frame.image.shape == (240, 320, 3)
    np.testing.assert_array_equal(frame.image[0, :, 0], np.arange(320, dtype=np.uint8))
    assert camera.closed and not camera.started


def test_missing_picamera2_names_the_system_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)  # import fails as on a plain venv
    with pytest.raises(MissingDependency, match="python3-picamera2.*--system-site-packages"):
        open_source("picamera").open()


def test_libcamera_is_asked_for_its_errors_only_unless_told_otherwise(fake_picamera2, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="digitcam")
    monkeypatch.setenv("LIBCAMERA_LOG_LEVELS", "")
    monkeypatch.delenv("LIBCAMERA_LOG_LEVELS")  # restored to the test's own environment afterwards
    with open_source("picamera", 320, 240):
        assert os.environ["LIBCAMERA_LOG_LEVELS"] == "*:ERROR"
    monkeypatch.setenv("LIBCAMERA_LOG_LEVELS", "*:INFO")
    with open_source("picamera", 320, 240):
        assert os.environ["LIBCAMERA_LOG_LEVELS"] == "*:INFO"


def test_picamera_run_end_to_end(fake_picamera2, cli, shipped_models):
    result = cli("run", "--model", shipped_models, "--source", "picamera", "--headless", "--json",
                 "--max-frames", "3")
    assert result.status == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3


class FlakyCapture:
    """A webcam that delivers two frames, drops out for two reopen attempts, then comes back."""

    opened = 0

    def __init__(self, *args):
        FlakyCapture.opened += 1
        self.index = FlakyCapture.opened
        self.reads = 0

    def isOpened(self):
        return self.index not in (2, 3)

    def set(self, *args):
        return True

    def get(self, prop):
        return {cv2.CAP_PROP_FRAME_WIDTH: 640, cv2.CAP_PROP_FRAME_HEIGHT: 480}.get(prop, 0)

    def read(self):
        self.reads += 1
        if self.index == 1 and self.reads > 2:
            return False, None
        return True, np.zeros((480, 640, 3), np.uint8)

    def release(self):
        pass


def test_a_webcam_that_drops_out_is_reopened_with_backoff(monkeypatch, caplog):
    FlakyCapture.opened = 0
    monkeypatch.setattr(cv2, "VideoCapture", FlakyCapture)
    camera = Camera(0).open()
    camera.backoff = Backoff(first=0.001, ceiling=0.004)
    frames = [camera.read() for _ in range(4)]
    assert all(f is not None for f in frames) and [f.index for f in frames] == [0, 1, 2, 3]
    assert FlakyCapture.opened == 4  # first open, two failed reopens, one good
    attempts = [r for r in caplog.records if "reopening" in r.getMessage()]
    assert len(attempts) == 3 and "attempt 3" in attempts[-1].getMessage()


def test_a_missing_webcam_is_our_one_line_without_opencv_warnings(capfd):
    level = cv2.utils.logging.getLogLevel()
    with pytest.raises(DeviceError, match="/dev/video97: cannot open the camera"):
        Camera(97, retry=False).open()
    assert "WARN" not in capfd.readouterr().err
    assert cv2.utils.logging.getLogLevel() == level


def test_backoff_grows_and_resets():
    backoff = Backoff(first=0.5, ceiling=4)
    assert [backoff.next_delay() for _ in range(6)] == [0.5, 1, 2, 4, 4, 4]
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_a_stop_request_ends_a_reconnect_wait(monkeypatch):
    class Dead(FlakyCapture):
        def isOpened(self):
            return self.index == 1

        def read(self):
            return False, None

    monkeypatch.setattr(cv2, "VideoCapture", Dead)
    FlakyCapture.opened = 0
    camera = Camera(0).open()
    camera.stopping.set()
    assert camera.read() is None and not camera.healthy


def test_an_unopenable_webcam_is_a_device_error(monkeypatch):
    monkeypatch.setattr(cv2, "VideoCapture", type("Never", (FlakyCapture,), {"isOpened": lambda self: False}))
    with pytest.raises(DeviceError, match="/dev/video3"):
        Camera(3).open()


@pytest.mark.parametrize("suffix, transparent", [(".png", False), (".png", True), (".webp", False), (".webp", True),
                                                 (".jpg", False)])
@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_a_picture_is_read_upright_as_its_exif_orientation_says(tmp_path, suffix, transparent, orientation):
    """A phone stores a photo as the sensor saw it and says how to turn it. PNG and WebP were
    decoded as they are stored (to keep a drawing's transparency), and read sideways."""
    from PIL import Image

    from digitcam.edge.sources.files import read_image

    rgb = np.full((40, 80, 3), 255, np.uint8)
    rgb[5:15, 5:30] = (0, 0, 200)  # a blue block near the top left corner, as stored
    pixels = np.dstack([rgb, np.full((40, 80), 255, np.uint8)]) if transparent else rgb
    if transparent:
        pixels[30:, 60:, 3] = 0
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"photo{suffix}"
    Image.fromarray(pixels, "RGBA" if transparent else "RGB").save(
        path, exif=exif.tobytes(), **({"lossless": True} if suffix == ".webp" else {}))
    image = read_image(path)
    # Where the block lands: turned 180 degrees (3), a quarter clockwise (6) or anticlockwise (8).
    rows, cols = np.nonzero((image[..., 0] > 150) & (image[..., 2] < 80))
    expected = {1: (10, 17), 3: (29, 62), 6: (17, 29), 8: (62, 10)}[orientation]
    assert image.shape[:2] == ((40, 80) if orientation in (1, 3) else (80, 40))
    assert abs(rows.mean() - expected[0]) < 2 and abs(cols.mean() - expected[1]) < 2
