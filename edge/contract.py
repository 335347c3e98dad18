"""The model contract, written once: what every digitcam model takes and returns.

The device owns the input format, so it lives here. Training builds models that
satisfy it, conversion records it in the manifest, benchmarks read it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from digitcam.errors import ModelError

INPUT_HEIGHT = 28
INPUT_WIDTH = 28
INPUT_CHANNELS = 1
INPUT_SHAPE = (INPUT_HEIGHT, INPUT_WIDTH, INPUT_CHANNELS)
# Raw pixel values: the model rescales inside, so the device feeds bytes as captured.
INPUT_DTYPE = "uint8"
INPUT_RANGE = (0, 255)
LABELS = tuple(str(d) for d in range(10))
NUM_CLASSES = len(LABELS)


def describe() -> dict[str, Any]:
    """The contract as recorded in manifests and inside exported files."""
    return {
        "input": {"shape": [None, *INPUT_SHAPE], "dtype": INPUT_DTYPE, "range": list(INPUT_RANGE),
                  "layout": "NHWC", "polarity": "light digit on black, MNIST-centred"},
        "output": {"shape": [None, NUM_CLASSES], "kind": "probabilities"},
        "labels": list(LABELS),
    }


def check_shapes(source: str, input_shape: Any, output_shape: Any) -> None:
    """Raise ModelError naming `source` when a model's shapes break the contract."""
    def dims(shape: Any) -> tuple:
        return tuple(d if d is None or isinstance(d, str) else int(d) for d in shape)[1:] if shape is not None else ()

    ins, outs = dims(input_shape), dims(output_shape)
    # Some runtimes drop the channel axis or report it first; accept 28x28, 28x28x1, 1x28x28.
    acceptable = {INPUT_SHAPE, (INPUT_HEIGHT, INPUT_WIDTH), (INPUT_CHANNELS, INPUT_HEIGHT, INPUT_WIDTH)}
    if ins not in acceptable:
        raise ModelError(f"{source}: input shape {list(ins)} is not {list(INPUT_SHAPE)}")
    if outs != (NUM_CLASSES,):
        raise ModelError(f"{source}: output shape {list(outs)} is not [{NUM_CLASSES}]")


def as_batch(images: np.ndarray) -> np.ndarray:
    """Turn one 28x28 image or a stack of them into an (N, 28, 28, 1) uint8 batch."""
    batch = np.asarray(images)
    if batch.ndim == 2:
        batch = batch[None]
    if batch.ndim == 3:
        batch = batch[..., None]
    if batch.shape[1:] != INPUT_SHAPE:
        raise ValueError(f"expected images of {INPUT_SHAPE}, got {batch.shape[1:]}")
    if batch.dtype != np.uint8:
        batch = np.clip(np.rint(batch), 0, 255).astype(np.uint8)
    return batch
