"""TFLite exporters: full-integer int8, float16 and float32.

Every exporter returns the file's bytes; writing, verifying and recording happen in
`digitcam.convert.pipeline`, so a failed export never leaves a file behind.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import warnings
from typing import Any, Iterator

import numpy as np

from digitcam.native_stderr import sifted

log = logging.getLogger(__name__)

METADATA_NAME = "digitcam"
INT8_INPUT_TYPES = ("int8", "uint8")


def _converter(model):
    import tensorflow as tf

    return tf.lite.TFLiteConverter.from_keras_model(model)


def _quiet_convert(converter) -> bytes:
    """Convert, keeping the converter's own printout (saved-model endpoints) out of our stdout
    and its quantizer settings out of our stderr."""
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter), sifted(), warnings.catch_warnings():
        # The old converter's mean and deviation of an integer input; calibration sets ours.
        warnings.filterwarnings("ignore", "Statistics for quantized inputs were expected")
        blob = converter.convert()
    log.debug("converter said: %s", chatter.getvalue())
    return blob


def export_int8(model, calibration: np.ndarray, metadata: dict[str, Any], input_type: str = "int8") -> bytes:
    """Full-integer quantization calibrated on `calibration` images; integer input and output.

    With raw-pixel input the quantization comes out as scale 1: uint8 feeds the bytes as
    captured, int8 feeds them shifted by -128. Both are offered; the default is the faster.
    """
    import tensorflow as tf

    if input_type not in INT8_INPUT_TYPES:
        raise ValueError(f"int8 input type must be one of {INT8_INPUT_TYPES}, got {input_type!r}")

    def representative() -> Iterator[list[np.ndarray]]:
        for image in calibration:
            yield [image.reshape(1, 28, 28, 1).astype(np.float32)]

    converter = _converter(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    dtype = tf.int8 if input_type == "int8" else tf.uint8
    converter.inference_input_type = dtype
    converter.inference_output_type = dtype
    return embed_metadata(_quiet_convert(converter), metadata)


def export_fp16(model, calibration: np.ndarray, metadata: dict[str, Any], **_: Any) -> bytes:
    import tensorflow as tf

    converter = _converter(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    return embed_metadata(_quiet_convert(converter), metadata)


def export_fp32(model, calibration: np.ndarray, metadata: dict[str, Any], **_: Any) -> bytes:
    return embed_metadata(_quiet_convert(_converter(model)), metadata)


def embed_metadata(flatbuffer: bytes, metadata: dict[str, Any]) -> bytes:
    """Store the contract as a named metadata buffer inside the .tflite file.

    The TFLite schema has a `metadata` list of (name, buffer) pairs for exactly this;
    tflite-support is not needed (and has no wheel for the Pi's Python).
    """
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.read_model_from_bytearray(bytearray(flatbuffer))
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(json.dumps(metadata, sort_keys=True).encode(), dtype=np.uint8)
    model.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata = [*(model.metadata or []), entry]
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))
