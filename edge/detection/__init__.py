"""Finding digits: where the ink of each digit is in a camera frame or a still picture.

`detect.find_digits` reads a camera frame, `pictures.find_in_picture` a still picture; both
return `Detection`s, which `reading.read` turns into digits. The other modules are the rules
they call, one concern each: the sheet and its light (`page`, `sheet`, `shadow`, `bands`),
levelling (`skew`), what is not a digit (`boxes`, `textlines`, `marks`, `pens`), digits that
touch (`touching`), a second look at small ones (`closer`), ground round a picture whose
ink runs off its edge (`margin`), and the blobs of a mask (`components`).
"""

from __future__ import annotations

from digitcam.edge.detection.detect import Box, DetectConfig, Detection, find_digits
from digitcam.edge.detection.pictures import find_in_picture, one_digit

__all__ = ["Box", "DetectConfig", "Detection", "find_digits", "find_in_picture", "one_digit"]
