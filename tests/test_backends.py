"""Backends on the shipped files: what they leave on the terminal."""

from __future__ import annotations

import logging
import os
import sys

from digitcam.edge.backends import litert
from digitcam.edge.backends.litert import LiteRTBackend


def test_litert_keeps_its_native_log_off_the_terminal(shipped_models, capfd, caplog):
    with caplog.at_level(logging.DEBUG, logger="digitcam.edge.backends.litert"):
        LiteRTBackend(shipped_models / "cnn.int8.tflite", threads=1)
    assert "XNNPACK" not in capfd.readouterr().err
    assert any("XNNPACK" in r.getMessage() and r.levelno == logging.DEBUG for r in caplog.records)


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
