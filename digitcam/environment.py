"""The process's surroundings, injectable so commands can be tested in-process."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Mapping, TextIO


@dataclass
class Environment:
    """Where a command reads and writes; tests pass their own buffers and variables."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    stdin_isatty: bool = field(default_factory=lambda: sys.stdin is not None and sys.stdin.isatty())

    def has_display(self) -> bool:
        """True when an OpenCV window could open (X11 or XWayland)."""
        return bool(self.environ.get("DISPLAY"))
