"""Recover the members of a fused CNN ensemble as Keras models, from its ONNX file alone.

Only the fused ensemble ships (`models/ensemble.onnx`); the runs that trained its members are
gone. tf2onnx folded each batch norm into the convolution before it, so a member comes back
as the same CNN with each batch norm set to pass its input through (scale 1, mean 0,
variance 1 - epsilon) and the folded offset as its beta. The recovered member is checked
against the member's own softmax inside the ONNX graph before it is written.

    python scripts/members_from_onnx.py models/ensemble.onnx OUT_DIR [--check 2000]

writes OUT_DIR/member0.keras, member1.keras, ... for `scripts/ensemble_combinations.py`.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

TOLERANCE = 1e-4  # largest probability difference accepted between the member and its ONNX self


def member_weights(graph, source: Path) -> dict[int, dict[str, np.ndarray]]:
    """The folded weights of each member, keyed by member index, then by tensor name inside it."""
    from onnx import numpy_helper

    members: dict[int, dict[str, np.ndarray]] = {}
    for tensor in graph.initializer:
        match = re.search(r"/cnn_(\d+)_1/(.+):0$", tensor.name)
        if match:
            members.setdefault(int(match.group(1)), {})[match.group(2)] = numpy_helper.to_array(tensor)
    if not members:
        raise ValueError(f"{source}: no CNN members found (expected tensors named .../cnn_K_1/...)")
    return dict(sorted(members.items()))


def rebuild(weights: dict[str, np.ndarray], name: str):
    """A Keras CNN that computes what the folded member computes."""
    import keras

    from digitcam.train import models

    model = models.build_cnn(name=name)
    for conv in (layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)):
        prefix = conv.name.removesuffix("conv")  # each convolution is followed by its batch norm
        kernel = weights[f"{prefix}conv_1/convolution/merged_input"].transpose(2, 3, 1, 0)  # OIHW -> HWIO
        conv.set_weights([kernel])
        bn = model.get_layer(f"{prefix}bn")
        offset = weights[f"{prefix}bn_1/batchnorm/sub"]
        ones = np.ones_like(offset)
        bn.set_weights([ones, offset, np.zeros_like(offset), ones - bn.epsilon])
    dense = model.get_layer("probabilities")
    dense.set_weights([weights["probabilities_1/Cast/ReadVariableOp"],
                       weights["probabilities_1/BiasAdd/ReadVariableOp"]])
    return model


def onnx_member_outputs(model, count: int, images: np.ndarray) -> list[np.ndarray]:
    """Each member's softmax inside the fused graph, exposed as extra outputs (changes `model`)."""
    import onnx
    import onnxruntime as ort

    names = [f"ensemble_1/cnn_{k}_1/probabilities_1/Softmax:0" for k in range(count)]
    model.graph.output.extend(onnx.helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, None) for n in names)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    inp = session.get_inputs()[0]
    dtype = np.uint8 if inp.type == "tensor(uint8)" else np.float32
    return session.run(names, {inp.name: images.astype(dtype)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onnx", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--check", type=int, default=2000, help="MNIST test images to compare on")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)

    import onnx

    from digitcam.train.data import load_test
    from digitcam.train.runs import save_model

    images = load_test(args.data_dir)[0][: args.check, ..., None]
    fused = onnx.load(args.onnx)
    members = member_weights(fused.graph, args.onnx)
    expected = onnx_member_outputs(fused, len(members), images)
    args.out.mkdir(parents=True, exist_ok=True)
    for k, weights in members.items():
        model = rebuild(weights, f"cnn_{k}")
        got = model.predict(images.astype(np.float32), batch_size=500, verbose=0)
        worst = float(np.abs(got - expected[k]).max())
        if worst > TOLERANCE:
            print(f"member {k}: differs from {args.onnx} by {worst:.2e} in probability", file=sys.stderr)
            return 1
        save_model(model, args.out / f"member{k}.keras")
        print(f"member {k}: {args.out / f'member{k}.keras'} (largest difference {worst:.1e})")
    return 0


if __name__ == "__main__":
    from digitcam.errors import run_script

    run_script(main)
