"""Fitting: datasets, AdamW with a warm-up + cosine schedule, callbacks and resume.

The test split never reaches this module: checkpoints and early stopping look at
the validation split only.
"""

from __future__ import annotations

import csv
import logging
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import keras
import numpy as np
import tensorflow as tf

from digitcam.train import augment
from digitcam.train.augment import BOLD, EUROPEAN, ROTATION_DEGREES, SHIFT, ZOOM
from digitcam.train.defaults import (BATCH_SIZE, EARLY_STOP_PATIENCE, EPOCHS, LEARNING_RATE, SCHEDULES, SEED,
                                     WARMUP_EPOCHS, WEIGHT_DECAY)

log = logging.getLogger(__name__)



@dataclass
class FitConfig:
    """Everything that decides how one model is fitted, recorded in metrics.json."""

    epochs: int = EPOCHS
    batch_size: int = BATCH_SIZE
    lr: float = LEARNING_RATE
    weight_decay: float = WEIGHT_DECAY
    schedule: str = "cosine"
    label_smoothing: float = 0.0
    elastic: bool = False
    augment: bool = True
    rotation: float = ROTATION_DEGREES
    zoom: float = ZOOM
    shift: float = SHIFT
    bold: float = BOLD
    european: float = EUROPEAN
    ema: float = 0.0
    seed: int = SEED
    patience: int = EARLY_STOP_PATIENCE
    extra_callbacks: list = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, got {self.schedule!r}")
        if self.epochs < 1 or self.batch_size < 1 or self.lr <= 0 or self.weight_decay < 0:
            raise ValueError("epochs, batch size and learning rate must be positive, weight decay at least 0")
        if not (0 <= self.rotation <= 180 and 0 <= self.zoom < 1 and 0 <= self.shift < 1):
            raise ValueError("rotation must be 0-180 degrees, zoom and shift fractions below 1")
        for name in ("bold", "european"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be a share from 0 to 1, got {getattr(self, name)}")
        if not 0 <= self.ema < 1:
            raise ValueError(f"ema must be a momentum from 0 to below 1 (0 turns it off), got {self.ema}")


def make_dataset(x: np.ndarray, y: np.ndarray, config: FitConfig, training: bool):
    """A tf.data pipeline of (float pixels 0-255, one-hot labels); augmented only when training."""
    images = x[..., None].astype(np.float32) if x.ndim == 3 else x.astype(np.float32)
    labels = tf.one_hot(y.astype(np.int32), 10)
    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    if training:
        ds = ds.shuffle(len(x), seed=config.seed, reshuffle_each_iteration=True)
    ds = ds.batch(config.batch_size)
    if training and config.elastic:
        rng = np.random.default_rng(config.seed)

        def _elastic(batch):
            return tf.numpy_function(lambda b: augment.elastic(b, rng), [batch], tf.float32)

        ds = ds.map(lambda a, b: (tf.ensure_shape(_elastic(a), a.shape), b))
    if training and config.european > 0:  # asked for by itself, so also without the rest
        written = np.random.default_rng(config.seed + 4)

        def _european(batch, onehot):
            # Before the turn, zoom and shift, so a bar or a flag moves with its digit.
            return tf.numpy_function(lambda b, y: augment.european(b, y.argmax(axis=1), written, config.european),
                                     [batch, onehot], tf.float32)

        ds = ds.map(lambda a, b: (tf.ensure_shape(_european(a, b), a.shape), b))
    if training and config.augment:
        layer = augment.geometric(config.seed, config.rotation, config.zoom, config.shift)
        ds = ds.map(lambda a, b: (layer(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
    if training and config.augment and config.bold > 0:
        bolder = augment.bolder(config.bold, config.seed + 3)
        ds = ds.map(lambda a, b: (bolder(a), b))
    return ds.prefetch(tf.data.AUTOTUNE)


def compile_model(model, config: FitConfig, steps_per_epoch: int) -> None:
    """AdamW with decoupled weight decay, and the learning-rate schedule the config names."""
    if config.schedule == "cosine":
        warmup = WARMUP_EPOCHS * steps_per_epoch if config.epochs > WARMUP_EPOCHS else 0
        lr = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=config.lr / 10 if warmup else config.lr,
            decay_steps=max(1, (config.epochs - WARMUP_EPOCHS) * steps_per_epoch if warmup
                            else config.epochs * steps_per_epoch),
            alpha=0.01, warmup_target=config.lr if warmup else None, warmup_steps=warmup)
    else:
        lr = config.lr
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=lr, weight_decay=config.weight_decay,
                                         use_ema=config.ema > 0, ema_momentum=config.ema),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing),
        metrics=["accuracy"],
    )


