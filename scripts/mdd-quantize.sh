#!/usr/bin/env bash
# Our int8 for every MDD model trained by training/mdd_cnn.py (fold models and the final one), with
# `weargate model quantize` (minmax, float I/O) on each model's own calibration maps (training persons
# of that fold only). Then run training/mdd_export.py.
set -euo pipefail
out="${1:-training/out/mdd-cnn}"
for tag in m19 m8; do
  [ -d "$out/$tag" ] || continue
  for f in "$out/$tag"/*-float32.tflite; do
    [ -f "$f" ] || continue
    stem="${f%-float32.tflite}"
    [ -f "$stem-int8.tflite" ] && [ "$stem-int8.tflite" -nt "$f" ] && continue
    npx tsx src/gateway/cli.ts model quantize "$f" --calib "$stem-calib.npy" --out "$stem-int8.tflite" --quiet --name "mdd-cnn" > "$stem-int8.log" 2>&1 || { cat "$stem-int8.log"; exit 1; }
    echo "$stem-int8.tflite"
  done
done
