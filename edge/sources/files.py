"""Image files, folders of images and video files: demos, tests and offline evaluation."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np

from digitcam.edge.sources.base import Frame, Source
from digitcam.errors import DataError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".pgm", ".ppm"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg"}


# Formats that may carry transparency; JPEG never does, and only IMREAD_COLOR applies its EXIF rotation.
ALPHA_SUFFIXES = {".png", ".webp", ".tif", ".tiff", ".gif"}
# Phones' own photo formats, which OpenCV's wheels do not decode: listed with the images, so
# that each one gets told what to do rather than left out unnoticed.
PHONE_FORMATS = {".heic": "an HEIC photo", ".heif": "an HEIF photo"}


def is_image(path: Path) -> bool:
    """Whether a file's name says it is a picture: one OpenCV reads, or a phone photo (to be
    named with what to do if it cannot be decoded)."""
    suffix = Path(path).suffix.lower()
    return suffix in IMAGE_SUFFIXES or suffix in PHONE_FORMATS


def image_files(folder: Path) -> list[Path]:
    """A folder's images (`is_image`) in file-name order."""
    return sorted(p for p in Path(folder).iterdir() if is_image(p))


def no_images(folder: Path) -> str:
    return f"{folder}: no images ({', '.join(sorted(IMAGE_SUFFIXES))})"


def why_unreadable(path: Path) -> str:
    """What to tell the user about a file that `read_image` could not decode."""
    kind = PHONE_FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        return "not a readable image"
    return f"{kind}, which OpenCV cannot decode: save it as JPEG or PNG (an iPhone takes JPEGs with " \
           "Settings > Camera > Formats > Most Compatible)"


def read_image(path: Path) -> np.ndarray | None:
    """Decode one image as 8-bit BGR, upright as its EXIF orientation says; None when it is not
    a readable image (the caller says so).

    A drawing saved with a transparent background keeps its strokes: it is laid on a
    ground that contrasts with them (white under dark strokes, black under light ones).
    """
    upright = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if upright is None or Path(path).suffix.lower() not in ALPHA_SUFFIXES:
        return upright
    raw = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if raw is None:
        return upright
    if raw.dtype == np.uint8 and (raw.ndim == 2 or raw.shape[2] == 3):
        return upright  # nothing that IMREAD_COLOR loses: no alpha, no depth
    # Read as it is, the image is not turned: it is turned as IMREAD_COLOR's copy of it is, told
    # by its colours (the alpha left out, as that copy leaves it).
    colour = _to_bgr8(raw[..., :3] if raw.ndim == 3 else raw)
    ways = [(flip, turns) for flip in (False, True) for turns in range(4)
            if _turned(colour, flip, turns).shape == upright.shape]
    if not ways:
        return _to_bgr8(raw)
    flip, turns = min(ways, key=lambda way: float(cv2.absdiff(_turned(colour, *way), upright).mean()))
    return _turned(_to_bgr8(raw), flip, turns)


def _turned(image: np.ndarray, flip: bool, turns: int) -> np.ndarray:
    """One of the eight ways EXIF allows: mirrored or not, then turned a quarter `turns` times."""
    return np.ascontiguousarray(np.rot90(image[:, ::-1] if flip else image, turns))


def _to_bgr8(image: np.ndarray) -> np.ndarray:
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return flatten_alpha(image)
    return image


def flatten_alpha(bgra: np.ndarray) -> np.ndarray:
    """Composite a BGRA image over white or black, whichever contrasts with its opaque pixels."""
    alpha = bgra[..., 3:].astype(np.float32) / 255
    bgr = bgra[..., :3].astype(np.float32)
    if float(alpha.min()) >= 1.0:
        return np.ascontiguousarray(bgra[..., :3])
    luma = bgr.mean(axis=2, keepdims=True)
    weight = float(alpha.sum())
    ground = 255.0 if weight == 0 or float((luma * alpha).sum()) / weight < 128 else 0.0
    return np.clip(bgr * alpha + ground * (1 - alpha), 0, 255).astype(np.uint8)


class ImageFolder(Source):
    """Every image in a folder, in sorted file-name order; unreadable files are skipped."""

    stills = True

    def __init__(self, folder: Path, files: list[Path] | None = None) -> None:
        super().__init__(str(folder))
        self.folder = Path(folder)
        self.files = files
        self._next = 0
        self._index = 0

    def open(self) -> "ImageFolder":
        if self.files is None:
            if not self.folder.is_dir():
                raise DataError(f"{self.folder}: no such folder")
            self.files = image_files(self.folder)
            if not self.files:
                raise DataError(no_images(self.folder))
        return self

    def read(self) -> Frame | None:
        assert self.files is not None, "open() first"
        while self._next < len(self.files):
            path = self.files[self._next]
            self._next += 1
            image = read_image(path)
            if image is not None:
                self._index += 1
                return Frame(image, self._index - 1, path.name)
            log.warning("%s: %s, skipped", path, why_unreadable(path))
        return None


class ImageFile(ImageFolder):
    """One image file, as a one-frame source."""

    def __init__(self, path: Path) -> None:
        super().__init__(Path(path).parent, [Path(path)])
        self.name = Path(path).name

    def open(self) -> "ImageFile":
        path = self.files[0]
        if not path.is_file():
            raise DataError(f"{path}: no such file")
        if cv2.imread(str(path), cv2.IMREAD_REDUCED_GRAYSCALE_8) is None:
            raise DataError(f"{path}: {why_unreadable(path)}")
        return self


class VideoFile(Source):
    """A video file decoded by OpenCV (FFmpeg inside the wheel)."""

    def __init__(self, path: Path) -> None:
        super().__init__(Path(path).name)
        self.path = Path(path)
        self.capture = None
        self._index = 0

    def open(self) -> "VideoFile":
        if not self.path.is_file():
            raise DataError(f"{self.path}: no such file")
        self.capture = cv2.VideoCapture(str(self.path))
        if not self.capture.isOpened():
            raise DataError(f"{self.path}: OpenCV cannot decode this video")
        return self

    @property
    def fps(self) -> float:
        return float(self.capture.get(cv2.CAP_PROP_FPS) or 0) if self.capture else 0.0

    def read(self) -> Frame | None:
        ok, image = self.capture.read()
        if not ok:
            return None
        self._index += 1
        return Frame(image, self._index - 1, self.name)

    def close(self) -> None:
        if self.capture is not None:
            self.capture.release()
            self.capture = None
