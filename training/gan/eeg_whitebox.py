"""White-box membership inference against the EEG map GAN: the attacker holds each fold's trained critic.

LOGAN's white-box attack (Hayes et al. 2019), as training/gan/ecg_whitebox.py does for the ECG GAN:
a candidate epoch is scored by the critic's output D(standardised values, condition); a critic that
has over-fitted its training persons rates their epochs as more "real" than epochs of persons it
never saw. Per subject-wise fold of training/gan/eeg_wgan.py: members = the fold's 30 training
persons' epochs, non-members = its 6 held-out persons' epochs; epoch level (epochs pooled), and
person level (a person's score = the mean over the person's epochs). The final generator (trained on
all 36 persons) has no non-members and is not attacked. Critic scores of different folds are on
different scales, so AUCs are per fold and summarised as mean [min, max] over the folds, as in
docs/models/gan-eeg-maps.md. Yardstick: the same attack with the log-likelihood under one normal per
condition fitted to the members in place of the critic (a model that keeps no epoch): what any model
fitted to the training persons reveals, person shift included.

Usage (after eeg_wgan.py, which saves critic.weights.h5 and standardise.npz per fold):
    training/.venv/bin/python training/gan/eeg_whitebox.py [--set base|cyton8] [--work training/out/gan-eeg] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import eeg_data as ed  # noqa: E402
from ecg_whitebox import auc  # noqa: E402


def gaussian_loglik(x_tr: np.ndarray, c_tr: np.ndarray, x: np.ndarray, c: np.ndarray, n_cond: int, ridge: float = 1e-3) -> np.ndarray:
    """Log density of each row of x under one normal per condition fitted to the members (x_tr): the
    yardstick a memoryless model of the training persons sets for a likelihood-style attack."""
    out = np.empty(len(x))
    for k in range(n_cond):
        a = x_tr[c_tr == k].astype(np.float64)
        mu = a.mean(0)
        cov = np.cov(a, rowvar=False) + ridge * np.eye(a.shape[1])
        sign, logdet = np.linalg.slogdet(cov)
        inv = np.linalg.inv(cov)
        d = x[c == k].astype(np.float64) - mu
        out[c == k] = -0.5 * (np.einsum("ij,jk,ik->i", d, inv, d) + logdet)
    return out


def summary(values: list[float]) -> dict:
    return {"mean": float(np.mean(values)), "min": float(np.min(values)), "max": float(np.max(values)), "perFold": values}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(REPO, "training", "out", "gan-eeg"), help="eeg_wgan.py's --work")
    ap.add_argument("--maps", default=ed.MAPS)
    ap.add_argument("--set", default="base", choices=ed.MAP_SETS, help="map set the generators were trained on (eeg_wgan.py --set)")
    ap.add_argument("--interp", default="", help="spline weights (default: the map set's, eeg_data.interp_for)")
    ap.add_argument("--json", help="write the result here")
    args = ap.parse_args()
    import tensorflow as tf
    from eeg_wgan import N_COND, critic

    ds = ed.load(args.maps, args.interp or None, check=False, set_name=args.set)
    folds = ed.folds(ds)
    per_fold = []
    for k, held in enumerate(folds):
        run = os.path.join(args.work, f"fold{k}")
        with open(os.path.join(run, "train.json")) as fh:
            report = json.load(fh)
        if sorted(report["heldOut"]) != sorted(held):
            raise SystemExit(f"{run}: held-out persons {report['heldOut']} are not fold {k}'s {held}")
        st = np.load(os.path.join(run, "standardise.npz"))
        D = critic(tf.keras, ds["v"].shape[1])
        D.load_weights(os.path.join(run, "critic.weights.h5"))
        xs = ((ds["v"] - st["mu"]) / st["sd"]).astype(np.float32)
        onehot = np.eye(N_COND, dtype=np.float32)[ds["cond"]]
        score = D.predict([xs, onehot], batch_size=1024, verbose=0).reshape(-1)
        member = ~np.isin(ds["subject"], held)
        persons = sorted(set(ds["subject"]))
        mean_of = {p: float(score[ds["subject"] == p].mean()) for p in persons}
        pm = np.array([mean_of[p] for p in persons if p not in held])
        pn = np.array([mean_of[p] for p in held])
        # the centred values span 94 of 95 dimensions: the ridge keeps the covariance invertible
        ll = gaussian_loglik(xs[member], ds["cond"][member], xs, ds["cond"], N_COND)
        ll_of = {p: float(ll[ds["subject"] == p].mean()) for p in persons}
        gm = np.array([ll_of[p] for p in persons if p not in held])
        gn = np.array([ll_of[p] for p in held])
        entry = {"fold": k, "heldOut": held, "epochAuc": auc(score[member], score[~member]), "personAuc": auc(pm, pn),
                 "gaussianEpochAuc": auc(ll[member], ll[~member]), "gaussianPersonAuc": auc(gm, gn),
                 "memberEpochs": int(member.sum()), "nonMemberEpochs": int((~member).sum())}
        per_fold.append(entry)
        print(f"fold {k}: epoch AUC {entry['epochAuc']:.3f} ({entry['memberEpochs']} vs {entry['nonMemberEpochs']} epochs), "
              f"person AUC {entry['personAuc']:.3f} ({len(pm)} vs {len(pn)} persons); Gaussian log-likelihood "
              f"{entry['gaussianEpochAuc']:.3f} / {entry['gaussianPersonAuc']:.3f}", flush=True)
    result = {"attack": "white-box critic score (LOGAN white-box, Hayes et al. 2019)", "work": os.path.relpath(args.work, REPO), "set": args.set,
              "epoch": summary([f["epochAuc"] for f in per_fold]), "person": summary([f["personAuc"] for f in per_fold]),
              "gaussianReference": {"attack": "log-likelihood under one normal per condition fitted to the members",
                                    "epoch": summary([f["gaussianEpochAuc"] for f in per_fold]),
                                    "person": summary([f["gaussianPersonAuc"] for f in per_fold])},
              "folds": per_fold}
    for level in ("epoch", "person"):
        s, g = result[level], result["gaussianReference"][level]
        print(f"{level} level: AUC mean {s['mean']:.3f} [{s['min']:.3f}, {s['max']:.3f}] over {len(per_fold)} folds; "
              f"Gaussian log-likelihood reference {g['mean']:.3f} [{g['min']:.3f}, {g['max']:.3f}]")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
