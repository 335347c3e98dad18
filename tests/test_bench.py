"""The benchmark harness on the shipped model with few runs: fields, order, schema, chart, skips."""

from __future__ import annotations

import dataclasses
import json

import pytest

from digitcam.edge.backends import BACKENDS

LATENCY_KEYS = {"p50", "p95", "p99", "mean", "std"}
RESULT_KEYS = {"name", "model", "format", "backend", "bytes", "load_ms", "first_inference_ms", "latency_ms",
               "throughput_ips", "accuracy", "agreement", "peak_rss_mb"}


@pytest.fixture(scope="module")
def bench(tmp_path_factory, shipped_models, mnist_dir):
    import io

    from digitcam.cli import main
    from digitcam.environment import Environment

    out = tmp_path_factory.mktemp("bench")
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["bench", "--models", str(shipped_models / "cnn.int8.tflite"), str(shipped_models / "cnn.onnx"),
                   "--runs", "50", "--pipeline-frames", "12", "--out", str(out), "--data-dir", str(mnist_dir)],
                  Environment(stdout=stdout, stderr=stderr, environ={}))
    assert status == 0, stderr.getvalue()
    return out, json.loads((out / "bench.json").read_text()), stdout.getvalue(), stderr.getvalue()


def test_every_configuration_has_all_fields_in_order(bench):
    _, report, _, _ = bench
    assert {(r["format"], r["backend"]) for r in report["results"]} == {
        ("tflite-int8", "litert"), ("onnx", "onnxruntime"), ("onnx", "opencv")}
    for r in report["results"]:
        assert RESULT_KEYS <= set(r), r["name"]
        lat = r["latency_ms"]
        assert set(lat) == LATENCY_KEYS
        assert 0 < lat["p50"] <= lat["p95"] <= lat["p99"] and lat["std"] >= 0
        assert r["throughput_ips"] > 0 and r["macs_per_second"] > 0 and r["peak_rss_mb"] > 10
        assert 0.9 < r["accuracy"] <= 1 and r["agreement"] > 0.98
        assert "predictions" not in r  # kept out of the file


def test_report_schema_machine_pipeline_and_files(bench):
    out, report, stdout, stderr = bench
    for key in ("date", "machine", "threads", "runs", "data", "images", "results", "matmul", "pipeline"):
        assert key in report
    assert report["data"] == "mnist-test" and report["images"] == 1000 and report["threads"] == 1
    machine = report["machine"]
    assert machine["cores"] >= 1 and machine["processor"] and machine["versions"]["numpy"]
    assert report["matmul"]["macs_per_second"] > 1e8
    pipe = report["pipeline"]
    assert pipe["frames"] == 12 and pipe["frame_size"] == [640, 480]
    for stage in ("capture", "detect", "preprocess", "inference", "overlay", "total"):
        assert 0 <= pipe["stages"][stage]["median_ms"] <= pipe["stages"][stage]["p95_ms"]
    assert (out / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = (out / "bench.md").read_text()
    assert "| cnn.int8.tflite / litert |" in table and table in stdout
    assert "measuring 3/3: " in stderr and "\r" not in stderr  # not a terminal: a line per measurement


def test_progress_is_a_bar_on_a_terminal_and_lines_in_a_log():
    import io

    from digitcam.benchmarks.cli import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    log, terminal = io.StringIO(), Terminal()
    for stream in (log, terminal):
        progress = Progress(stream)
        for done, label in ((0, "a / litert"), (1, "b / onnxruntime"), (2, "done")):
            progress(done, 2, label)
    assert log.getvalue() == "measuring 1/2: a / litert\nmeasuring 2/2: b / onnxruntime\n"
    assert terminal.getvalue().count("\r") == 3 and terminal.getvalue().endswith("done" + " " * 56 + "\n")


def test_a_missing_backend_is_skipped_with_the_reason(monkeypatch, shipped_models):
    from digitcam.benchmarks import harness

    monkeypatch.setitem(BACKENDS, "onnxruntime", dataclasses.replace(BACKENDS["onnxruntime"],
                                                                     modules=("not_installed_here",)))
    configs = harness.plan([shipped_models / "cnn.onnx"], None)
    skipped = {c.backend: c.skipped for c in configs}
    assert "pip install 'digitcam[onnx]'" in skipped["onnxruntime"] and skipped["opencv"] is None


def test_keras_baselines_are_planned(shipped_models):
    from digitcam.benchmarks import harness

    configs = harness.plan([shipped_models / "cnn.keras"], None)
    assert [c.backend for c in configs] == ["keras-predict", "keras-call"]
