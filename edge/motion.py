"""Whether a live frame shows anything new since the last frame digits were looked for in.

A camera over a sheet on a desk sends the same picture thirty times a second, with only sensor
noise between frames. Finding digits costs 12 ms a frame on our 2-core x86 machine (`digitcam
bench`) and more on a Raspberry Pi; done on every frame, it keeps a core busy and the board hot
for nothing. Frames that match the one
last looked at are given that frame's reading again (the tracker still sees every frame).

Frames are compared small (THUMB_SIDE px on their longer side, area-averaged, which averages
sensor noise away): a hand or a pen moving, the light changing, or a new stroke as thin as
2 px at 640x480 all show; a sheet lying still does not. However still it lies, it is looked at
anew at least every REFRESH frames.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitcam.edge.preprocess import to_gray

THUMB_SIDE = 160  # px: a 640x480 frame at a quarter of its size
# Grey levels: the mean difference over the whole thumbnail (the light changing, the camera
# moving), and the largest at any one of its pixels (a pen stroke 2 px wide at 640x480 covers
# half of one and darkens it by 25 levels or more, pencil included). Sensor noise, averaged over
# the 16 pixels of one, stays under both even in a dim room (noise of 10 levels a pixel gives a
# mean of 1.9 and a largest of 10). A lighter stroke is seen at the next refresh.
MEAN_CHANGE = 2.5
SPOT_CHANGE = 20
REFRESH = 30  # frames: one second at 30 fps


class MotionGate:
    """Says, frame by frame, whether digits must be looked for again."""

    def __init__(self, refresh: int = REFRESH) -> None:
        self.refresh = refresh
        self._seen: np.ndarray | None = None  # the thumbnail of the frame last looked at
        self._shape: tuple[int, ...] = ()  # and its shape: boxes are in its pixels
        self._since = 0

    def changed(self, image: np.ndarray) -> bool:
        """Whether `image` differs from the frame last looked at; True also means "look now",
        and that frame becomes the one compared with."""
        thumb = _thumbnail(image)
        self._since += 1
        if self._seen is not None and image.shape == self._shape and self._since < self.refresh:
            difference = cv2.absdiff(thumb, self._seen)
            if float(difference.mean()) < MEAN_CHANGE and int(difference.max()) < SPOT_CHANGE:
                return False
        self._seen, self._shape, self._since = thumb, image.shape, 0
        return True


def _thumbnail(image: np.ndarray) -> np.ndarray:
    gray = to_gray(image)  # first: a third of the pixels to shrink
    scale = min(1.0, THUMB_SIDE / max(gray.shape))
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
