#!/usr/bin/env bash
# Reproduce the shipped models from scratch: train, convert, verify, write the model card.
# Hours on a 2-core CPU. Interrupted? Run it again: every run resumes where it stopped.
#   scripts/make_models.sh [RUNS_DIR]        (make models)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-runs/shipped}"
MODELS="${MODELS:-models}"
EPOCHS="${EPOCHS:-30}"
SEED=1   # the ensemble's members use seeds 1, 2, 3; member 1 is the single CNN below

digitcam train --arch cnn --epochs "$EPOCHS" --seed "$SEED" --out "$RUNS/cnn" --resume
if [ ! -f "$RUNS/ensemble/member0/done" ]; then   # the single CNN is the ensemble's first member
    mkdir -p "$RUNS/ensemble/member0"
    cp "$RUNS/cnn/best.keras" "$RUNS/cnn/history.csv" "$RUNS/cnn/done" "$RUNS/ensemble/member0/"
fi
digitcam train --arch ensemble --members 3 --epochs "$EPOCHS" --seed "$SEED" --out "$RUNS/ensemble" --resume
if [ "${WITH_RESNET:-1}" = 1 ]; then
    digitcam train --arch resnet --epochs "$EPOCHS" --seed "$SEED" --out "$RUNS/resnet" --resume
fi

mkdir -p "$MODELS"
for arch in cnn ensemble resnet; do
    [ -f "$RUNS/$arch/$arch.keras" ] || continue
    cp "$RUNS/$arch/$arch.keras" "$MODELS/$arch.keras"
    # The CNN's int8 file is the device default: the best accuracy for its latency on a Pi 4 (README).
    default=$([ "$arch" = cnn ] && echo "--default tflite-int8" || true)
    digitcam convert "$MODELS/$arch.keras" --formats tflite-int8,onnx --out "$MODELS" $default
done
# Only the CNN's .keras ships (the others are large and only the converter needs them).
for arch in ensemble resnet; do rm -f "$MODELS/$arch.keras"; done
python scripts/model_card.py "$MODELS" $(for a in cnn resnet ensemble; do [ -f "$RUNS/$a/metrics.json" ] && echo "$RUNS/$a"; done)
