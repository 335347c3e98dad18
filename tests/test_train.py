"""Training end to end on the committed subset: every architecture, the fused ensemble, resume, menu."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import keras
import numpy as np
import pytest

from digitcam.errors import ModelError
from digitcam.train import fit as fitting
from digitcam.train import models, runs

pytestmark = pytest.mark.slow

ONE_EPOCH = dict(epochs=1, batch_size=64, seed=11)
REPORT_FILES = ("metrics.json", "history.csv", "curves.png", "confusion.png", "misclassified.png",
                "reliability.png", "classification_report.txt")


def test_cnn_matches_the_published_recipe_size():
    model = models.build_cnn()
    assert 300_000 < model.count_params() < 360_000
    assert 14e6 < models.count_macs(model) < 16e6


@pytest.mark.parametrize("arch", ["cnn", "resnet", "plain"])
def test_width_scales_every_stage(arch):
    narrow, wide = models.build(arch, width=16), models.build(arch, width=48)
    filters = lambda m: [layer.filters for layer in m.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [3 * f for f in filters(narrow)] == filters(wide)
    assert models.count_macs(wide) > 6 * models.count_macs(narrow)
    with pytest.raises(ValueError, match="width must be at least 1"):
        models.build(arch, width=0)


def test_plain_stack_keeps_every_pixel_until_the_head():
    model = models.build("plain")
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.kernel_size for c in convs] == [(5, 5)] * 5 and all(c.strides == (1, 1) for c in convs)
    assert not any("pool" in type(layer).__name__.lower() for layer in model.layers)
    assert convs[-1].output.shape[1:3] == (8, 8)
    # Its default width costs about what the CNN does, so the two can be compared epoch for epoch.
    assert 0.9 < models.count_macs(model) / models.count_macs(models.build("cnn")) < 1.2


@pytest.mark.parametrize("arch", ["cnn", "resnet", "plain"])
def test_each_architecture_trains_one_epoch(arch, small_mnist, tmp_path):
    metrics = runs.train(arch, small_mnist, tmp_path, fitting.FitConfig(**ONE_EPOCH))
    for name in REPORT_FILES:
        assert (tmp_path / name).stat().st_size > 0, name
    model = keras.saving.load_model(tmp_path / f"{arch}.keras")
    probs = np.asarray(model(small_mnist.x_test[:16, ..., None].astype("float32")))
    assert probs.shape == (16, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert (probs >= 0).all()
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["test_accuracy"] == metrics["test_accuracy"] and saved["test_images"] == 1000
    assert saved["config"]["width"] == {"cnn": 32, "resnet": 32, "plain": 16}[arch]  # the default, recorded
    assert saved["seconds_per_epoch"] > 0 and saved["parameters"] == model.count_params()
    assert set(saved["per_class_accuracy"]) == {str(d) for d in range(10)}
    if arch == "cnn":
        assert (tmp_path / runs.SEED_MODEL_NAME).is_file()


def test_ensemble_is_one_model_equal_to_the_mean_of_its_members(small_mnist, tmp_path):
    runs.train("ensemble", small_mnist, tmp_path, fitting.FitConfig(**ONE_EPOCH), members=2,
               member_archs=["cnn", "resnet"])
    fused = keras.saving.load_model(tmp_path / "ensemble.keras")
    members = [keras.saving.load_model(tmp_path / f"member{k}" / "best.keras") for k in range(2)]
    x = small_mnist.x_test[:32, ..., None].astype("float32")
    expected = np.mean([np.asarray(m(x, training=False)) for m in members], axis=0)
    np.testing.assert_allclose(np.asarray(fused(x, training=False)), expected, atol=1e-6)


def test_members_trained_apart_keep_their_own_recipe(small_mnist, trained_cnn, tmp_path):
    """A fine-tuned member and a plain one, trained as runs of their own, then fused: the
    ensemble's metrics say how each member was made."""
    config = dict(epochs=1, batch_size=256, augment=False)
    runs.train("cnn", small_mnist, tmp_path / "member0", fitting.FitConfig(**config, seed=21, lr=1e-4),
               init=trained_cnn)
    runs.train("cnn", small_mnist, tmp_path / "member1", fitting.FitConfig(**config, seed=12))
    metrics = runs.train("ensemble", small_mnist, tmp_path, fitting.FitConfig(**config, seed=21), members=2,
                         resume=True)
    first, second = metrics["config"]["member_runs"]
    assert first["config"]["init"] == str(trained_cnn) and first["seed"] == 21
    assert first["base"]["seed"] == 3 and first["base"]["config"]["epochs"] == 3  # the run it started from
    own = json.loads((tmp_path / "member0" / "metrics.json").read_text())["config"]
    assert own["base"] == first["base"] and "base" not in first["config"]  # kept by the fine-tune itself, once
    assert second["seed"] == 12 and "init" not in second["config"]


