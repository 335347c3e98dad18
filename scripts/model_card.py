"""Write models/MODEL_CARD.md from the training runs' metrics.json and the converter's manifest.

Every figure in the card is read from those files, which `scripts/make_models.sh` produces.
Each run's metrics.json is kept beside the models as NAME.metrics.json, so the card can be
written again from the models folder alone (after retraining one model, pass only its run).
    python scripts/model_card.py MODELS_DIR [RUN_DIR | NAME=RUN_DIR ...]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from digitcam import atomic
from digitcam.train import augment, defaults

# The targets of the shipped models (issue 7), checked against the files on every run of this script.
SINGLE_CNN_MIN = 0.9970
ENSEMBLE_MIN = 0.9978
INT8_MAX_DROP = 0.0005
CNN_INT8_MAX_KB = 400
ECE_MAX = 0.01


def confusions(matrix: list[list[int]], top: int = 5) -> list[str]:
    m = np.array(matrix)
    np.fill_diagonal(m, 0)
    pairs = sorted(((int(m[i, j]), i, j) for i in range(10) for j in range(10) if m[i, j]), reverse=True)[:top]
    return [f"{i} read as {j} ({n}x)" for n, i, j in pairs]


def command(metrics: dict) -> str:
    """The `digitcam train` command line that produced a run, rebuilt from its recorded config."""
    c = metrics["config"]
    words = [f"digitcam train --arch {metrics['arch']} --epochs {c['epochs']} --seed {metrics['seed']}"]
    if "members" in c:
        words.append(f"--members {len(c['members'])}")
        if set(c["members"]) != {"cnn"}:
            words.append("--member-archs " + ",".join(c["members"]))
    if c.get("width") not in (None, defaults.WIDTHS.get(metrics["arch"], defaults.WIDTH)):
        words.append(f"--width {c['width']}")
    if c.get("init"):
        words.append(f"--init {c['init']}")
    if not c.get("augment", True):
        words.append("--no-augment")
    if c.get("lr") not in (None, defaults.LEARNING_RATE):
        words.append(f"--lr {c['lr']}")
    if c.get("weight_decay") not in (None, defaults.WEIGHT_DECAY):
        words.append(f"--weight-decay {c['weight_decay']:g}")
    if c.get("batch_size") not in (None, defaults.BATCH_SIZE):
        words.append(f"--batch-size {c['batch_size']}")
    if c.get("schedule") not in (None, "cosine"):
        words.append(f"--schedule {c['schedule']}")
    if c.get("elastic"):
        words.append("--elastic")
    for flag, default in (("rotation", augment.ROTATION_DEGREES), ("zoom", augment.ZOOM), ("shift", augment.SHIFT)):
        if c.get(flag, default) != default:
            words.append(f"--{flag} {c[flag]:g}")
    if c.get("bold"):
        words.append(f"--bold {c['bold']:g}")
    if c.get("european"):
        words.append(f"--european {c['european']:g}")
    if c.get("ema"):
        words.append(f"--ema {c['ema']:g}")
    if c.get("label_smoothing"):
        words.append(f"--label-smoothing {c['label_smoothing']}")
    return " ".join(words)


def chain(m: dict) -> list[dict]:
    """The runs a model was trained in, first to last: a fine-tune records the run it started from."""
    base = m["config"].get("base")
    return [*chain(base), m] if base else [m]


def listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def pct(x: float) -> str:
    return f"{x * 100:.2f} %"


NAMES = ("cnn", "cnn-european", "resnet", "ensemble")  # the card's order; other names follow
PLOTS = ("confusion.png", "reliability.png", "curves.png")


def records(models: Path, runs: Sequence[str | Path]) -> list[dict]:
    """The training metrics of each shipped model: the runs given (kept in `models` as
    NAME.metrics.json, with their plots; NAME is the run's architecture, or given as NAME=RUN),
    then the records kept there before. Each record gets its `name`."""
    for given in runs:
        name, _, path = str(given).rpartition("=")
        run = Path(path)
        source = run / "metrics.json"
        if not source.is_file():
            raise ValueError(f"{source}: no such file (is {run} a finished training run?)")
        text = source.read_text()
        name = name or json.loads(text)["arch"]
        atomic.write_text(models / f"{name}.metrics.json", text)
        for plot in PLOTS:
            if (run / plot).is_file():
                shutil.copyfile(run / plot, models / f"{name}_{plot}")
    kept = {path.name.removesuffix(".metrics.json") for path in models.glob("*.metrics.json")}
    names = [n for n in NAMES if n in kept] + sorted(kept - set(NAMES))
    if not names:
        raise ValueError(f"{models}: no NAME.metrics.json; pass the training run folders")
    return [{**json.loads((models / f"{name}.metrics.json").read_text()), "name": name} for name in names]


def targets(manifest: dict, runs: list[dict]) -> list[str]:
    """A met / missed line per target, from the runs' metrics and the manifest's measured artifacts."""
    rows = ["", "## Targets", "", "| target | reached | met |", "|---|---|---|"]

    def row(what: str, reached: str, met: bool) -> None:
        rows.append(f"| {what} | {reached} | {'yes' if met else '**no**'} |")

    floats = {m["name"]: m["test_accuracy"] for m in runs}
    archs = {m["name"]: m["arch"] for m in runs}
    if "cnn" in floats:
        row(f"single CNN >= {pct(SINGLE_CNN_MIN)}", pct(floats['cnn']), floats["cnn"] >= SINGLE_CNN_MIN)
    if "ensemble" in floats:
        row(f"ensemble of three >= {pct(ENSEMBLE_MIN)}", pct(floats['ensemble']), floats["ensemble"] >= ENSEMBLE_MIN)
    for e in manifest["artifacts"]:
        name = e["file"].split(".")[0]
        if e["format"] != "tflite-int8" or name not in floats:
            continue
        drop = floats[name] - e["test_accuracy"]
        row(f"{e['file']} within {INT8_MAX_DROP * 100:.2f} points of its float model",
            f"{-drop * 100:+.2f} points", drop <= INT8_MAX_DROP + 1e-9)
        if archs[name] == "cnn":
            kb = e["bytes"] / 1024
            row(f"{e['file']} at most {CNN_INT8_MAX_KB} KB", f"{kb:.0f} KB", kb <= CNN_INT8_MAX_KB)
    eces = [e["calibration"]["test_ece_after"] for e in manifest["artifacts"] if "calibration" in e]
    if eces:
        row(f"test ECE after temperature <= {pct(ECE_MAX)}", f"at most {pct(max(eces))}", max(eces) <= ECE_MAX)
    return rows


def main(models: Path, run_dirs: Sequence[str | Path]) -> str:
    runs = records(models, run_dirs)
    manifest = json.loads((models / "manifest.json").read_text())
    lines = ["# Model card: digitcam's shipped models", "",
             "Generated by `python scripts/model_card.py` from the training runs' `metrics.json` (kept here "
             "as `NAME.metrics.json`) and `models/manifest.json`; `make models` reproduces everything.", "",
             "## Data", "",
             "MNIST: 60,000 training images split 55,000 / 5,000 (stratified, seed 1234), the 5,000 used for "
             "checkpoint selection, early stopping and the temperature; the 10,000 test images only for the "
             "figures below. No extra data.", "",
             "## Models", "",
             "| model | parameters | MACs / image | epochs | s / epoch (2 cores) | train time | float test acc. | "
             "ECE raw |", "|---|---|---|---|---|---|---|---|"]
    for m in runs:
        spe = m["seconds_per_epoch"]
        spe = f"{spe:.0f}" if isinstance(spe, (int, float)) else " / ".join(f"{s:.0f}" for s in spe)
        runs_of = chain(m)
        epochs = " + ".join(str(r.get("epochs_run", "?")) for r in runs_of)
        minutes = sum(r.get("train_seconds", 0) for r in runs_of) / 60
        lines.append(f"| {m['name']} | {m['parameters']:,} | {m['macs_per_image'] / 1e6:.1f} M | {epochs} | "
                     f"{spe} | {minutes:.0f} min | {m['test_accuracy'] * 100:.2f} % | "
                     f"{m['expected_calibration_error'] * 100:.2f} % |")
    lines += ["", "Training commands (as run by `scripts/make_models.sh`):", ""]
    for m in runs:
        c = m["config"]
        before = "".join(f"`{command(r)}`, then " for r in chain(m)[:-1])
        minutes = sum(r.get("train_seconds", 0) for r in chain(m)) / 60
        lines.append(f"- {before}`{command(m)}` (batch {c['batch_size']}, "
                     f"AdamW lr {c['lr']} wd {c['weight_decay']}, {c['schedule']} schedule, augmentation "
                     f"{'on' if c['augment'] else 'off'}); {minutes:.0f} min on this 2-core machine.")
        for k, member in enumerate(c.get("member_runs") or []):
            if member:
                before = f"`{command(member['base'])}`, then " if member.get("base") else ""
                lines.append(f"  - member {k}: {before}`{command(member)}`")
    lines += ["", "## Artifacts", "",
              "| file | format | KB | test accuracy | agreement with Keras | temperature | ECE after | usable |",
              "|---|---|---|---|---|---|---|---|"]
    for e in manifest["artifacts"]:
        cal = e.get("calibration", {})
        lines.append(f"| {e['file']} | {e['format']} | {e['bytes'] / 1024:.0f} | "
                     f"{(e['test_accuracy'] or 0) * 100:.2f} % | {(e['agreement'] or 0) * 100:.2f} % | "
                     f"{e.get('temperature', 1.0):.3f} | {cal.get('test_ece_after', float('nan')) * 100:.2f} % | "
                     f"{'yes' if e['usable'] else 'no'} |")
    target_rows = targets(manifest, runs)
    lines += target_rows
    if any(row.endswith("| **no** |") for row in target_rows):
        lines += ["", "What was tried for a missed target, and chosen how: README.md, \"The shipped models\"."]
    lines += ["", f"Default on the device: `{manifest.get('default', 'the best usable int8 file')}`.", "",
              "## Known weaknesses", ""]
    for m in runs:
        worst = sorted(m["per_class_accuracy"].items(), key=lambda kv: kv[1])[:3]
        lines.append(f"- {m['name']}: most confused {', '.join(confusions(m['confusion_matrix']))}; weakest classes "
                     + ", ".join(f"{d} ({a * 100:.2f} %)" for d, a in worst) + ".")
    european = [m["name"] for m in runs if any(r["config"].get("european") for r in chain(m))]
    others = [m["name"] for m in runs if m["name"] not in european]
    lines += ["- Trained on MNIST only: centred, size-normalised digits. Real pages go through the same "
              "preprocessing (`edge/preprocess.py`), but unusual pens or very slanted writing are outside what "
              "MNIST shows. MNIST's writers crossed no 7 and flagged few 1s"
              + (f"; the {listed(european)} learnt them too (trained with `--european`)" if european else "")
              + (f"; the {listed(others)} may read a crossed 7 as a 4 or a 9 and a flagged 1 as a 7"
                 if others else "")
              + " (`python scripts/european_digits.py --model FILE` measures it).", "",
              "Plots: `*_confusion.png`, `*_reliability.png`, `*_curves.png` in this folder."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    folder = Path(sys.argv[1])
    try:
        card = main(folder, sys.argv[2:])
    except ValueError as error:
        print(f"model_card: {error}", file=sys.stderr)
        sys.exit(2)
    atomic.write_text(folder / "MODEL_CARD.md", card)
    print(f"wrote {folder / 'MODEL_CARD.md'}")
