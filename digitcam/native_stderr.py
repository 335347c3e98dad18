"""What native libraries write straight to the process's stderr, sifted.

TensorFlow's start-up notes (oneDNN, CPU features), which Abseil writes before any log level
applies, and the TFLite converter's quantizer settings go to file descriptor 2 directly,
past `sys.stderr`, `logging` and TF_CPP_MIN_LOG_LEVEL. A command's stderr is for its own
warnings and one line per error, so around the calls that make them the descriptor is held,
known chatter is dropped, and every other line is passed on.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from types import ModuleType
from typing import Iterator

from digitcam.errors import MissingDependency

# Abseil's notice that it logs before being set up, its INFO lines ("I0000 00:00:17... 123
# port.cc:153] ..."), the CPU-feature note's second line, and the quantizer's settings.
CHATTER = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\)"
                     r"|I\d{4} [\d:.]+ +\d+ [\w.]+:\d+\]"
                     r"|To enable the following instructions: "
                     r"|fully_quantize: ")


@contextlib.contextmanager
def held() -> Iterator[list[str]]:
    """Hold what is written to descriptor 2 during the block; the list it gives holds those
    lines once the block is over. Python's own exceptions are untouched."""
    lines: list[str] = []
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all (a daemon's): nothing to hold
        yield lines
        return
    sys.stderr.flush()
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield lines
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines += capture.read().decode("utf-8", "replace").splitlines(keepends=True)


@contextlib.contextmanager
def sifted(chatter: re.Pattern[str] = CHATTER) -> Iterator[None]:
    """Pass on what is written to descriptor 2 during the block, after it, but for `chatter`."""
    lines: list[str] = []
    try:
        with held() as lines:
            yield
    finally:
        kept = "".join(line for line in lines if not chatter.match(line))
        if kept:
            os.write(2, kept.encode())


def import_tensorflow(hint: str = "") -> ModuleType:
    """TensorFlow, imported the first time with its start-up chatter sifted out; a missing
    one names the extra that installs it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if sys.modules.get("tensorflow") is None:
        try:
            with sifted():
                import tensorflow  # noqa: F401
        except ImportError:
            raise MissingDependency("tensorflow", "train", hint) from None
    return sys.modules["tensorflow"]
