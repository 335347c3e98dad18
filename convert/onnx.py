"""ONNX exporter through tf2onnx, checked with onnx.checker, contract in metadata_props."""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np

from digitcam.edge import contract

log = logging.getLogger(__name__)

OPSET = 17


def export_onnx(model, calibration: np.ndarray, metadata: dict[str, Any], **_: Any) -> bytes:
    """A float32 NHWC graph taking raw 0-255 pixels, with the contract in metadata_props."""
    import onnx
    import tensorflow as tf
    import tf2onnx

    logging.getLogger("tf2onnx").setLevel(logging.ERROR)
    spec = [tf.TensorSpec((None, *contract.INPUT_SHAPE), tf.float32, name="pixels")]
    proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=OPSET)
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key = key
        entry.value = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    proto.producer_name = "digitcam"
    onnx.checker.check_model(proto, full_check=True)
    return proto.SerializeToString()
