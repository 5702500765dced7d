#!/usr/bin/env bash
# Checkpoint selection for one ECG GAN training run (docs/models/gan-ecg.md, "Checkpoint selection"):
# score its checkpoints on the generator's own training beats (training/gan/ecg_select.py), export the
# selected one, make it int8 with our quantizer, and evaluate it on the held-out records.
# Usage: bash scripts/gan-ecg-select.sh <seed> <run dir: holds work/ (the checkpoints) and train.log>
#        [identity weight, default 1.75]
# Writes <run dir>/select.json, <run dir>/sel-model/ and <run dir>/eval-int8.json.
set -euo pipefail
seed="$1"; run="$2"; idw="${3:-1.75}"
py=training/.venv/bin/python
data="${WEARGATE_MITDB:-../shared/data/mitdb-train}"
"$py" training/gan/ecg_select.py --work "$run/work" --data "$data" --json "$run/select.json"
step="$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["selected"])' "$run/select.json")"
echo "seed $seed: selected step $step"
TF_NUM_INTRAOP_THREADS=1 "$py" training/gan/ecg_wgan.py --seed "$seed" --identity-weight "$idw" --data "$data" \
  --from-weights "$run/work/generator-$step.weights.h5" --log "$run/train.log" --out "$run/sel-model" --work "$run/work"
bash scripts/gan-ecg-quantize.sh "$run/sel-model"
npx tsx src/gateway/cli.ts eval synth ecg --data "$data" --model "$run/sel-model" --json-out "$run/eval-int8.json"