def test_members_of_one_name_fuse_save_and_load(tmp_path):
    # Members trained as separate runs are all called "cnn"; the fused model must still save.
    members = [models.build_cnn(), models.build_cnn()]
    fused = models.fuse_ensemble(members)
    assert len({layer.name for layer in fused.layers}) == len(fused.layers)
    fused.save(tmp_path / "ensemble.keras")
    loaded = keras.saving.load_model(tmp_path / "ensemble.keras")
    x = np.random.default_rng(0).uniform(0, 255, (8, 28, 28, 1)).astype("float32")
    expected = np.mean([np.asarray(m(x, training=False)) for m in members], axis=0)
    np.testing.assert_allclose(np.asarray(loaded(x, training=False)), expected, atol=1e-6)


def test_the_seed_decides_the_initial_weights(small_mnist, tmp_path):
    first, second = (runs.train("cnn", small_mnist, tmp_path / name,
                                fitting.FitConfig(epochs=1, batch_size=256, seed=5, augment=False))
                     for name in ("a", "b"))
    weights = [keras.saving.load_model(tmp_path / name / "cnn.keras").get_layer("s0a_conv").get_weights()[0]
               for name in ("a", "b")]
    assert first["parameters"] == second["parameters"]
    np.testing.assert_allclose(weights[0], weights[1], atol=1e-3)


def test_init_starts_from_a_trained_model(small_mnist, trained_cnn, tmp_path):
    """Fine-tuning: --init loads the weights, the fit moves them, and the run records where it began."""
    start = keras.saving.load_model(trained_cnn).get_layer("s0a_conv").get_weights()[0]
    config = fitting.FitConfig(epochs=1, batch_size=256, seed=5, augment=False, lr=1e-4)
    metrics = runs.train("cnn", small_mnist, tmp_path, config, init=trained_cnn)
    tuned = keras.saving.load_model(tmp_path / "cnn.keras").get_layer("s0a_conv").get_weights()[0]
    assert metrics["config"]["init"] == str(trained_cnn)
    assert 0 < np.abs(tuned - start).max() < 0.05  # moved a little, from the trained weights
    assert metrics["test_accuracy"] > 0.8


def test_init_refuses_another_architecture(small_mnist, trained_cnn, tmp_path):
    with pytest.raises(ModelError, match="not a resnet model"):
        runs.train("resnet", small_mnist, tmp_path, fitting.FitConfig(epochs=1), init=trained_cnn)


class Interrupt(keras.callbacks.Callback):
    """Stops training as a Ctrl-C would, after `after` epochs have been backed up."""

    def __init__(self, after: int):
        super().__init__()
        self.after = after

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.after:
            raise KeyboardInterrupt


def test_resume_continues_where_the_run_stopped(small_mnist, tmp_path):
    config = fitting.FitConfig(epochs=3, batch_size=128, seed=4, augment=False, extra_callbacks=[Interrupt(2)])
    with pytest.raises(KeyboardInterrupt):
        runs.train("cnn", small_mnist, tmp_path, config)
    assert [int(e) for e in fitting.read_history(tmp_path / "history.csv")["epoch"]] == [0, 1]
    config.extra_callbacks = []
    metrics = runs.train("cnn", small_mnist, tmp_path, config, resume=True)
    history = fitting.read_history(tmp_path / "history.csv")
    assert [int(e) for e in history["epoch"]] == [0, 1, 2]  # epoch 2 only: nothing trained twice
    # The training time covers the epochs before the interruption too.
    assert metrics["train_seconds"] == pytest.approx(sum(history["seconds"]), abs=0.1)


