"""The one `digitcam` grammar: help without TensorFlow, one-line errors, distinct statuses."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from digitcam.errors import MissingDependency
from digitcam.native_stderr import import_tensorflow, sifted
from tests.conftest import run_digitcam


HEAVY = ("tensorflow", "keras", "tf2onnx")


def fresh_modules(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter, then print which heavy modules it loaded."""
    probe = f"import sys\n{code}\nprint('loaded:', sorted(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)


def test_help_lists_every_subcommand_without_importing_tensorflow():
    proc = fresh_modules("from digitcam.cli import main\nmain(['--help'])")
    for name in ("train", "evaluate", "convert", "run", "predict", "info", "bench"):
        assert name in proc.stdout
    assert proc.stdout.strip().endswith("loaded: []")


def test_subcommand_help_stays_light():
    for command in ("run", "predict", "info", "bench", "train", "convert"):
        proc = fresh_modules(f"from digitcam.cli import main\nmain(['{command}', '--help'])")
        assert "usage: digitcam" in proc.stdout
        assert proc.stdout.strip().endswith("loaded: []"), command


def test_unknown_flag_is_one_line_status_2(cli):
    result = cli("train", "--epochs", "zero")
    assert result.status == 2
    assert "--epochs" in result.stderr and "Traceback" not in result.stderr


def test_no_arch_without_terminal_exits_2_with_usage(cli):
    result = cli("train")
    assert result.status == 2
    assert result.stderr.count("\n") == 1 and "--arch is required" in result.stderr


def test_no_command_prints_help(cli):
    result = cli()
    assert result.status == 2 and "COMMAND" in result.stdout


def test_debug_shows_traceback(tmp_path):
    proc = run_digitcam("--debug", "evaluate", tmp_path / "missing.keras")
    assert proc.returncode != 0 and "Traceback" in proc.stderr
    proc = run_digitcam("evaluate", tmp_path / "missing.keras")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"digitcam evaluate: error: {tmp_path / 'missing.keras'}: no such model file"


def test_a_command_that_starts_tensorflow_keeps_its_chatter_off_stderr(tmp_path):
    """TensorFlow's start-up notes reach descriptor 2 past every log level: the error line is all."""
    notes = tmp_path / "notes.keras"
    notes.write_text("not a model")
    proc = run_digitcam("evaluate", notes)
    assert proc.returncode == 2
    assert proc.stderr == f"digitcam evaluate: error: {notes}: not a loadable Keras model (ValueError)\n"


def test_sifted_drops_native_chatter_and_passes_on_the_rest(capfd):
    with sifted():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
        os.write(2, b"I0000 00:00:1796644822.233978   13435 port.cc:153] oneDNN custom operations are on.\n")
        os.write(2, b"a native failure\n")
        os.write(2, b"fully_quantize: 0, inference_type: 6, input_inference_type: UINT8\n")
    assert capfd.readouterr().err == "a native failure\n"


def test_missing_tensorflow_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # as on a device with the edge extra only
    with pytest.raises(MissingDependency, match=r"tensorflow is not installed: pip install 'digitcam\[train\]'"):
        import_tensorflow()


def test_bad_training_values_are_one_line(cli, tmp_path):
    result = cli("train", "--arch", "cnn", "--lr", "-1", "--out", tmp_path)
    assert result.status == 2 and "learning rate must be positive" in result.stderr
    assert result.stderr.count("\n") == 1


def test_init_errors_are_one_line_before_any_data_is_read(cli, tmp_path):
    result = cli("train", "--arch", "cnn", "--init", tmp_path / "none.keras", "--data-dir", tmp_path / "no-data")
    assert result.status == 2 and result.stderr.strip().endswith(f"--init {tmp_path / 'none.keras'}: no such model file")
    result = cli("train", "--arch", "ensemble", "--init", tmp_path / "none.keras")
    assert result.status == 2 and "fine-tune its members" in result.stderr


def test_a_reader_that_goes_away_stops_the_command_quietly(tmp_path, shipped_models):
    """`digitcam predict *.png | head -1`: no traceback when the pipe closes, status 141."""
    import cv2
    import numpy as np

    image = tmp_path / "digit.png"
    cv2.imwrite(str(image), np.zeros((28, 28), np.uint8))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        result = subprocess.run([sys.executable, "-m", "digitcam", "predict", str(image), "--model", str(shipped_models)],
                                stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == ""
