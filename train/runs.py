"""One training run, end to end: fit (or resume), keep the best model, write the report.

Each run owns a folder; an ensemble keeps one sub-folder per member so an interrupted
ensemble resumes at the member and epoch where it stopped.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

import keras

from digitcam.train import fit as fitting
from digitcam.train import defaults, models, report
from digitcam.train.data import Mnist

log = logging.getLogger(__name__)

RUNS_ROOT = Path("runs")
SEED_MODEL_NAME = "best_advanced_model.keras"  # the seed's file name, kept for its users
DONE_MARKER = "done"


def default_out(arch: str, root: Path = RUNS_ROOT) -> Path:
    return root / f"{arch}-{time.strftime('%Y%m%d-%H%M%S')}"


def latest_run(arch: str, root: Path = RUNS_ROOT) -> Path | None:
    """The newest run folder of `arch`, for `--resume` without `--out`."""
    candidates = sorted(root.glob(f"{arch}-*"), key=lambda p: p.stat().st_mtime)
    return candidates[-1] if candidates else None


def _scope(strategy: str):
    if strategy == "mirrored":
        import tensorflow as tf

        return tf.distribute.MirroredStrategy().scope()
    return contextlib.nullcontext()


def _fit_single(arch: str, name: str, data: Mnist, out: Path, config: fitting.FitConfig,
                resume: bool, strategy: str, init: Path | None = None,
                width: int | None = None) -> tuple[keras.Model, dict]:
    if resume and (out / DONE_MARKER).is_file():
        log.info("%s already finished in %s", name, out)
        model = keras.saving.load_model(out / "best.keras", compile=False)
        return model, fitting.read_history(out / "history.csv")
    # Seeded before the build, so the initial weights follow the run's seed too.
    keras.utils.set_random_seed(config.seed)
    with _scope(strategy):
        model = models.build(arch, name=name, width=width)
        if init is not None:
            _load_weights(model, init)
        history = fitting.fit(model, data, out, config, resume=resume)
    model = keras.saving.load_model(out / "best.keras", compile=False)
    (out / DONE_MARKER).write_text("finished\n")
    return model, history


def _load_weights(model: keras.Model, init: Path) -> None:
    """Start from a trained model's weights (fine-tuning); it must be the same architecture."""
    from digitcam.edge.backends.keras_model import load_keras_model
    from digitcam.errors import ModelError

    trained = load_keras_model(init)
    try:
        model.set_weights(trained.get_weights())
    except ValueError:
        raise ModelError(f"{init}: not a {model.name} model, its weights do not fit that architecture") from None
    log.info("starting from the weights of %s", init)


def train(arch: str, data: Mnist, out: Path, config: fitting.FitConfig, *, resume: bool = False,
          strategy: str = "default", members: int = 3, member_archs: Sequence[str] | None = None,
          init: Path | None = None, width: int | None = None) -> dict[str, Any]:
    """Train `arch` into `out` and return the metrics written to out/metrics.json.

    `init` starts a single model from a trained model's weights instead of at random;
    `width` is the filters of each model's first stage (None: each architecture's default).
    """
    if init is not None and arch == "ensemble":
        raise ValueError("an ensemble cannot start from one model's weights; fine-tune its members")
    out.mkdir(parents=True, exist_ok=True)
    if arch == "ensemble":
        archs = list(member_archs or ["cnn"] * members)
        fitted, histories = [], []
        for k, member_arch in enumerate(archs):
            member_config = fitting.FitConfig(**{**asdict(config), "seed": config.seed + k,
                                                 "extra_callbacks": config.extra_callbacks})
            log.info("ensemble member %d/%d: %s, seed %d", k + 1, len(archs), member_arch, member_config.seed)
            model, history = _fit_single(member_arch, f"{member_arch}_{k}", data, out / f"member{k}",
                                         member_config, resume, strategy, width=width)
            fitted.append(model)
            histories.append(history)
        model = models.fuse_ensemble(fitted)
        history = histories[0]
        epoch_seconds = [s for h in histories for s in h.get("seconds", [])]
        seconds = [fitting.seconds_per_epoch(h) for h in histories]
        extra_config = {"members": archs, "member_runs": _member_runs(out, len(archs))}
    else:
        model, history = _fit_single(arch, arch, data, out, config, resume, strategy, init, width)
        seconds = [fitting.seconds_per_epoch(history)]
        epoch_seconds = history.get("seconds", [])
        extra_config = {}
        if init is not None:
            extra_config["init"] = str(init)
            # A fine-tune started from a run of its own records how that run was trained.
            if init.parent.resolve() != out.resolve() and (base := _recipe(init.parent / "metrics.json")):
                extra_config["base"] = base
    final = out / f"{arch}.keras"
    save_model(model, final)
    if arch == "cnn":
        shutil.copyfile(final, out / SEED_MODEL_NAME)
    config_record = {k: v for k, v in asdict(config).items() if k != "extra_callbacks"}
    # The width the model was built with; an ensemble's members each take their own default.
    width = defaults.WIDTHS.get(arch) if width is None else width
    extra = {
        "arch": arch, "model_file": final.name, "seed": config.seed, "config": {**config_record, "width": width, **extra_config},
        "epochs_run": len(history.get("loss", [])),
        "seconds_per_epoch": seconds[0] if len(seconds) == 1 else seconds,
        # The epochs' own times, from history.csv: right for runs resumed or trained apart too.
        "train_seconds": round(sum(epoch_seconds), 1),
        "best_val_accuracy": max(history.get("val_accuracy", [float("nan")])),
        "train_images": int(len(data.x_train)), "validation_images": int(len(data.x_val)),
        "data_source": data.source, "data_sha256": data.sha256,
    }
    return report.write_report(out, model, data.x_test, data.y_test, extra, history=history)


def _member_runs(out: Path, count: int) -> list[dict[str, Any] | None]:
    """How each member was trained, from its own metrics.json where it has one (members
    trained apart, or fine-tuned, by a recipe other than the ensemble's own flags). A
    fine-tuned member's recipe includes the run it started from, when that run is at hand."""
    return [_recipe(out / f"member{k}" / "metrics.json") for k in range(count)]


def _recipe(metrics_file: Path) -> dict[str, Any] | None:
    if not metrics_file.is_file():
        return None
    m = json.loads(metrics_file.read_text())
    recipe = {key: m[key] for key in ("arch", "seed", "epochs_run", "train_seconds") if key in m}
    recipe["config"] = {key: value for key, value in m["config"].items() if key != "base"}
    if "base" in m["config"]:  # recorded when it was trained
        recipe["base"] = m["config"]["base"]
        return recipe
    init = m["config"].get("init")
    # A fine-tune written over the run it started from has no earlier record to point to.
    base = Path(init).parent / "metrics.json" if init else None
    if base is not None and base.resolve() != metrics_file.resolve():
        if (earlier := _recipe(base)) is not None:
            recipe["base"] = earlier
    return recipe


def save_model(model: keras.Model, path: Path) -> None:
    """Save atomically: Keras writes a temporary .keras file that is renamed into place."""
    from digitcam import atomic

    with atomic.atomic_path(path) as tmp:
        model.save(tmp)
