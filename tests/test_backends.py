"""Backends on the shipped files: what they leave on the terminal."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from digitcam.edge.backends import litert
from digitcam.edge.backends.litert import LiteRTBackend


def test_litert_keeps_its_native_log_off_the_terminal(shipped_models):
    """In a fresh interpreter: LiteRT announces its XNNPACK delegate once per process only."""
    code = ("import logging, sys\n"
            "logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format='%(levelname)s %(message)s')\n"
            "from digitcam.edge.backends.litert import LiteRTBackend\n"
            "LiteRTBackend(sys.argv[1], threads=1)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(shipped_models / "cnn.int8.tflite")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "XNNPACK" not in proc.stderr
    assert "DEBUG INFO: Created TensorFlow Lite XNNPACK delegate" in proc.stdout


def test_unknown_native_output_stays_visible_as_a_warning(capfd, caplog):
    with caplog.at_level(logging.DEBUG, logger="digitcam.edge.backends.litert"):
        with litert.native_stderr_logged():
            os.write(2, b"INFO: chatter\nERROR: something native went wrong\n")
    assert capfd.readouterr().err == ""
    levels = {r.getMessage(): r.levelno for r in caplog.records}
    assert levels == {"INFO: chatter": logging.DEBUG, "ERROR: something native went wrong": logging.WARNING}


def test_stderr_works_again_after_loading(shipped_models, capfd):
    LiteRTBackend(shipped_models / "cnn.int8.tflite", threads=1)
    print("still here", file=sys.stderr)
    assert "still here" in capfd.readouterr().err
