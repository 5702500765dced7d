"""Iterate averaging for the ECG GAN: the uniform mean of the generator's weights over its saved checkpoints.

Usage (repo root):
    training/.venv/bin/python training/gan/ecg_average.py --work training/out/gan-ecg/work [--from-step 2000] [--to-step 4000]

Writes <work>/generator-avg<from>-<to>.weights.h5, to export with
    ecg_wgan.py --from-weights <that file> --log <train log> --out <dir> (same --seed and --identity-weight).
Why: a GAN's generator oscillates around an equilibrium rather than converging to it, and neighbouring
checkpoints 250 steps apart differ by up to 9 points of held-out TSTR (docs/models/gan-ecg.md, "Checkpoint
selection"). Averaging the iterates (Polyak averaging, as applied to GANs by Yazici et al. 2019, "The unusual
effectiveness of averaging in GAN training", ICLR) takes the centre of that oscillation, with no choice made on
any score. The generator has no normalisation layers, so the mean weights need no recomputed statistics.
Rule declared 2026-12-03 07:45 UTC, before any averaged generator was scored.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="the training run's --work directory (its checkpoints)")
    ap.add_argument("--from-step", type=int, default=2000)
    ap.add_argument("--to-step", type=int, default=4000)
    args = ap.parse_args()
    import tensorflow as tf
    from ecg_wgan import generator

    steps = sorted(int(m.group(1)) for f in os.listdir(args.work) if (m := re.fullmatch(r"generator-(\d+)\.weights\.h5", f)))
    steps = [s for s in steps if args.from_step <= s <= args.to_step]
    if len(steps) < 2:
        raise SystemExit(f"{args.work}: {len(steps)} generator checkpoint(s) in steps {args.from_step}..{args.to_step}; need 2 or more")
    G = generator(tf.keras)
    total = None
    for s in steps:
        G.load_weights(os.path.join(args.work, f"generator-{s}.weights.h5"))
        w = [np.asarray(v, dtype=np.float64) for v in G.get_weights()]
        total = w if total is None else [a + b for a, b in zip(total, w)]
    G.set_weights([(t / len(steps)).astype(np.float32) for t in total])
    out = os.path.join(args.work, f"generator-avg{steps[0]}-{steps[-1]}.weights.h5")
    G.save_weights(out)
    print(json.dumps({"averaged": steps, "out": out}))


if __name__ == "__main__":
    main()