class WeightsAtEpochEnd(keras.callbacks.Callback):
    """Records the raw weights training goes on with, and the optimizer's average, each epoch."""

    def __init__(self):
        super().__init__()
        self.raw, self.average = [], []

    def on_epoch_end(self, epoch, logs=None):
        self.raw.append([v.numpy() for v in self.model.trainable_variables])
        self.average.append([v.numpy() for v in self.model.optimizer._model_variables_moving_average])


def test_a_weight_average_is_what_is_validated_checkpointed_and_shipped(small_mnist, tmp_path):
    """With --ema the best checkpoint holds the average, while training goes on from raw weights."""
    seen = WeightsAtEpochEnd()
    config = fitting.FitConfig(epochs=2, batch_size=128, seed=6, augment=False, ema=0.9, extra_callbacks=[seen])
    metrics = runs.train("cnn", small_mnist, tmp_path, config)
    best = int(np.argmax(fitting.read_history(tmp_path / "history.csv")["val_accuracy"]))
    shipped = keras.saving.load_model(tmp_path / "cnn.keras").trainable_variables
    for got, average in zip(shipped, seen.average[best]):
        np.testing.assert_allclose(got.numpy(), average, atol=1e-6)
    assert max(np.abs(a - r).max() for a, r in zip(seen.average[best], seen.raw[best])) > 1e-3
    assert metrics["config"]["ema"] == 0.9


@pytest.mark.parametrize("value", [1.0, -0.1])
def test_ema_momentum_out_of_range_is_refused(value):
    with pytest.raises(ValueError, match="ema must be a momentum"):
        fitting.FitConfig(ema=value)


