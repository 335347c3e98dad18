#!/usr/bin/env bash
# Reproduce the shipped models from scratch: train, convert, verify, write the model card.
# Hours on a 2-core CPU. Interrupted? Run it again: every run resumes where it stopped.
#   scripts/make_models.sh [RUNS_DIR]        (make models)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-runs/shipped}"
MODELS="${MODELS:-models}"
EPOCHS="${EPOCHS:-30}"
SEED=1   # the single CNN and the ResNet

digitcam train --arch cnn --epochs "$EPOCHS" --seed "$SEED" --out "$RUNS/cnn" --resume
# The device default: a CNN that also learnt 7s crossed and 1s flagged, as much of Europe writes
# them (README, "The shipped models"); seed 2 scored best on validation of the runs tried.
digitcam train --arch cnn --european 0.5 --epochs "$EPOCHS" --seed 2 --out "$RUNS/cnn-european" --resume

# The ensemble's members, each trained apart: the trio that scored best on validation of 364
# tried (README, "The shipped models"). Seed 21 for 30 epochs, then fine-tuned for 3 epochs
# without augmentation; seeds 12 and 13 for 40 epochs. Then fused.
M="$RUNS/members"
LONG="${LONG_EPOCHS:-40}"
digitcam train --arch cnn --epochs "$EPOCHS" --seed 21 --out "$M/s21" --resume
digitcam train --arch cnn --init "$M/s21/best.keras" --no-augment --epochs 3 --lr 2e-4 --seed 21 --out "$M/s21-tuned" --resume
for seed in 12 13; do
    digitcam train --arch cnn --epochs "$LONG" --seed "$seed" --out "$M/s$seed" --resume
done
members=(s21-tuned s12 s13)
for k in 0 1 2; do
    mkdir -p "$RUNS/ensemble/member$k"
    cp "$M/${members[$k]}"/{best.keras,metrics.json,history.csv,done} "$RUNS/ensemble/member$k/"
done
# The fine-tuned member's history covers both of its runs, so its time and curves are whole.
{ cat "$M/s21/history.csv"; tail -n +2 "$M/s21-tuned/history.csv"; } > "$RUNS/ensemble/member0/history.csv"
digitcam train --arch ensemble --members 3 --epochs "$EPOCHS" --seed 21 --out "$RUNS/ensemble" --resume
if [ "${WITH_RESNET:-1}" = 1 ]; then
    digitcam train --arch resnet --epochs "$EPOCHS" --seed "$SEED" --out "$RUNS/resnet" --resume
fi

mkdir -p "$MODELS"
# Each shipped model is named after its run folder; a run saves its model under its architecture.
for name in cnn cnn-european ensemble resnet; do
    arch=${name%-european}
    [ -f "$RUNS/$name/$arch.keras" ] || continue
    cp "$RUNS/$name/$arch.keras" "$MODELS/$name.keras"
    # The European CNN's int8 file is the device default (README, "The shipped models").
    default=$([ "$name" = cnn-european ] && echo "--default tflite-int8" || true)
    digitcam convert "$MODELS/$name.keras" --formats tflite-int8,onnx --out "$MODELS" $default
done
# Only the CNN's .keras ships (the others are large and only the converter needs them).
for name in cnn-european ensemble resnet; do rm -f "$MODELS/$name.keras"; done
python scripts/model_card.py "$MODELS" $(for name in cnn cnn-european resnet ensemble; do
    [ -f "$RUNS/$name/metrics.json" ] && echo "$name=$RUNS/$name"; done)
