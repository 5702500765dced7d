#!/usr/bin/env bash
# Our int8 (weargate model quantize, minmax, float I/O; the output layer kept float) of every EEG map generator that
# training/gan/eeg_wgan.py trained (the six CV folds, for training/gan/eeg_eval.py --variant int8,
# and the final one), on the latents the trainer saved; then the manifest with goldens
# (training/gan/eeg_export.py). See docs/models/gan-eeg-maps.md.
set -euo pipefail
work="${1:-training/out/gan-eeg}"
mapset="${3:-base}"   # map set (eeg_wgan.py --set): base = 19 electrodes, cyton8 = 8
if [ "$mapset" = base ]; then name=gan-eeg-maps; else name="gan-eeg-maps-$mapset"; fi
dir="${2:-models/$name}"
for run in fold0 fold1 fold2 fold3 fold4 fold5 final; do
  npx tsx src/gateway/cli.ts model quantize "$work/$run/generator-float32.tflite" --calib "$work/$run/calib-latent.npy" --out "$work/$run/generator-int8.tflite" --quiet --keep-float-output --name "$name-$run"
done
cp "$work/final/generator-int8.tflite" "$dir/generator-int8.tflite"
training/.venv/bin/python training/gan/eeg_export.py --dir "$dir" --set "$mapset"
