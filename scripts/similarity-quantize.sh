#!/usr/bin/env bash
# Our int8 of every similarity model (weargate model quantize, minmax, float I/O), calibrated on
# 200 training segments of that model's own training identities (training/out/similarity/calib-*.npy,
# written by training/similarity.py); the manifest with the files' sha256; the CV eval; the manifest
# again with the eval's float32 EER threshold; the golden vectors (needs the venv).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=models/similarity
for f in "$dir"/*-float32.tflite; do
  name=$(basename "$f" -float32.tflite)
  npx tsx src/gateway/cli.ts model quantize "$f" --calib "training/out/similarity/calib-$name.npy" \
    --out "$dir/$name-int8.tflite" --name ecg-similarity --model-version "${VERSION:-1.0.0}" --quiet > "training/out/similarity/quantize-$name.txt"
  head -1 "training/out/similarity/quantize-$name.txt"
done
npx tsx scripts/similarity-manifest.ts --version "${VERSION:-1.0.0}"
npx tsx src/gateway/cli.ts eval similarity --data ../shared/data/ecgid-train --json-out training/out/similarity/eval-cv.json \
  > training/out/similarity/eval-cv.txt
npx tsx scripts/similarity-manifest.ts --version "${VERSION:-1.0.0}" --eval training/out/similarity/eval-cv.json
training/.venv/bin/python training/similarity_golden.py
