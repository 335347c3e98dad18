"""The format table, written once: conversion, backend selection, tests and benchmarks read it.

Each row names a model file format, the suffix its files carry, the converter that
writes it (imported only by `digitcam convert`) and the backends that run it, best first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    backends: tuple[str, ...]
    exporter: str | None  # "module:function" in digitcam.convert; None for the source format
    summary: str

    def filename(self, stem: str) -> str:
        return stem + self.suffix


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("tflite-int8", ".int8.tflite", ("litert",), "digitcam.convert.tflite:export_int8",
           "full-integer post-training quantization, raw-pixel integer input"),
    Format("tflite-fp16", ".fp16.tflite", ("litert",), "digitcam.convert.tflite:export_fp16",
           "float16 weights, float32 compute"),
    Format("tflite-fp32", ".fp32.tflite", ("litert",), "digitcam.convert.tflite:export_fp32",
           "float32, the unquantized reference"),
    Format("onnx", ".onnx", ("onnxruntime", "opencv"), "digitcam.convert.onnx:export_onnx",
           "ONNX through tf2onnx; ONNX Runtime or OpenCV DNN"),
    Format("keras", ".keras", ("keras",), None, "the Keras source model (desktops only)"),
)}
EXPORTED = tuple(name for name, f in FORMATS.items() if f.exporter)


def format_of(path: str | Path) -> Format | None:
    """The format a file name declares; plain `.tflite` files count as unknown-precision TFLite."""
    name = Path(path).name
    for fmt in sorted(FORMATS.values(), key=lambda f: -len(f.suffix)):
        if name.endswith(fmt.suffix):
            return fmt
    if name.endswith(".tflite"):
        return Format("tflite", ".tflite", ("litert",), None, "TFLite of unrecorded precision")
    return None


def parse_list(text: str) -> list[str]:
    """Split a comma list of format names, rejecting unknown ones with the valid choices."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXPORTED]
    if unknown or not names:
        raise ValueError(f"unknown format {', '.join(unknown) or repr(text)}; choose from {', '.join(EXPORTED)}")
    return names
