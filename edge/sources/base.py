"""What every frame source is: something that hands out frames until it runs dry."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass
class Frame:
    image: np.ndarray  # BGR or grayscale uint8
    index: int
    name: str  # the file name for folder sources, else the source name


class Source(ABC):
    """A camera, a file or a folder. `read` returns None when the source is finished."""

    live: bool = False  # live sources get temporal smoothing and retries
    stills: bool = False  # each frame a picture of its own (a file): maybe of one digit, as `predict` reads it

    def __init__(self, name: str) -> None:
        self.name = name
        # Set by the app on SIGTERM: a source waiting to reconnect gives up at once.
        self.stopping = threading.Event()
        # False while a live source is failing; the watchdog is fed only while True.
        self.healthy = True

    def open(self) -> "Source":
        """Acquire the device or file; DeviceError or DataError explain a failure in one line."""
        return self

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None at the end."""

    def close(self) -> None:
        """Release the device; safe to call twice."""

    def __enter__(self) -> "Source":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self):
        while (frame := self.read()) is not None:
            yield frame