def test_menu_through_a_pseudo_terminal(tmp_path):
    """Without --arch on a terminal the seed's menu asks; the choice reaches the trainer."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "digitcam", "train", "--data-dir", str(tmp_path / "none"),
                             "--out", str(tmp_path / "run")], stdin=follower, stdout=follower, stderr=follower,
                            close_fds=True)
    os.close(follower)
    transcript = b""
    while b"Choice" not in transcript:
        transcript += os.read(leader, 1024)
    os.write(leader, b"7\n2\n")
    proc.wait(timeout=60)
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        transcript += chunk
    os.close(leader)
    text = transcript.decode()
    assert "1. advanced CNN" in text and "'7' is not one of" in text
    assert "training resnet" in text
    assert proc.returncode == 2 and "none" in text  # the missing data is reported after the choice


def test_elastic_plateau_label_smoothing_augmentation_strength_and_width_train(cli, tmp_path):
    result = cli("train", "--arch", "cnn", "--epochs", "1", "--limit", "300", "--elastic", "--schedule", "plateau",
                 "--label-smoothing", "0.1", "--rotation", "15", "--zoom", "0.15", "--width", "8", "--bold", "0.5", "--european", "0.5", "--out", tmp_path)
    assert result.status == 0, result.stderr
    config = json.loads((tmp_path / "metrics.json").read_text())["config"]
    assert config["bold"] == 0.5 and config["european"] == 0.5 and config["width"] == 8 and keras.saving.load_model(tmp_path / "cnn.keras").get_layer("s0a_conv").filters == 8
    assert config["elastic"] and config["schedule"] == "plateau" and config["label_smoothing"] == 0.1
    assert (config["rotation"], config["zoom"], config["shift"]) == (15.0, 0.15, 0.1)
    assert "test accuracy" in result.stdout


def test_member_architectures_are_checked_before_any_data_is_read(cli, tmp_path):
    result = cli("train", "--arch", "ensemble", "--member-archs", "cnn,plain,vgg", "--out", tmp_path / "run")
    assert result.status != 0 and "'cnn,plain,vgg'" in result.stderr and "one of cnn, resnet, plain" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "run").exists()
    accepted = cli("train", "--arch", "ensemble", "--member-archs", "cnn,plain", "--data-dir", tmp_path / "none",
                   "--out", tmp_path / "run")
    assert accepted.status != 0 and "member-archs" not in accepted.stderr and "none" in accepted.stderr


def test_elastic_distortion_keeps_shape_and_ink():
    from digitcam.train.augment import elastic

    rng = np.random.default_rng(0)
    batch = np.zeros((4, 28, 28, 1), np.float32)
    batch[:, 6:22, 12:16] = 255
    out = elastic(batch, rng)
    assert out.shape == batch.shape and not np.array_equal(out, batch)
    assert abs(out.sum() - batch.sum()) / batch.sum() < 0.25


def test_bolder_grows_the_strokes_of_the_share_asked_for():
    from digitcam.train.augment import bolder

    batch = np.zeros((400, 28, 28, 1), np.float32)
    batch[:, 6:22, 13:15] = 255  # a 1, two pixels wide
    out = np.asarray(bolder(0.25, seed=3)(batch))
    widths = (out[:, 14, :, 0] > 0).sum(axis=1)
    assert set(widths) == {2, 4}  # untouched, or a pixel wider on each side
    assert 0.15 < np.mean(widths == 4) < 0.35
    assert np.array_equal(np.asarray(bolder(0.0, seed=3)(batch)), batch)


def test_european_crosses_sevens_and_flags_ones_of_the_share_asked_for():
    from digitcam.train.augment import european

    batch = np.zeros((300, 28, 28, 1), np.float32)
    batch[:, 6:22, 13:15] = 255  # a stem, two pixels wide
    batch[:, 6:8, 8:15] = 255  # and a 7's top bar, on the first 100
    batch[100:, 6:8, 8:13] = 0  # the next 100 are 1s, the last 100 4s (drawn the same)
    labels = np.repeat([7, 1, 4], 100)
    out = european(batch, labels, np.random.default_rng(0), 0.5)
    changed = np.abs(out - batch).reshape(len(batch), -1).max(axis=1) > 0
    assert 0.35 < changed[:100].mean() < 0.65 and 0.35 < changed[100:200].mean() < 0.65
    assert not changed[200:].any() and (out >= batch).all()  # only 7s and 1s, and only ink added
    # A 7's bar crosses its stem below the top; a 1's flag runs down to the left of its top.
    added = out - batch
    sevens, ones = added[:100][changed[:100]], added[100:200][changed[100:200]]
    assert (sevens[:, 12:18, :13].sum(axis=(1, 2, 3)) > 0).all() and (sevens[:, 12:18, 15:].sum(axis=(1, 2, 3)) > 0).all()
    assert (ones[:, 6:16, :13].sum(axis=(1, 2, 3)) > 0).all() and ones[:, :, 16:].sum() == 0
    assert np.array_equal(european(batch, labels, np.random.default_rng(0), 0.0), batch)


@pytest.mark.parametrize("name", ["bold", "european"])
def test_a_share_outside_zero_to_one_is_refused(name):
    with pytest.raises(ValueError, match=f"{name} must be a share"):
        fitting.FitConfig(**{name: 1.5})


@pytest.mark.parametrize("field,value", [("rotation", -1.0), ("zoom", 1.0), ("shift", 1.5)])
def test_augmentation_strength_out_of_range_is_refused(field, value):
    with pytest.raises(ValueError, match="rotation must be"):
        fitting.FitConfig(**{field: value})


def test_mirrored_strategy_trains_on_the_devices_there_are(cli, tmp_path):
    result = cli("train", "--arch", "cnn", "--epochs", "1", "--limit", "300", "--strategy", "mirrored",
                 "--out", tmp_path)
    assert result.status == 0, result.stderr
    assert (tmp_path / "cnn.keras").is_file()


@pytest.mark.parametrize("schedule,start", [("cosine", 15), ("plateau", 0)])
def test_early_stopping_waits_for_the_second_half_of_a_cosine_schedule(schedule, start):
    callback = fitting.early_stopping(fitting.FitConfig(epochs=30, schedule=schedule, patience=8))
    assert (callback.start_from_epoch, callback.patience, callback.monitor) == (start, 8, "val_accuracy")


def test_a_fine_tune_written_over_its_own_run_has_no_base(tmp_path):
    member = tmp_path / "member0"
    member.mkdir()
    record = {"arch": "cnn", "seed": 1, "config": {"epochs": 3, "init": str(member / "best.keras")}}
    (member / "metrics.json").write_text(json.dumps(record))
    assert runs._member_runs(tmp_path, 2) == [record, None]
