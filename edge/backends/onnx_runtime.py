"""ONNX Runtime for .onnx files (the `onnx` extra)."""

from __future__ import annotations

import numpy as np

from digitcam.edge import contract
from digitcam.edge.backends.base import Backend
from digitcam.errors import MissingDependency, ModelError


class OnnxRuntimeBackend(Backend):
    name = "onnxruntime"

    def _load(self) -> None:
        try:
            import onnxruntime as ort
        except ImportError:
            raise MissingDependency("onnxruntime", "onnx") from None
        options = ort.SessionOptions()
        options.log_severity_level = 3
        if self.threads:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own exception types for bad files
            raise ModelError(f"{self.path}: not a loadable ONNX model ({type(error).__name__})") from None
        inp, out = self.session.get_inputs()[0], self.session.get_outputs()[0]
        contract.check_shapes(str(self.path), inp.shape, out.shape)
        self._input = inp.name
        self._dtype = np.uint8 if "uint8" in inp.type else np.float32

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self._input: batch.astype(self._dtype)})[0]