class EpochTimer(keras.callbacks.Callback):
    """Adds `seconds` to each epoch's logs so history.csv and metrics.json record speed."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self._start


class AverageForValidation(keras.callbacks.Callback):
    """Validates and checkpoints the weights' moving average, and trains on the raw weights.

    Keras keeps the average in the optimizer (`use_ema`) but validates the raw weights and
    swaps the average in only after the last epoch, so the best checkpoint would be picked
    on weights that never ship. Placed after ModelCheckpoint and EarlyStopping and before
    BackupAndRestore, so those two see the average and a resumed run trains on raw weights.
    """

    def __init__(self):
        super().__init__()
        self._raw: list[np.ndarray] | None = None

    def on_test_begin(self, logs=None):
        self._raw = [v.numpy() for v in self.model.trainable_variables]
        self.model.optimizer.finalize_variable_values(self.model.trainable_variables)

    def on_epoch_end(self, epoch, logs=None):
        if self._raw is not None:
            for variable, value in zip(self.model.trainable_variables, self._raw):
                variable.assign(value)
            self._raw = None


def early_stopping(config: FitConfig):
    """Stop when validation accuracy stalls for `patience` epochs.

    Under cosine decay validation accuracy is noisy while the rate is still high (a run with
    elastic distortion stalled for 8 epochs and was cut off at half-time), so the count starts
    at half-time; a plateau schedule lowers the rate on the same signal from the start.
    """
    start = config.epochs // 2 if config.schedule == "cosine" else 0
    return keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=config.patience,
                                         start_from_epoch=start)


def fit(model, data, out: Path, config: FitConfig, resume: bool = False) -> dict:
    """Fit `model` on data.x_train, checkpointing the best validation model to out/best.keras.

    With `resume`, BackupAndRestore continues an interrupted run at the epoch it stopped.
    Returns the history as columns, read back from history.csv so resumed runs are whole.
    """
    out.mkdir(parents=True, exist_ok=True)
    backup = out / "backup"
    history_csv = out / "history.csv"
    if not resume:
        _clear(backup, history_csv, out / "best.keras")
    train_ds = make_dataset(data.x_train, data.y_train, config, training=True)
    val_ds = make_dataset(data.x_val, data.y_val, config, training=False)
    steps = int(np.ceil(len(data.x_train) / config.batch_size))
    compile_model(model, config, steps)
    callbacks = [
        EpochTimer(),
        keras.callbacks.ModelCheckpoint(out / "best.keras", monitor="val_accuracy", mode="max",
                                        save_best_only=True),
        early_stopping(config),
        keras.callbacks.CSVLogger(history_csv, append=True),
        *([AverageForValidation()] if config.ema else []),
        keras.callbacks.BackupAndRestore(backup),
        *config.extra_callbacks,
    ]
    if config.schedule == "plateau":
        callbacks.insert(1, keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2,
                                                              min_lr=config.lr / 100))
    keras.utils.set_random_seed(config.seed)
    model.fit(train_ds, validation_data=val_ds, epochs=config.epochs, callbacks=callbacks, shuffle=False,
              verbose=1 if sys.stdout.isatty() else 2)
    return read_history(history_csv)


def _clear(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def read_history(path: Path) -> dict[str, list[float]]:
    """history.csv as columns of floats (the CSV a resumed run appended to)."""
    if not path.is_file():
        return {}
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("epoch") not in (None, "epoch")]
    columns: dict[str, list[float]] = {}
    for row in rows:
        for key, value in row.items():
            try:
                columns.setdefault(key, []).append(float(value))
            except (TypeError, ValueError):
                pass
    return columns


def seconds_per_epoch(history: dict[str, Sequence[float]]) -> float | None:
    """Median epoch time: robust to the slower first epoch that traces the graph."""
    seconds = history.get("seconds")
    return float(np.median(seconds)) if seconds else None
