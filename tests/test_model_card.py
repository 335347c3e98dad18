"""The model card is generated from the files it describes, and says plainly which targets are missed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import model_card


def _run(folder: Path, arch: str, accuracy: float, **config) -> Path:
    folder.mkdir()
    metrics = {
        "arch": arch, "seed": 1, "parameters": 1000, "macs_per_image": 2_000_000, "epochs_run": 3,
        "seconds_per_epoch": 10.0, "train_seconds": 30.0, "test_accuracy": accuracy,
        "expected_calibration_error": 0.002, "per_class_accuracy": {str(d): accuracy for d in range(10)},
        "confusion_matrix": [[5 if i == j else (1 if (i, j) == (9, 4) else 0) for j in range(10)] for i in range(10)],
        "config": {"epochs": 3, "batch_size": 128, "lr": 0.002, "weight_decay": 0.004, "schedule": "cosine",
                   "augment": True, "label_smoothing": 0.0, "elastic": False, **config},
    }
    (folder / "metrics.json").write_text(json.dumps(metrics))
    return folder


def _artifact(file: str, fmt: str, accuracy: float, kb: int) -> dict:
    return {"file": file, "format": fmt, "bytes": kb * 1024, "test_accuracy": accuracy, "agreement": 0.999,
            "usable": True, "temperature": 1.2, "calibration": {"test_ece_after": 0.003}}


@pytest.fixture
def card_inputs(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    manifest = {"default": "cnn.int8.tflite", "artifacts": [
        _artifact("cnn.int8.tflite", "tflite-int8", 0.9969, 337),
        _artifact("ensemble.int8.tflite", "tflite-int8", 0.9960, 1010),
    ]}
    (models / "manifest.json").write_text(json.dumps(manifest))
    runs = [_run(tmp_path / "cnn", "cnn", 0.9970),
            _run(tmp_path / "ens", "ensemble", 0.9975, members=["cnn", "cnn", "resnet"], elastic=True,
                 label_smoothing=0.1, rotation=15.0, zoom=0.15, shift=0.1, weight_decay=0.05, batch_size=64,
                 width=48, bold=0.3, ema=0.999)]
    return models, runs


def test_targets_report_met_and_missed(card_inputs):
    card = model_card.main(*card_inputs)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in card.splitlines() if line.startswith("| ")}
    assert rows["single CNN >= 99.70 %"].endswith("| yes |")
    assert rows["ensemble of three >= 99.78 %"].endswith("| **no** |")
    assert "-0.01 points" in rows["cnn.int8.tflite within 0.05 points of its float model"]
    assert rows["ensemble.int8.tflite within 0.05 points of its float model"].endswith("| **no** |")
    assert rows["cnn.int8.tflite at most 400 KB"].endswith("| yes |")
    assert "9 read as 4 (1x)" in card


def test_command_rebuilds_every_flag(card_inputs):
    card = model_card.main(*card_inputs)
    assert ("`digitcam train --arch ensemble --epochs 3 --seed 1 --members 3 --member-archs cnn,cnn,resnet "
            "--width 48 --weight-decay 0.05 --batch-size 64 --elastic --rotation 15 --zoom 0.15 --bold 0.3 "
            "--ema 0.999 --label-smoothing 0.1`") in card
    assert "`digitcam train --arch cnn --epochs 3 --seed 1`" in card


def test_a_fine_tuned_model_shows_both_of_its_runs(card_inputs, tmp_path):
    models, runs = card_inputs
    base = {"arch": "cnn", "seed": 1, "epochs_run": 30, "train_seconds": 1800.0,
            "config": {"epochs": 30, "augment": True}}
    tuned = _run(tmp_path / "tuned", "cnn", 0.9971, epochs=3, init="runs/cnn/best.keras", european=0.5,
                 augment=False, base=base)
    card = model_card.main(models, [tuned, runs[1]])
    assert "| cnn | 1,000 | 2.0 M | 30 + 3 | 10 | 30 min |" in card  # 1,800 s and 30 s
    assert "the cnn learnt them too" in card and "the ensemble may read a crossed 7 as a 4" in card
    assert ("`digitcam train --arch cnn --epochs 30 --seed 1`, then `digitcam train --arch cnn --epochs 3 --seed 1 "
            "--init runs/cnn/best.keras --no-augment --european 0.5`") in card


def test_a_second_cnn_is_kept_under_its_own_name(card_inputs, tmp_path):
    models, runs = card_inputs
    manifest = json.loads((models / "manifest.json").read_text())
    manifest["artifacts"].append(_artifact("cnn-european.int8.tflite", "tflite-int8", 0.9962, 338))
    manifest["default"] = "cnn-european.int8.tflite"
    (models / "manifest.json").write_text(json.dumps(manifest))
    european = _run(tmp_path / "eu", "cnn", 0.9963, european=0.5)
    card = model_card.main(models, [*runs, f"cnn-european={european}"])
    assert (models / "cnn-european.metrics.json").is_file() and (models / "cnn.metrics.json").is_file()
    rows = [line for line in card.splitlines() if line.startswith("| cnn")]
    assert rows[0].startswith("| cnn | ") and rows[1].startswith("| cnn-european | ")  # the card's order
    assert "| single CNN >= 99.70 % | 99.70 % | yes |" in card  # the target is the plain CNN's
    assert "| cnn-european.int8.tflite within 0.05 points of its float model | -0.01 points | yes |" in card
    assert "| cnn-european.int8.tflite at most 400 KB | 338 KB | yes |" in card
    assert "the cnn-european learnt them too" in card and "the cnn and ensemble may read" in card
    assert "Default on the device: `cnn-european.int8.tflite`" in card


def test_the_card_is_written_again_from_the_models_folder_alone(card_inputs):
    models, runs = card_inputs
    first = model_card.main(models, runs)
    assert json.loads((models / "cnn.metrics.json").read_text())["test_accuracy"] == 0.9970
    assert model_card.main(models, []) == first
    # Retraining one model: only its run is passed, the other's record stays.
    retrained = _run(runs[0].parent / "cnn2", "cnn", 0.9972)
    card = model_card.main(models, [retrained])
    assert "| cnn | 1,000 |" in card and "99.72 %" in card and "| ensemble | 1,000 |" in card


def test_no_records_and_no_runs_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no NAME.metrics.json"):
        model_card.main(tmp_path, [])


def test_command_records_a_fine_tune(tmp_path):
    run = _run(tmp_path / "ft", "cnn", 0.997, init="models/cnn.keras", augment=False, lr=0.0002)
    assert model_card.command(json.loads((run / "metrics.json").read_text())) == (
        "digitcam train --arch cnn --epochs 3 --seed 1 --init models/cnn.keras --no-augment --lr 0.0002")


def test_shipped_card_matches_the_manifest(shipped_models):
    card = (shipped_models / "MODEL_CARD.md").read_text()
    manifest = json.loads((shipped_models / "manifest.json").read_text())
    for entry in manifest["artifacts"]:
        line = next(row for row in card.splitlines() if row.startswith(f"| {entry['file']} |"))
        assert f"{entry['test_accuracy'] * 100:.2f} %" in line
    assert f"Default on the device: `{manifest['default']}`" in card
