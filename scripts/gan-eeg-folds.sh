#!/usr/bin/env bash
# Packs the six cross-validation fold generators that training/gan/eeg_wgan.py trained (each on its
# fold's 30 training persons) into models/gan-eeg-maps/folds/fold<k>/, each with our int8, golden
# vectors and a manifest, so that `weargate eval synth eeg-maps` scores every held-out person with the
# generator that never saw them. See docs/models/gan-eeg-maps.md.
set -euo pipefail
work="${1:-training/out/gan-eeg}"
mapset="${3:-base}"   # map set (eeg_wgan.py --set): base = 19 electrodes, cyton8 = 8
if [ "$mapset" = base ]; then name=gan-eeg-maps; else name="gan-eeg-maps-$mapset"; fi
dir="${2:-models/$name}"
for k in 0 1 2 3 4 5; do
  src="$work/fold$k"
  dst="$dir/folds/fold$k"
  mkdir -p "$dst"
  npx tsx src/gateway/cli.ts model quantize "$src/generator-float32.tflite" --calib "$src/calib-latent.npy" --out "$src/generator-int8.tflite" --quiet --keep-float-output --name "$name-fold$k"
  cp "$src/generator-float32.tflite" "$src/generator-int8.tflite" "$src/calib-latent.npy" "$dst/"
  cp "$src/train.json" "$dst/train-report.json"
  training/.venv/bin/python training/gan/eeg_export.py --dir "$dst" --set "$mapset"
  training/.venv/bin/python - "$dst" <<'PY'
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
r = json.load(open(os.path.join(d, "train-report.json")))
m["trainedOn"] = (f"Mumtaz MDD EEG (figshare doi:10.6084/m9.figshare.4244171, CC BY 4.0), cross-validation {r['run']}: "
                  f"{len(r['trainPersons'])} training persons ({r['trainEpochs']} clean 4 s epochs); held out: {', '.join(map(str, r['heldOut']))}")
m["params"].pop("evaluation", None)
m["params"]["heldOut"] = r["heldOut"]
json.dump(m, open(os.path.join(d, "manifest.json"), "w"), indent=1)
PY
  rm -f "$dst/calib-latent.npy"
done
