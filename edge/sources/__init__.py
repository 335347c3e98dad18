"""Frame sources behind one small interface, and the factory that reads `--source`."""

from __future__ import annotations

from pathlib import Path

from digitcam.edge.sources.base import Frame, Source
from digitcam.errors import DataError, UsageError

__all__ = ["Frame", "Source", "open_source", "is_live_spec"]


def open_source(spec: str, width: int = 640, height: int = 480, fps: float = 30.0) -> Source:
    """A source from `--source`: camera[:N], picamera, synthetic[:SEED], a video, an image or a folder."""
    name, _, arg = spec.partition(":")
    if name == "camera":
        from digitcam.edge.sources.camera import Camera

        try:
            index = int(arg or 0)
        except ValueError:
            raise UsageError(f"--source {spec}: the camera index must be a number, e.g. camera:0") from None
        return Camera(index, width, height)
    if name == "picamera":
        from digitcam.edge.sources.picamera import PiCamera

        return PiCamera(width, height, fps, camera=int(arg or 0))
    if name == "synthetic":
        from digitcam.edge.sources.synthetic import SyntheticSource

        return SyntheticSource(seed=int(arg or 0), size=(width, height))
    from digitcam.edge.sources.files import ImageFile, ImageFolder, VideoFile, is_image

    path = Path(spec)
    if path.is_dir():
        return ImageFolder(path)
    if not path.exists():
        raise DataError(f"{path}: no such file, folder or source (use draw, camera[:N], picamera, synthetic)")
    if is_image(path):
        return ImageFile(path)
    return VideoFile(path)


def is_live_spec(spec: str) -> bool:
    return spec.partition(":")[0] in ("camera", "picamera", "synthetic")
