"""Diagnostic: can a model of the fold's 30 training persons meet the DCR membership target (AUC <= 0.55)
and still look like real EEG? Two families, each with one knob that widens what it generates:
- the committed fold generators (models/gan-eeg-maps/folds) sampled at latent temperature tau
  (z ~ N(0, tau^2 I); tau = 1 is how the generator is trained and used);
- the Gaussian reference of eeg_eval.py (one normal per condition) with its covariance shrunk towards
  its diagonal, (1 - lambda) S + lambda diag(S) (lambda = 0 is eeg_eval.py's reference).
Per arm, over the six folds: DCR membership AUC and DCR ratio (eeg_eval.py's privacy measures), the
gradient-boosted-tree two-sample AUC (fidelity), and TSTR with the logistic MDD baseline (person-level
balanced accuracy, EC / EO / both). The knobs are read off on the held-out persons here, so nothing
chosen from this table is an unbiased result; it is a map of the trade-off, not a recipe.

    OMP_NUM_THREADS=1 nice -n 10 training/.venv/bin/python training/gan/eeg_privacy_tradeoff.py \
        [--taus 1,1.5,2,3,4,6] [--lambdas 0,0.3,0.6,1] [--out models/gan-eeg-maps/privacy-tradeoff.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import eeg_data as ed  # noqa: E402
import mdd_common as mc  # noqa: E402
import tflite_run  # noqa: E402
from eeg_eval import baseline, gaussian_twin, nearest, predict, two_sample_auc  # noqa: E402
from eeg_wgan import N_COND  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def gan_sampler(path: str, tau: float):
    def draw(cond: np.ndarray, seed: int) -> np.ndarray:
        interp, _ = tflite_run.make_interpreter(path)
        width = int(np.prod(interp.get_input_details()[0]["shape"]))
        z = tau * np.random.default_rng(seed).standard_normal((len(cond), width - N_COND)).astype(np.float32)
        oh = np.zeros((len(cond), N_COND), np.float32)
        oh[np.arange(len(cond)), cond] = 1
        zc = np.concatenate([z, oh], 1)
        return tflite_run.run_batch(path, zc.reshape(len(zc), 1, width))["outputs"].reshape(len(zc), -1).astype(np.float64)
    return draw


def gaussian_sampler(v: np.ndarray, cond: np.ndarray, lam: float):
    return lambda want, seed: gaussian_twin(v, cond, want, seed, shrink=lam)


def person_ba(ds: dict, p: np.ndarray, mask: np.ndarray) -> float:
    subj = sorted(set(ds["subject"][mask]))
    score = np.array([p[mask & (ds["subject"] == s)].mean() for s in subj])
    y = np.array([ds["y"][ds["subject"] == s][0] for s in subj])
    return float(100 * 0.5 * (((score >= 0.5) & (y == 1)).sum() / (y == 1).sum() + ((score < 0.5) & (y == 0)).sum() / (y == 0).sum()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generators", default=os.path.join(REPO, "models", "gan-eeg-maps", "folds"))
    ap.add_argument("--taus", default="1,1.5,2,3,4,6")
    ap.add_argument("--lambdas", default="0,0.3,0.6,1")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(REPO, "models", "gan-eeg-maps", "privacy-tradeoff.json"))
    args = ap.parse_args()
    ds = ed.load()
    folds = ed.folds(ds)
    arms = [("gan", float(t)) for t in args.taus.split(",") if t] + [("gaussian", float(x)) for x in args.lambdas.split(",") if x]
    ec, eo, both = ds["cond"] % 2 == 0, ds["cond"] % 2 == 1, np.ones(len(ds["y"]), bool)
    p_trtr = np.full(len(ds["y"]), np.nan)
    rows = []
    t0 = time.time()
    for family, knob in arms:
        mia, ratio, trees, p = [], [], [], np.full(len(ds["y"]), np.nan)
        for k, held in enumerate(folds):
            test = np.isin(ds["subject"], held)
            tr = ~test
            v_tr, c_tr, v_te, c_te = ds["v"][tr].astype(np.float64), ds["cond"][tr], ds["v"][test].astype(np.float64), ds["cond"][test]
            seed = args.seed + 1000 * k
            draw = gan_sampler(os.path.join(args.generators, f"fold{k}", "generator-float32.tflite"), knob) if family == "gan" else gaussian_sampler(v_tr, c_tr, knob)
            s_a, s_b = draw(c_tr, seed + (0 if family == "gan" else 3)), draw(c_te, seed + (1 if family == "gan" else 4))
            mu, sd = v_tr.mean(0), v_tr.std(0) + 1e-9
            z = lambda a: (a - mu) / sd  # noqa: E731
            d_m, d_n = nearest(z(v_tr), z(s_a)), nearest(z(v_te), z(s_a))
            mia.append(mc.roc_auc(np.r_[np.ones(len(d_m)), np.zeros(len(d_n))].astype(int), -np.r_[d_m, d_n]))
            ratio.append(float(np.median(nearest(z(s_b), z(v_tr))) / np.median(nearest(z(v_te), z(v_tr)))))
            trees.append(two_sample_auc(v_tr, s_a, c_tr, c_tr, v_te, s_b, c_te, c_te, seed)["gbt"])
            p[test] = predict(baseline(ed.values_to_relpow(s_a), (c_tr < 2).astype(int), seed), ds["relpow"][test])
            if not rows and family == arms[0][0] and knob == arms[0][1]:
                p_trtr[test] = predict(baseline(ds["relpow"][tr], ds["y"][tr], seed), ds["relpow"][test])
        row = {"family": family, "knob": {"gan": "latent temperature tau", "gaussian": "shrinkage lambda towards the diagonal"}[family], "value": knob,
               "membershipAuc": {"mean": float(np.mean(mia)), "min": float(min(mia)), "max": float(max(mia))},
               "dcrRatio": float(np.mean(ratio)), "twoSampleAucTrees": float(np.mean(trees)),
               "tstrBalancedAccuracy": {"EC": person_ba(ds, p, ec), "EO": person_ba(ds, p, eo), "both": person_ba(ds, p, both)}}
        rows.append(row)
        log(f"{family} {knob}: DCR membership {row['membershipAuc']['mean']:.3f} [{row['membershipAuc']['min']:.3f}, {row['membershipAuc']['max']:.3f}], "
            f"DCR ratio {row['dcrRatio']:.3f}, trees {row['twoSampleAucTrees']:.3f}, TSTR BA EC/EO/both "
            + " / ".join(f"{v:.1f}" for v in row["tstrBalancedAccuracy"].values()) + f" ({time.time() - t0:.0f} s)")
    trtr = {"EC": person_ba(ds, p_trtr, ec), "EO": person_ba(ds, p_trtr, eo), "both": person_ba(ds, p_trtr, both)}
    log("TRTR BA EC/EO/both " + " / ".join(f"{v:.1f}" for v in trtr.values()))
    with open(args.out, "w") as f:
        json.dump({"folds": folds, "seed": args.seed, "trtrBalancedAccuracy": trtr, "arms": rows,
                   "notes": ["a diagnostic read on the held-out persons: a map of the trade-off, not a tuned recipe"]}, f, indent=1)
    log(f"-> {args.out}")


if __name__ == "__main__":
    main()
