"""OpenCV's DNN module for .onnx files: no extra dependency on the device beyond OpenCV."""

from __future__ import annotations

import numpy as np

from digitcam.edge import contract
from digitcam.edge.backends.base import Backend
from digitcam.errors import MissingDependency, ModelError


class OpenCVBackend(Backend):
    name = "opencv"

    def _load(self) -> None:
        try:
            import cv2
        except ImportError:
            raise MissingDependency("opencv-python", "edge") from None
        self.cv2 = cv2
        if self.threads:
            cv2.setNumThreads(self.threads)
        try:
            self.net = cv2.dnn.readNetFromONNX(str(self.path))
        except cv2.error as error:
            raise ModelError(f"{self.path}: OpenCV DNN cannot load it ({str(error).strip().splitlines()[-1][:80]})") \
                from None
        if self.net.empty():
            raise ModelError(f"{self.path}: OpenCV DNN loaded an empty network")
        probe = self._run(np.zeros((1, *contract.INPUT_SHAPE), np.uint8))
        contract.check_shapes(str(self.path), (1, *contract.INPUT_SHAPE), probe.shape)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        # The tf2onnx graph keeps Keras' NHWC input and transposes inside.
        self.net.setInput(batch.astype(np.float32))
        return np.asarray(self.net.forward()).reshape(len(batch), -1)
