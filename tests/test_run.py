"""The runtime end to end: video and folder sources, JSON lines, saved video, predict, info, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from digitcam.edge.sources.synthetic import make_frame, write_video
from tests.conftest import SAMPLE_VIDEO

FRAME_KEYS = {"frame", "source", "digits", "number", "latency_ms"}


def check_record(record: dict) -> None:
    assert FRAME_KEYS <= set(record)
    assert isinstance(record["frame"], int) and isinstance(record["number"], str)
    assert {"capture", "preprocess", "inference", "total"} <= set(record["latency_ms"])
    for digit in record["digits"]:
        assert 0 <= digit["digit"] <= 9 and 0 <= digit["confidence"] <= 1
        assert len(digit["box"]) == 4 and all(isinstance(v, int) for v in digit["box"])


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> tuple[Path, list]:
    path = tmp_path_factory.mktemp("video") / "sheets.mp4"
    truths = write_video(path, frames=30, seed=5)
    return path, truths


def test_a_video_runs_end_to_end_with_json_lines(cli, video, tmp_path, shipped_models):
    path, truths = video
    out = tmp_path / "annotated.mp4"
    result = cli("run", "--model", shipped_models, "--source", path, "--headless", "--json", "--save-video", out)
    assert result.status == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["frame"] for r in records] == list(range(30))
    for record in records:
        check_record(record)
        assert record["source"] == "sheets.mp4"
    read = sum(r["number"] == t.number for r, t in zip(records, truths))
    assert read >= 18, f"read {read} of 30 frames exactly"
    capture = cv2.VideoCapture(str(out))
    frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    ok, image = capture.read()
    assert ok and image.shape == (480, 640, 3) and frames == 30
    assert not list(tmp_path.glob(".*tmp*"))


def test_changes_only_writes_the_first_frame_and_each_change_of_number(cli, shipped_models):
    every = cli("run", "--model", shipped_models, "--source", SAMPLE_VIDEO, "--headless", "--json")
    changes = cli("run", "--model", shipped_models, "--source", SAMPLE_VIDEO, "--headless", "--json",
                  "--changes-only")
    assert every.status == changes.status == 0, changes.stderr
    records = [json.loads(line) for line in every.stdout.splitlines()]
    expected = [r for k, r in enumerate(records) if k == 0 or r["number"] != records[k - 1]["number"]]
    written = [json.loads(line) for line in changes.stdout.splitlines()]
    assert [(r["frame"], r["number"]) for r in written] == [(r["frame"], r["number"]) for r in expected]
    assert 1 < len(written) < len(records) / 3


def test_a_folder_is_read_in_name_order_and_bad_images_are_skipped(cli, tmp_path, shipped_models):
    rng = np.random.default_rng(1)
    numbers = {}
    for name in ("b.png", "a.jpg", "c.png"):
        frame, truth = make_frame(rng, digits=2)
        cv2.imwrite(str(tmp_path / name), frame)
        numbers[name] = truth.number
    (tmp_path / "broken.png").write_bytes(b"\x89PNG but not really")
    result = cli("run", "--model", shipped_models, "--source", tmp_path, "--json", "--headless")
    assert result.status == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == ["a.jpg", "b.png", "c.png"]
    assert "broken.png: not a readable image" in result.stderr


def test_headless_summary_without_json(cli, video, shipped_models, tmp_path):
    path, _ = video
    result = cli("run", "--model", shipped_models, "--source", path, "--save-frames", tmp_path / "frames")
    assert result.status == 0
    assert "no display" in result.stderr and "running headless" in result.stderr
    assert "30 frames; per frame median" in result.stdout
    assert len(list((tmp_path / "frames").glob("*.png"))) == 30


def test_predict_reads_images_and_single_digits(cli, small_mnist, tmp_path, shipped_models):
    digit = small_mnist.x_test[0]
    cv2.imwrite(str(tmp_path / "digit.png"), 255 - cv2.resize(digit, (112, 112)))
    rng = np.random.default_rng(9)
    page, truth = make_frame(rng, digits=3)
    cv2.imwrite(str(tmp_path / "page.png"), page)
    result = cli("predict", tmp_path / "digit.png", tmp_path / "page.png", "--json", "--model", shipped_models)
    assert result.status == 0, result.stderr
    single, multi = (json.loads(line) for line in result.stdout.splitlines())
    assert single["digits"][0]["digit"] == int(small_mnist.y_test[0])
    assert len(multi["digits"]) == 3
    check_record(multi)
    plain = cli("predict", tmp_path / "digit.png", "--model", shipped_models)
    assert plain.stdout.startswith(f"{tmp_path / 'digit.png'}: {small_mnist.y_test[0]}")


def test_predict_names_an_unreadable_image_once(cli, tmp_path, shipped_models):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG but not really")
    result = cli("predict", broken, "--model", shipped_models)
    assert result.status == 2 and result.stdout == ""
    assert result.stderr.count("broken.png") == 1 and "not a readable image" in result.stderr


def test_predict_reads_a_folder_in_name_order_and_names_an_empty_one(cli, small_mnist, tmp_path, shipped_models):
    folder = tmp_path / "crops"
    folder.mkdir()
    for name, index in (("b.png", 1), ("a.png", 0)):
        cv2.imwrite(str(folder / name), 255 - cv2.resize(small_mnist.x_test[index], (112, 112)))
    (folder / "notes.txt").write_text("not an image")
    result = cli("predict", folder, "--json", "--model", shipped_models)
    assert result.status == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == ["a.png", "b.png"]
    assert [r["digits"][0]["digit"] for r in records] == [int(small_mnist.y_test[0]), int(small_mnist.y_test[1])]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("predict", empty, "--model", shipped_models)
    assert result.status == 2 and "empty: no images" in result.stderr and result.stderr.count("\n") == 1
    result = cli("predict", tmp_path / "nowhere", "--model", shipped_models)
    assert result.status == 2 and "nowhere: no such image file or folder" in result.stderr


@pytest.mark.parametrize("command", ["predict", "run"])
def test_an_iphone_photo_says_how_to_convert_it(cli, tmp_path, shipped_models, command):
    """OpenCV's wheels decode no HEIC, the iPhone's own format: the error says what to do."""
    photo = tmp_path / "IMG_0001.HEIC"
    photo.write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(64))
    args = [photo] if command == "predict" else ["--source", photo, "--headless"]
    result = cli(command, *args, "--model", shipped_models)
    assert result.status == 2 and result.stdout == ""
    assert result.stderr.count("IMG_0001.HEIC") == 1 and "HEIC photo" in result.stderr and "JPEG" in result.stderr


def test_info_describes_the_model(cli, shipped_models):
    result = cli("info", shipped_models / "cnn.int8.tflite", "--json")
    info = json.loads(result.stdout)
    assert info["format"] == "tflite-int8" and info["backend"] == "litert"
    assert info["test_accuracy"] > 0.98 and info["mean_latency_ms"] > 0
    text = cli("info", shipped_models).stdout
    assert "format: tflite-int8" in text and "accuracy: " in text and "latency: " in text


def test_info_takes_the_model_as_run_does(cli, shipped_models):
    """`--model` works for info as for run and predict; the positional form stays a shorthand."""
    info = json.loads(cli("info", "--model", shipped_models / "cnn.onnx", "--json").stdout)
    assert info["format"] == "onnx"
    result = cli("info", shipped_models / "cnn.onnx", "--model", shipped_models / "cnn.int8.tflite")
    assert result.status == 2 and "two models given" in result.stderr


@pytest.mark.parametrize("backend,fmt", [("onnxruntime", "onnx"), ("opencv", "onnx"), ("litert", "tflite-int8")])
def test_backend_choice(cli, shipped_models, backend, fmt):
    info = json.loads(cli("info", shipped_models, "--backend", backend, "--json").stdout)
    assert info["backend"] == backend and info["format"] == fmt


def test_model_lookup_order(tmp_path, shipped_models, monkeypatch):
    import shutil

    from digitcam.edge.discovery import find_model

    own = tmp_path / "models"
    own.mkdir()
    shutil.copy(shipped_models / "cnn.onnx", own / "mine.onnx")
    assert find_model(environ={}, cwd=tmp_path).path == own / "mine.onnx"  # ./models/, newest file
    assert find_model(environ={"DIGITCAM_MODEL": str(shipped_models)}, cwd=tmp_path).path.name == "cnn-european.int8.tflite"
    assert find_model(environ={}, cwd=tmp_path / "nowhere").found_by.startswith("shipped")
    assert find_model(str(own / "mine.onnx"), environ={}).backend == "onnxruntime"


@pytest.mark.parametrize("content,fault", [(None, "no such model file"), (b"garbage", "not a loadable TFLite model")])
def test_bad_model_is_one_line_exit_2(cli, tmp_path, content, fault):
    path = tmp_path / "broken.tflite"
    if content:
        path.write_bytes(content)
    result = cli("run", "--model", path, "--source", SAMPLE_VIDEO)
    assert result.status == 2 and fault in result.stderr and str(path) in result.stderr
    assert result.stderr.strip().count("\n") <= 1  # the headless notice, then the one error line


def test_wrong_shape_model_is_rejected(cli, tmp_path):
    import keras
    import tensorflow as tf

    model = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    blob = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    (tmp_path / "wrong.tflite").write_bytes(blob)
    result = cli("info", tmp_path / "wrong.tflite")
    assert result.status == 2 and "input shape [32, 32, 1]" in result.stderr


def test_a_camera_that_cannot_open_names_the_device(cli, shipped_models):
    result = cli("run", "--model", shipped_models, "--source", "camera:57", "--headless")
    assert result.status == 4 and "/dev/video57" in result.stderr and "video' group" in result.stderr


def test_missing_source_file(cli, shipped_models, tmp_path):
    result = cli("run", "--model", shipped_models, "--source", tmp_path / "none.mp4", "--headless")
    assert result.status == 2 and "none.mp4: no such file" in result.stderr


def test_edge_never_imports_tensorflow(shipped_models):
    code = (
        "import sys, io\n"
        "import digitcam.edge, digitcam.edge.app, digitcam.edge.canvas, digitcam.edge.backends.litert\n"
        "import digitcam.edge.backends.onnx_runtime, digitcam.edge.backends.opencv_dnn\n"
        "from digitcam.cli import main\n"
        f"status = main(['run', '--model', r'{shipped_models}', '--source', r'{SAMPLE_VIDEO}', '--headless',"
        " '--max-frames', '5', '--json'])\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'tf2onnx') if m in sys.modules)\n"
        "print('STATUS', status, 'HEAVY', heavy)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "STATUS 0 HEAVY []" in proc.stdout, proc.stderr


def test_a_run_that_crashes_leaves_no_half_written_video(tmp_path, recognizer):
    from digitcam.edge.app import RunOptions, run_stream
    from digitcam.edge.sources.base import Frame, Source

    class Failing(Source):
        def __init__(self):
            super().__init__("failing")
            self.count = 0

        def read(self):
            self.count += 1
            if self.count > 3:
                raise RuntimeError("sensor fell off")
            return Frame(make_frame(np.random.default_rng(self.count), digits=2)[0], self.count - 1, self.name)

    import io

    with pytest.raises(RuntimeError):
        run_stream(Failing(), recognizer, RunOptions(save_video=tmp_path / "out.mp4"), io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_predict_reads_drawings_however_they_were_saved(cli, small_mnist, tmp_path, shipped_models):
    """Transparent PNGs and GIFs (dark or light strokes), a 16-bit grey PNG, and a big white-on-black digit."""
    digits, labels = small_mnist.x_test[40:46], small_mnist.y_test[40:46]
    files = []
    for k, (digit, light) in enumerate(zip(digits[:4], (False, True) * 2)):
        strokes = cv2.resize(digit, (280, 280), interpolation=cv2.INTER_CUBIC)
        rgba = np.zeros((280, 280, 4), np.uint8)
        rgba[..., :3] = 255 if light else 0
        rgba[..., 3] = strokes if k < 2 else np.where(strokes > 100, 255, 0)  # a GIF's is all or nothing
        files.append(tmp_path / f"transparent{k}.{'png' if k < 2 else 'gif'}")
        cv2.imwrite(str(files[-1]), rgba)
    files.append(tmp_path / "grey16.png")
    cv2.imwrite(str(files[-1]), (255 - cv2.resize(digits[4], (200, 200))).astype(np.uint16) * 257)
    files.append(tmp_path / "white-on-black.png")
    cv2.imwrite(str(files[-1]), cv2.resize(digits[5], (300, 300), interpolation=cv2.INTER_CUBIC))
    result = cli("predict", *files, "--json", "--model", shipped_models)
    assert result.status == 0, result.stderr
    read = [[d["digit"] for d in json.loads(line)["digits"]] for line in result.stdout.splitlines()]
    assert read == [[int(label)] for label in labels]
