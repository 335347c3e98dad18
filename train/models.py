"""The architectures, all behind the model contract in `digitcam.edge.contract`.

Every model takes raw 0-255 pixels shaped (28, 28, 1) and rescales inside, so
what the camera captures is what the model eats, on the desktop and on the Pi.
"""

from __future__ import annotations

from typing import Callable, Sequence

import keras
from keras import layers

from digitcam.edge import contract
from digitcam.train import defaults

DROPOUT = 0.4
WIDTH = defaults.WIDTH
PLAIN_WIDTH = defaults.WIDTHS["plain"]
PLAIN_LAYERS = 5  # 28 px shrink by 4 per valid 5x5 convolution, to 8x8
# PyTorch's default; Keras' 0.99 needs thousands of steps before inference statistics settle.
BN_MOMENTUM = 0.9


def _inputs() -> keras.KerasTensor:
    return keras.Input(shape=contract.INPUT_SHAPE, name="pixels")


def _conv_bn_relu(x, filters: int, kernel: int, strides: int = 1, padding: str = "valid", name: str = ""):
    # No bias: batch norm's offset does its job, and the converters fold BN into the conv.
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False, name=f"{name}conv")(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}bn")(x)
    return layers.ReLU(name=f"{name}relu")(x)


def build_cnn(name: str = "cnn", width: int = WIDTH) -> keras.Model:
    """The advanced CNN: two stages of 3x3, 3x3, strided 5x5 convolutions, batch norm, dropout.

    About 0.33 M parameters and 15 M multiply-accumulates per image at width 32: small
    enough to train an epoch of 55,000 images in about a minute on two CPU cores.
    """
    inputs = _inputs()
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for stage, filters in enumerate((width, 2 * width)):
        x = _conv_bn_relu(x, filters, 3, name=f"s{stage}a_")
        x = _conv_bn_relu(x, filters, 3, name=f"s{stage}b_")
        x = _conv_bn_relu(x, filters, 5, strides=2, padding="same", name=f"s{stage}down_")
        x = layers.Dropout(DROPOUT, name=f"s{stage}drop")(x)
    x = _conv_bn_relu(x, 4 * width, 4, name="head_")
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(DROPOUT, name="head_drop")(x)
    outputs = layers.Dense(contract.NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def _residual_block(x, filters: int, strides: int, name: str):
    shortcut = x
    y = _conv_bn_relu(x, filters, 3, strides=strides, padding="same", name=f"{name}a_")
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}b_conv")(y)
    y = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}b_bn")(y)
    if strides != 1 or x.shape[-1] != filters:
        # 1x1 projection where the shape changes; identity everywhere else.
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False, name=f"{name}proj_conv")(x)
        shortcut = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}proj_bn")(shortcut)
    y = layers.Add(name=f"{name}add")([y, shortcut])
    return layers.ReLU(name=f"{name}out")(y)


def build_resnet(name: str = "resnet", width: int = WIDTH, blocks: Sequence[int] = (1, 1, 1)) -> keras.Model:
    """A small ResNet: identity shortcuts, 1x1 projections where the shape changes, global pooling.

    Each stage has twice the filters of the one before, starting at `width`.
    """
    widths = [width * 2 ** stage for stage in range(len(blocks))]
    inputs = _inputs()
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    x = _conv_bn_relu(x, widths[0], 3, padding="same", name="stem_")
    for stage, (filters, count) in enumerate(zip(widths, blocks)):
        for block in range(count):
            strides = 2 if stage > 0 and block == 0 else 1
            x = _residual_block(x, filters, strides, name=f"s{stage}b{block}_")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    x = layers.Dropout(DROPOUT / 2, name="head_drop")(x)
    outputs = layers.Dense(contract.NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def build_plain(name: str = "plain", width: int = PLAIN_WIDTH) -> keras.Model:
    """Five 5x5 convolutions with no pooling or striding, each wider than the last.

    The shape of An et al.'s M5 (2020): an ensemble member that sees the digit through another
    stack than the CNN's, so it may err elsewhere. `width` filters first, then 1.5, 2, 2.5 and
    3 times that; the default width of 16 costs about what the CNN does per image.
    """
    inputs = _inputs()
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for k in range(PLAIN_LAYERS):
        x = _conv_bn_relu(x, width * (k + 2) // 2, 5, name=f"c{k}_")
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(DROPOUT, name="head_drop")(x)
    outputs = layers.Dense(contract.NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


BUILDERS: dict[str, Callable[..., keras.Model]] = {"cnn": build_cnn, "resnet": build_resnet, "plain": build_plain}


def build(arch: str, name: str | None = None, width: int | None = None) -> keras.Model:
    """A fresh single model by architecture name, `width` filters in its first stage (its default if None)."""
    if arch not in BUILDERS:
        raise ValueError(f"unknown architecture {arch!r}; choose from {sorted(BUILDERS)}")
    width = defaults.WIDTHS[arch] if width is None else width
    if width < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    return BUILDERS[arch](name=name or arch, width=width)


def fuse_ensemble(members: Sequence[keras.Model], name: str = "ensemble") -> keras.Model:
    """One model that averages its members' probabilities, so downstream sees a single model."""
    if len(members) < 2:
        raise ValueError(f"an ensemble needs at least 2 members, got {len(members)}")
    inputs = _inputs()
    outputs = [_named(member, k, members)(inputs, training=False) for k, member in enumerate(members)]
    mean = layers.Average(name="probabilities")(outputs)
    return keras.Model(inputs, mean, name=name)


def _named(member: keras.Model, k: int, members: Sequence[keras.Model]) -> keras.Model:
    """The member itself, or a view of it under a unique name when another member shares its name.

    Members trained as separate runs (in parallel, say) are all called after their architecture,
    and a Keras model cannot hold two sub-models of one name.
    """
    if sum(m.name == member.name for m in members) == 1:
        return member
    return keras.Model(member.inputs[0], member.outputs[0], name=f"{member.name}_{k}")


def count_macs(model: keras.Model) -> int:
    """Multiply-accumulates per image in convolutions and dense layers (nested models included)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += count_macs(layer)
        elif isinstance(layer, layers.Conv2D):
            kh, kw = layer.kernel_size
            _, oh, ow, oc = layer.output.shape
            in_channels = layer.input.shape[-1]
            total += oh * ow * oc * kh * kw * in_channels // layer.groups
        elif isinstance(layer, layers.Dense):
            total += layer.input.shape[-1] * layer.units
    return int(total)
