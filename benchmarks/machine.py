"""What machine a result came from: processor, cores, clock, Pi model and throttling, versions."""

from __future__ import annotations

import importlib
import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(errors="replace").strip("\x00\n ")
    except OSError:
        return None


def cpu_model() -> str:
    text = _read("/proc/cpuinfo") or ""
    for key in ("model name", "Model", "Hardware", "cpu model"):
        for line in text.splitlines():
            if line.lower().startswith(key.lower()) and ":" in line:
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def clock_mhz() -> float | None:
    khz = _read("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
    if khz and khz.isdigit():
        return int(khz) / 1000
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("cpu MHz"):
            return float(line.split(":")[1])
    return None


def throttled() -> str | None:
    """`vcgencmd get_throttled` on a Pi (0x0 means never throttled nor under-voltage)."""
    if not shutil.which("vcgencmd"):
        return None
    try:
        out = subprocess.run(["vcgencmd", "get_throttled"], capture_output=True, text=True, timeout=5).stdout
        return out.strip().split("=")[-1] or None
    except (OSError, subprocess.TimeoutExpired):
        return None


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("numpy", "cv2", "ai_edge_litert", "tflite_runtime", "onnxruntime", "tensorflow", "keras"):
        try:
            module = importlib.import_module(name) if name not in ("tensorflow", "keras") else None
        except ImportError:
            continue
        if module is not None and hasattr(module, "__version__"):
            found[name] = module.__version__
    for name in ("tensorflow", "keras"):
        from importlib import metadata

        for dist in (name, f"{name}-cpu"):
            try:
                found[name] = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
    return found


def describe(threads: int | None) -> dict[str, Any]:
    return {
        "processor": cpu_model(), "machine": platform.machine(), "cores": os.cpu_count(),
        "clock_mhz": clock_mhz(), "pi_model": _read("/proc/device-tree/model"), "throttled": throttled(),
        "system": f"{platform.system()} {platform.release()}", "versions": versions(), "threads": threads,
    }
