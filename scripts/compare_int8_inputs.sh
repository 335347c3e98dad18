#!/usr/bin/env bash
# Converts one Keras model to tflite-int8 twice, with int8 and with uint8 input, and times
# both side by side (twice each, interleaved) with `digitcam bench`. The faster one is the
# converter's default; rerun this on a Pi to check it there.
#   scripts/compare_int8_inputs.sh [MODEL.keras] [OUT_DIR]
set -euo pipefail
MODEL="${1:-models/cnn.keras}"
OUT="${2:-out/int8-inputs}"
mkdir -p "$OUT"
cp "$MODEL" "$OUT/in_int8.keras"
cp "$MODEL" "$OUT/in_uint8.keras"
digitcam convert "$OUT/in_int8.keras" --formats tflite-int8 --int8-input int8
digitcam convert "$OUT/in_uint8.keras" --formats tflite-int8 --int8-input uint8
digitcam bench --models "$OUT/in_int8.int8.tflite" "$OUT/in_uint8.int8.tflite" \
    "$OUT/in_int8.int8.tflite" "$OUT/in_uint8.int8.tflite" --runs 5000 --threads 1 --no-pipeline --out "$OUT/bench"
