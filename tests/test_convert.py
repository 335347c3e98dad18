"""Conversion: every format from one small model, run through the edge backends; the gate; atomicity."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from digitcam.edge.backends import BACKENDS, open_backend
from digitcam.edge.formats import EXPORTED, FORMATS
from digitcam.train import models

pytestmark = pytest.mark.slow

LOOSE_GATE = ("--max-accuracy-drop", "2", "--min-agreement", "97")  # a 3-epoch model on 2,000 images


@pytest.fixture(scope="module")
def converted(trained_cnn, tmp_path_factory, mnist_dir):
    from digitcam.cli import main
    from digitcam.environment import Environment
    import io

    out = tmp_path_factory.mktemp("converted")
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["convert", str(trained_cnn), "--out", str(out), "--calibration", "500", *LOOSE_GATE],
                  Environment(stdout=stdout, stderr=stderr, environ={"DIGITCAM_DATA": str(mnist_dir)}))
    assert status == 0, stderr.getvalue()
    return out, stdout.getvalue()


def test_every_format_is_written_and_recorded(converted, trained_cnn):
    out, table = converted
    manifest = json.loads((out / "manifest.json").read_text())
    entries = {e["format"]: e for e in manifest["artifacts"]}
    assert set(entries) == set(EXPORTED)
    for name, entry in entries.items():
        path = out / entry["file"]
        assert path.is_file() and entry["usable"] and entry["bytes"] == path.stat().st_size
        assert entry["labels"] == [str(d) for d in range(10)]
        assert entry["verification"]["images"] == 1000 and entry["verification"]["passed"]
        assert entry["source"]["file"] == trained_cnn.name and len(entry["source"]["sha256"]) == 64
        assert 0.5 < entry["test_accuracy"] <= 1 and entry["agreement"] >= 0.97
        assert entry["versions"]["tensorflow"] and entry["created"]
        assert name in table
    int8 = entries["tflite-int8"]
    assert int8["input"]["dtype"] in ("int8", "uint8") and int8["input"]["scale"] > 0
    assert int8["bytes"] < entries["tflite-fp32"]["bytes"] / 3
    assert set(entries["onnx"]["verification"]["backends"]) == {"onnxruntime", "opencv"}


@pytest.mark.parametrize("fmt", EXPORTED)
def test_each_artifact_runs_through_every_edge_backend_like_keras(converted, trained_cnn, small_mnist, fmt):
    out, _ = converted
    reference = keras.saving.load_model(trained_cnn)
    x = small_mnist.x_test[:64]
    expected = np.asarray(reference(x[..., None].astype("float32"), training=False))
    tolerance = 0.1 if fmt == "tflite-int8" else 0.01
    for backend_name in FORMATS[fmt].backends:
        with open_backend(out / FORMATS[fmt].filename("cnn"), backend_name) as backend:
            probs = backend.predict(x)
        assert probs.shape == (64, 10) and probs.dtype == np.float32
        np.testing.assert_allclose(probs, expected, atol=tolerance, err_msg=f"{fmt} via {backend_name}")
        assert (probs.argmax(1) == expected.argmax(1)).mean() >= 0.95


def test_contract_travels_inside_the_files(converted):
    import onnx
    from tensorflow.lite.tools import flatbuffer_utils

    out, _ = converted
    props = {p.key: p.value for p in onnx.load(out / "cnn.onnx").metadata_props}
    assert json.loads(props["labels"]) == [str(d) for d in range(10)] and props["format"] == "onnx"
    model = flatbuffer_utils.read_model(str(out / "cnn.int8.tflite"))
    meta = {m.name.decode(): m.buffer for m in model.metadata}
    blob = bytes(model.buffers[meta["digitcam"]].data)
    assert json.loads(blob)["input"]["shape"] == [None, 28, 28, 1]


def test_gate_rejects_a_damaged_artifact(trained_cnn, tmp_path, cli, monkeypatch):
    """An fp32 file from a model with scrambled weights must fail the gate and not be installed."""
    import digitcam.convert.tflite as tflite

    real = tflite.export_fp32

    def damaged(model, calibration, metadata, **kwargs):
        clone = keras.models.clone_model(model)
        rng = np.random.default_rng(0)
        clone.set_weights([rng.normal(0, 0.5, w.shape).astype(w.dtype) for w in model.get_weights()])
        return real(clone, calibration, metadata)

    monkeypatch.setattr(tflite, "export_fp32", damaged)
    result = cli("convert", trained_cnn, "--out", tmp_path, "--formats", "tflite-fp32,tflite-fp16",
                 "--calibration", "100")
    assert result.status == 1
    assert "failed verification: cnn.fp32.tflite.rejected" in result.stderr
    assert not (tmp_path / "cnn.fp32.tflite").exists() and (tmp_path / "cnn.fp32.tflite.rejected").exists()
    entries = {e["format"]: e for e in json.loads((tmp_path / "manifest.json").read_text())["artifacts"]}
    assert entries["tflite-fp32"]["usable"] is False and "reason" in entries["tflite-fp32"]["verification"]
    assert entries["tflite-fp16"]["usable"] is True


def test_a_conversion_failing_midway_leaves_nothing_and_keeps_the_manifest(trained_cnn, tmp_path, cli, monkeypatch):
    import digitcam.convert.pipeline as pipeline

    assert cli("convert", trained_cnn, "--out", tmp_path, "--formats", "tflite-fp32", *LOOSE_GATE).status == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "verify", crash)
    with pytest.raises(OSError):
        cli("convert", trained_cnn, "--out", tmp_path, "--formats", "onnx,tflite-fp32")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # no partial onnx, no temporary files, the manifest untouched


def test_an_ensemble_converts_to_one_file_per_format(tmp_path, cli, small_mnist):
    members = [models.build_cnn(name=f"m{k}", width=8) for k in range(3)]
    for k, member in enumerate(members):  # distinct, non-trivial members without training
        rng = np.random.default_rng(k)
        member.set_weights([w + rng.normal(0, 0.05, w.shape).astype(w.dtype) for w in member.get_weights()])
    fused = models.fuse_ensemble(members)
    fused.save(tmp_path / "ensemble.keras")
    result = cli("convert", tmp_path / "ensemble.keras", "--out", tmp_path, "--formats", "tflite-fp32,onnx",
                 "--min-agreement", "0", "--max-accuracy-drop", "100")
    assert result.status == 0, result.stderr
    x = small_mnist.x_test[:32]
    expected = np.asarray(fused(x[..., None].astype("float32")))
    for name in ("ensemble.fp32.tflite", "ensemble.onnx"):
        with open_backend(tmp_path / name) as backend:
            np.testing.assert_allclose(backend.predict(x), expected, atol=1e-4)


def test_int8_conversion_keeps_the_quantizer_chatter_off_stderr(capfd, recwarn, small_mnist):
    from digitcam.convert.tflite import export_int8

    blob = export_int8(models.build_cnn(width=8), small_mnist.x_train[:20], {})
    assert blob[4:8] == b"TFL3"
    assert capfd.readouterr().err == "" and not [str(w.message) for w in recwarn]


def test_bad_models_are_one_line_exit_2(tmp_path, cli):
    text = tmp_path / "notes.keras"
    text.write_text("not a model")
    wrong = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    wrong.save(tmp_path / "wrong.keras")
    eleven = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(11)])
    eleven.save(tmp_path / "eleven.keras")
    for path, fault in ((tmp_path / "missing.keras", "no such model file"),
                        (text, "not a loadable Keras model"),
                        (tmp_path / "wrong.keras", "input shape [32, 32, 1] is not [28, 28, 1]"),
                        (tmp_path / "eleven.keras", "output shape [11] is not [10]")):
        result = cli("convert", path, "--out", tmp_path / "out")
        assert result.status == 2, result.stderr
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr and fault in result.stderr


def test_unknown_format_is_rejected(cli, tmp_path):
    result = cli("convert", tmp_path / "m.keras", "--formats", "tflite-int4")
    assert result.status == 2 and "tflite-int4" in result.stderr and "tflite-int8" in result.stderr


def test_missing_backend_is_reported_with_the_extra(monkeypatch, tmp_path):
    from digitcam.errors import MissingDependency

    import dataclasses

    monkeypatch.setitem(BACKENDS, "onnxruntime", dataclasses.replace(BACKENDS["onnxruntime"],
                                                                     modules=("no_such_module",)))
    (tmp_path / "m.onnx").write_bytes(b"x")
    with pytest.raises(MissingDependency, match=r"digitcam\[onnx\]"):
        open_backend(tmp_path / "m.onnx", "onnxruntime")


def test_temperature_is_fitted_on_validation_and_recorded(converted):
    out, _ = converted
    for entry in json.loads((out / "manifest.json").read_text())["artifacts"]:
        assert 0.25 <= entry["temperature"] <= 8
        assert entry["calibration"]["fitted_on"].endswith("validation images")
        assert entry["calibration"]["test_ece_after"] >= 0


def test_fit_temperature_recovers_overconfidence():
    from digitcam.convert.calibrate import fit_temperature

    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, (20000, 10))
    truth = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = np.array([rng.choice(10, p=p) for p in truth])
    overconfident = np.exp(2 * logits) / np.exp(2 * logits).sum(1, keepdims=True)
    assert abs(fit_temperature(overconfident, labels) - 2.0) < 0.1
