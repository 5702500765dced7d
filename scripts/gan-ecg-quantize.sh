#!/usr/bin/env bash
# Our int8 of the ECG GAN generator (weargate model quantize, minmax, float I/O) on the latents the
# trainer saved, then the manifest with goldens (training/gan/ecg_export.py). See docs/models/gan-ecg.md.
set -euo pipefail
dir="${1:-models/gan-ecg}"
npx tsx src/gateway/cli.ts model quantize "$dir/generator-float32.tflite" --calib "$dir/calib-latent.npy" --out "$dir/generator-int8.tflite" --quiet --name gan-ecg
training/.venv/bin/python training/gan/ecg_export.py --dir "$dir"
