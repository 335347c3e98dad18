"""Keras `.keras` files on desktops: the seed's format, and the reference for conversion checks.

Calls the model directly (`model(x)`), never `model.predict`, which costs tens of
milliseconds per call even for a tiny network.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from digitcam.edge import contract
from digitcam.edge.backends.base import Backend
from digitcam.errors import MissingDependency, ModelError
from digitcam.native_stderr import import_tensorflow


def load_keras_model(path: str | os.PathLike, strict: bool = False):
    """Load a .keras file and check it against the contract; ModelError names the file and fault.

    `strict` demands exactly (28, 28, 1) input, as conversion does.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    hint = "the .keras format runs on desktops; on a device use the .tflite or .onnx files"
    import_tensorflow(hint)
    try:
        import keras
    except ImportError:
        raise MissingDependency("keras", "train", hint) from None
    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as error:  # Keras raises ValueError, OSError, zipfile errors, ... for bad files
        raise ModelError(f"{path}: not a loadable Keras model ({type(error).__name__})") from None
    contract.check_shapes(str(path), model.input_shape, model.output_shape)
    if strict and tuple(model.input_shape[1:]) != contract.INPUT_SHAPE:
        raise ModelError(f"{path}: input shape {list(model.input_shape[1:])} is not {list(contract.INPUT_SHAPE)}")
    return model


class KerasBackend(Backend):
    name = "keras"

    def _load(self) -> None:
        if self.threads:
            import tensorflow as tf

            try:
                tf.config.threading.set_intra_op_parallelism_threads(self.threads)
                tf.config.threading.set_inter_op_parallelism_threads(1)
            except RuntimeError:  # already initialised by an earlier model in this process
                pass
        self.model = load_keras_model(self.path)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return np.asarray(self.model(batch.astype(np.float32), training=False))
