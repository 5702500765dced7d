"""Checkpoint selection for the ECG GAN on the generator's own training beats only.

Usage (repo root):
    training/.venv/bin/python training/gan/ecg_select.py --work training/out/gan-ecg/work [--from-step 2000] [--json sel.json]

For every generator checkpoint `generator-<step>.weights.h5` in --work with step >= --from-step:
1. generate 1,000 N and 1,000 V beats from fixed latents (the same for every checkpoint);
2. fit a logistic regression on them, with the features `weargate eval synth ecg` uses (the waveform
   followed by the log power of bins 1..32 of the Hann-windowed beat zero-padded to 256 points;
   features standardised, L2);
3. score it on the MEMBER beats (the beats the generator learned from: every V beat, at most 5,000 N),
   balanced accuracy at 0.5: a train-on-synthetic, test-on-training-data score.
The checkpoint with the highest balanced accuracy wins (ties: the later step). No record outside the
generator's training beats is read, so the held-out records `eval synth ecg` tests on stay unseen.
With --heldout-diagnostic every checkpoint is also scored on the held-out records, beside a train-on-real
classifier, after the same draws: that tests the rule, it never changes the choice. Also reported, not used: the median QRS width of the synthetic V beats (the slope rule of
src/models/gan/eval/beat-features.ts) beside the real member V beats'. Rule declared 2026-12-02 22:20 UTC,
before any checkpoint was scored (docs/models/gan-ecg.md, "Checkpoint selection").
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import ecg_data as ed  # noqa: E402

FFT_SIZE, SPECTRUM_BINS = 256, 32


def log_spectrum(beats: np.ndarray) -> np.ndarray:
    n = beats.shape[1]
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / (n - 1))
    spec = np.fft.rfft(beats * w, FFT_SIZE, axis=1)[:, 1:SPECTRUM_BINS + 1]
    return np.log10(np.abs(spec) ** 2 + 1e-8)


def features(beats: np.ndarray) -> np.ndarray:
    return np.concatenate([beats, log_spectrum(beats)], axis=1)


def qrs_width_ms(beat: np.ndarray, pre: int = ed.PRE_SAMPLES, rate: int = ed.RATE_HZ) -> float:
    """Port of qrsWidthMs (src/models/gan/eval/beat-features.ts)."""
    slope = np.zeros(len(beat))
    slope[1:-1] = np.abs(beat[2:] - beat[:-2]) / 2
    near = round(0.06 * rate)
    lo, hi = max(1, pre - near), min(len(beat) - 2, pre + near)
    peak = slope[lo:hi + 1].max()
    if not peak > 0:
        return float("nan")
    limit, reach = 0.15 * peak, round(0.12 * rate)

    def edge(d: int) -> int:
        quiet = 0
        for k in range(1, reach + 1):
            i = pre + d * k
            if i < 1 or i > len(beat) - 2:
                return i
            quiet = quiet + 1 if slope[i] < limit else 0
            if quiet == 3:
                return i - d * 2
        return pre + d * reach

    return (edge(1) - edge(-1)) / rate * 1000


def balanced_accuracy(p: np.ndarray, y: np.ndarray) -> float:
    return float(((p[y == 1] >= 0.5).mean() + (p[y == 0] < 0.5).mean()) / 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="the training run's --work directory (its checkpoints)")
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "mitdb-train"))
    ap.add_argument("--records", default=",".join(ed.GAN_RECORDS))
    ap.add_argument("--member-fraction", type=float, default=ed.MEMBER_FRACTION)
    ap.add_argument("--from-step", type=int, default=2000)
    ap.add_argument("--per-class", type=int, default=1000)
    ap.add_argument("--max-n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--json", help="write the table and the choice here")
    ap.add_argument("--heldout-diagnostic", action="store_true",
                    help="also score every checkpoint on the held-out records (a diagnostic of the rule: never used to select)")
    ap.add_argument("--heldout", default=",".join(ed.HELDOUT_RECORDS))
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    import tensorflow as tf
    from ecg_wgan import LATENT, generator

    rng = np.random.default_rng(args.seed)
    beats = ed.load_beats(args.data, [n for n in args.records.split(",") if n], args.member_fraction)
    x = np.concatenate([b[0] for b in beats.values()])
    y = np.concatenate([b[1] for b in beats.values()])
    n_idx = np.flatnonzero(y == 0)
    keep = np.concatenate([rng.choice(n_idx, min(args.max_n, len(n_idx)), replace=False), np.flatnonzero(y == 1)])
    test_x, test_y = features(x[keep]), y[keep]
    real_v_qrs = float(np.median([qrs_width_ms(b) for b in x[y == 1]]))
    z = rng.standard_normal((2 * args.per_class, LATENT)).astype(np.float32)
    cls = np.repeat(np.eye(2, dtype=np.float32), args.per_class, axis=0)
    syn_y = np.repeat([0, 1], args.per_class)
    heldout = None
    if args.heldout_diagnostic:
        hb = ed.load_beats(args.data, [n for n in args.heldout.split(",") if n], 1.0)
        hx = np.concatenate([b[0] for b in hb.values()])
        hy = np.concatenate([b[1] for b in hb.values()])
        hn = np.flatnonzero(hy == 0)
        hkeep = np.concatenate([rng.choice(hn, min(args.max_n, len(hn)), replace=False), np.flatnonzero(hy == 1)])
        heldout = (features(hx[hkeep]), hy[hkeep])
        fit = lambda xs, ys: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=3000)).fit(features(xs), ys)
        same = np.concatenate([rng.choice(n_idx, args.per_class, replace=False), rng.choice(np.flatnonzero(y == 1), args.per_class, replace=False)])
        trtr = {"samePerClass": balanced_accuracy(fit(x[same], y[same]).predict_proba(heldout[0])[:, 1], heldout[1])}
        print(f"diagnostic, held-out records {args.heldout}: TRTR BA {100 * trtr['samePerClass']:.1f} % "
              f"({args.per_class} real member beats per class)", flush=True)
    steps = sorted(int(m.group(1)) for f in os.listdir(args.work) if (m := re.fullmatch(r"generator-(\d+)\.weights\.h5", f)))
    steps = [s for s in steps if s >= args.from_step]
    if not steps:
        raise SystemExit(f"{args.work}: no generator checkpoint at step >= {args.from_step}")
    G = generator(tf.keras)
    rows = []
    for s in steps:
        G.load_weights(os.path.join(args.work, f"generator-{s}.weights.h5"))
        syn = G.predict(np.concatenate([z, cls], 1), batch_size=500, verbose=0)
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=3000)).fit(features(syn), syn_y)
        ba = balanced_accuracy(clf.predict_proba(test_x)[:, 1], test_y)
        v_qrs = float(np.median([qrs_width_ms(b) for b in syn[syn_y == 1]]))
        rows.append({"step": s, "memberTstrBalancedAccuracy": ba, "syntheticVQrsMedianMs": v_qrs})
        extra = ""
        if heldout is not None:
            rows[-1]["diagnosticHeldoutTstrBalancedAccuracy"] = h = balanced_accuracy(clf.predict_proba(heldout[0])[:, 1], heldout[1])
            extra = f"  (diagnostic: held-out TSTR BA {100 * h:5.1f} %)"
        print(f"step {s:5d}  member TSTR BA {100 * ba:5.1f} %  synthetic V QRS {v_qrs:5.1f} ms (real {real_v_qrs:.1f}){extra}", flush=True)
    best = max(rows, key=lambda r: (round(r["memberTstrBalancedAccuracy"], 9), r["step"]))
    print(f"selected: step {best['step']}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rule": "max member-TSTR balanced accuracy, ties -> later step", "fromStep": args.from_step,
                       "perClass": args.per_class, "memberTest": {"n": int((test_y == 0).sum()), "v": int((test_y == 1).sum())},
                       "realVQrsMedianMs": real_v_qrs, "checkpoints": rows, "selected": best["step"],
                       **({"diagnosticHeldout": {"records": args.heldout.split(","), "n": int((heldout[1] == 0).sum()), "v": int((heldout[1] == 1).sum()),
                                                 "trtrBalancedAccuracy": trtr}} if heldout is not None else {})}, fh, indent=1)


if __name__ == "__main__":
    main()
