"""LiteRT (the TFLite interpreter) for .tflite files, quantized or float.

Import order: ai_edge_litert (current wheels, aarch64 and x86-64), tflite_runtime
(stopped at 2.14, still on some Pis), then TensorFlow's copy on desktops.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any, Iterator

import numpy as np

from digitcam.edge import contract
from digitcam.edge.backends.base import Backend
from digitcam.errors import MissingDependency, ModelError
from digitcam.native_stderr import held

log = logging.getLogger(__name__)


def interpreter_class() -> tuple[type, str]:
    try:
        from ai_edge_litert.interpreter import Interpreter

        return Interpreter, "ai_edge_litert"
    except ImportError:
        pass
    try:
        from tflite_runtime.interpreter import Interpreter

        return Interpreter, "tflite_runtime"
    except ImportError:
        pass
    try:
        import tensorflow as tf

        return tf.lite.Interpreter, "tensorflow"
    except ImportError:
        raise MissingDependency("ai-edge-litert", "edge", "the TFLite interpreter") from None


@contextlib.contextmanager
def native_stderr_logged() -> Iterator[None]:
    """Send what the interpreter's C++ side prints while the block runs to this module's log.

    LiteRT writes "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." straight to file
    descriptor 2, past Python's logging, and has no switch for it: `digitcam info` and the
    service's journal would carry it on every start. INFO lines go to debug, anything else
    stays visible as a warning.
    """
    lines: list[str] = []
    try:
        with held() as lines:
            yield
    finally:
        for line in lines:
            (log.debug if line.startswith("INFO: ") else log.warning)("%s", line.rstrip("\n"))


def quantize(x: np.ndarray, dtype: np.dtype, scale: float, zero_point: int) -> np.ndarray:
    """Float values to the integer tensor type, with the model's own scale and zero point."""
    info = np.iinfo(dtype)
    return np.clip(np.rint(x / scale + zero_point), info.min, info.max).astype(dtype)


def dequantize(q: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    return (q.astype(np.float32) - zero_point) * scale


class LiteRTBackend(Backend):
    name = "litert"

    def _load(self) -> None:
        Interpreter, self.runtime = interpreter_class()
        try:
            with native_stderr_logged():
                self.interpreter = Interpreter(model_path=str(self.path), num_threads=self.threads)
                self.interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as error:
            raise ModelError(f"{self.path}: not a loadable TFLite model ({str(error).splitlines()[0][:80]})") from None
        self._in = self.interpreter.get_input_details()[0]
        self._out = self.interpreter.get_output_details()[0]
        contract.check_shapes(str(self.path), self._in["shape"], self._out["shape"])
        self._batch = int(self._in["shape"][0])

    def _resize(self, n: int) -> None:
        if n != self._batch:
            self.interpreter.resize_tensor_input(self._in["index"], [n, *contract.INPUT_SHAPE])
            self.interpreter.allocate_tensors()
            self._in = self.interpreter.get_input_details()[0]
            self._out = self.interpreter.get_output_details()[0]
            self._batch = n

    def _run(self, batch: np.ndarray) -> np.ndarray:
        self._resize(len(batch))
        dtype = self._in["dtype"]
        scale, zero_point = self._in["quantization"]
        if np.issubdtype(dtype, np.integer) and scale:
            if dtype == np.uint8 and scale == 1.0 and zero_point == 0:
                x = batch  # raw pixels are already the quantized input
            else:
                x = quantize(batch.astype(np.float32), dtype, scale, zero_point)
        else:
            x = batch.astype(dtype)
        self.interpreter.set_tensor(self._in["index"], x.reshape(self._in["shape"]))
        self.interpreter.invoke()
        y = self.interpreter.get_tensor(self._out["index"])
        out_scale, out_zero = self._out["quantization"]
        if np.issubdtype(y.dtype, np.integer) and out_scale:
            y = dequantize(y, out_scale, out_zero)
        return y

    def describe(self) -> dict[str, Any]:
        scale, zero_point = self._in["quantization"]
        return {**super().describe(), "runtime": self.runtime, "input_dtype": np.dtype(self._in["dtype"]).name,
                "input_scale": float(scale), "input_zero_point": int(zero_point),
                "output_dtype": np.dtype(self._out["dtype"]).name}

    def io_details(self) -> dict[str, Any]:
        """Input and output tensor type and quantization, as the manifest records them."""
        def side(d: dict) -> dict[str, Any]:
            scale, zero_point = d["quantization"]
            return {"dtype": np.dtype(d["dtype"]).name, "scale": float(scale), "zero_point": int(zero_point)}

        return {"input": side(self._in), "output": side(self._out)}
