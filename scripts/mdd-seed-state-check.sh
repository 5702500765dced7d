#!/bin/bash
# Does training/mdd_cnn.py's final model depend on the trainings run before it? The same data and seed,
# 2 or 3 CV folds before the final model, with --seed-state reset (default) and carry (mdd-cnn 0.1.0-0.3.0).
# Expected: reset gives one final model (byte-identical float32 .tflite), carry two. About 1 min here.
# Usage: bash scripts/mdd-seed-state-check.sh [<work dir>]   (needs ../shared/data and training/.venv)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-training/out/mdd-seed-state-check}
mkdir -p "$work"
npx tsx scripts/mdd-maps.ts --set cyton8 --out "$work/maps" > "$work/maps.log"
for state in reset carry; do
  for folds in 2 3; do
    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 training/.venv/bin/python training/mdd_cnn.py --maps "$work/maps" \
      --out "$work/$state-folds$folds" --montages 8 --ablations '' --no-confounds --folds "$folds" --epochs 2 \
      --seed-state "$state" > "$work/$state-folds$folds.log" 2>&1 &
  done
  wait
done
status=0
for state in reset carry; do
  a=$(sha256sum < "$work/$state-folds2/m8/final-float32.tflite" | cut -c1-16)
  b=$(sha256sum < "$work/$state-folds3/m8/final-float32.tflite" | cut -c1-16)
  same=$([ "$a" = "$b" ] && echo same || echo different)
  echo "seed state $state: final model after 2 folds $a, after 3 folds $b: $same"
  if [ "$state" = reset ] && [ "$same" != same ]; then status=1; fi
done
exit $status
