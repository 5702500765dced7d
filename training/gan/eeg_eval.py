"""Measures the EEG map generators (training/gan/eeg_wgan.py): fidelity, utility (TSTR vs TRTR),
augmentation and privacy, per subject-wise CV fold (the six folds of training/mdd_cnn.py), each
fold's generator trained on that fold's 30 training persons only and measured on its 6 held-out
persons. Samples come from the exported .tflite (Python LiteRT), float32 or our int8.

    TF_NUM_INTRAOP_THREADS=1 nice -n 10 training/.venv/bin/python training/gan/eeg_eval.py \
        [--variant float32|int8] [--out models/gan-eeg-maps/eval-<variant>.json]

- fidelity: per-band mean and SD maps (real vs synthetic, per condition; final generator vs all 36
  persons, and fold generators vs their training persons): Pearson r and RMSE; a two-sample test:
  a classifier (gradient-boosted trees, and logistic regression) trained to tell the fold's
  training persons' epochs from synthetic ones, tested on the held-out persons' epochs vs fresh
  synthetic ones (AUC; 0.5 = indistinguishable).
- utility: the MDD baseline of mdd_cnn.py (logistic regression, C 0.1, balanced, on standardised
  log10 relative band power) trained on synthetic epochs (TSTR; the same count per condition as the
  fold's real training epochs) or on the real ones (TRTR), tested on the held-out persons; person
  score = mean P over their epochs; metrics with the same bootstrap intervals as the MDD card.
- augmentation: real training epochs + synthetic epochs of the minority label (healthy, EC and EO
  each topped up to the MDD count of that condition) -> the same baseline.
- privacy: distance to the closest synthetic record (standardised 95 values) as a membership score;
  members = the fold's training persons' epochs, non-members = its held-out persons' epochs (AUC;
  0.5 = no leak, target <= 0.55); DCR ratio = median synthetic-to-train / median test-to-train
  nearest distance (>= 1: synthetic epochs are no closer to the training persons than new persons are).
- reference: the same numbers for the simplest generative model, one multivariate normal per
  condition fitted to the fold's training epochs (4 means and covariances, no memory of any epoch):
  what any model of the training persons shows; and a calibrated attack (distance to the Gaussian's
  samples / distance to the GAN's samples), what the GAN leaks beyond that.
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
from eeg_wgan import N_COND, latents  # noqa: E402

RUNS = ["fold0", "fold1", "fold2", "fold3", "fold4", "fold5"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sample(path: str, cond: np.ndarray, seed: int) -> np.ndarray:
    interp, _ = tflite_run.make_interpreter(path)
    width = int(np.prod(interp.get_input_details()[0]["shape"]))
    zc = latents(np.random.default_rng(seed), cond, width - N_COND)
    return tflite_run.run_batch(path, zc.reshape(len(zc), 1, width))["outputs"].reshape(len(zc), -1).astype(np.float64)


def baseline(x_rel, y, seed):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000, class_weight="balanced", random_state=seed))
    clf.fit(np.log10(np.maximum(x_rel, 1e-6)), y)
    return clf


def predict(clf, x_rel):
    return clf.predict_proba(np.log10(np.maximum(x_rel, 1e-6)))[:, 1]


def person_eval(ds, p) -> dict:
    out = {}
    for which in mc.CONDITIONS:
        persons, labels, scores, counts = mc.person_scores(ds["subject"], ds["condition"], ds["y"], p, which)
        m = mc.metrics_with_ci(labels, scores)
        m["persons"] = [{"subject": s, "label": int(l), "score": float(sc), "epochs": int(c)} for s, l, sc, c in zip(persons, labels, scores, counts)]
        out[which] = m
    return out


def map_stats(real_v, synth_v, interp) -> dict:
    """Per band: Pearson r and RMSE (inside the head) of the mean map and of the SD map, real vs synthetic."""
    rm = ed.values_to_maps(real_v, interp).reshape(len(real_v), 5, -1)[:, :, interp["inside"]]
    sm = ed.values_to_maps(synth_v, interp).reshape(len(synth_v), 5, -1)[:, :, interp["inside"]]
    out = {}
    for b, band in enumerate(interp["bands"]):
        r_mean, s_mean = rm[:, b].mean(0), sm[:, b].mean(0)
        r_sd, s_sd = rm[:, b].std(0), sm[:, b].std(0)
        out[band] = {"meanR": float(np.corrcoef(r_mean, s_mean)[0, 1]), "meanRmse": float(np.sqrt(((r_mean - s_mean) ** 2).mean())),
                     "realMeanRange": [float(r_mean.min()), float(r_mean.max())],
                     "sdR": float(np.corrcoef(r_sd, s_sd)[0, 1]), "sdRmse": float(np.sqrt(((r_sd - s_sd) ** 2).mean())),
                     "realSdMean": float(r_sd.mean()), "synthSdMean": float(s_sd.mean())}
    return out


def two_sample_auc(real_tr, synth_tr, c_real_tr, c_synth_tr, real_te, synth_te, c_real_te, c_synth_te, seed) -> dict:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def feats(v, c):
        oh = np.zeros((len(c), N_COND))
        oh[np.arange(len(c)), c] = 1
        return np.concatenate([v, oh], 1)

    x_tr = np.concatenate([feats(real_tr, c_real_tr), feats(synth_tr, c_synth_tr)])
    y_tr = np.r_[np.zeros(len(real_tr)), np.ones(len(synth_tr))]
    x_te = np.concatenate([feats(real_te, c_real_te), feats(synth_te, c_synth_te)])
    y_te = np.r_[np.zeros(len(real_te)), np.ones(len(synth_te))]
    out = {}
    for name, clf in (("gbt", HistGradientBoostingClassifier(max_iter=100, random_state=seed)),
                      ("logistic", make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)))):
        clf.fit(x_tr, y_tr)
        out[name] = mc.roc_auc(y_te.astype(int), clf.predict_proba(x_te)[:, 1])
    return out


def gaussian_twin(v: np.ndarray, cond: np.ndarray, want: np.ndarray, seed: int, shrink: float = 0.0) -> np.ndarray:
    """The reference generator: one multivariate normal per condition (mean, covariance of the training epochs).
    shrink = lambda: covariance (1 - lambda) S + lambda diag(S) (eeg_privacy_tradeoff.py; 0 = the reference)."""
    rng = np.random.default_rng(seed)
    out = np.zeros((len(want), v.shape[1]))
    for k in range(N_COND):
        m = want == k
        if m.any():
            x = v[cond == k]
            s = np.cov(x.T)
            out[m] = rng.multivariate_normal(x.mean(0), s if shrink == 0 else (1 - shrink) * s + shrink * np.diag(np.diag(s)), size=int(m.sum()))
    return out


def nearest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors(n_neighbors=1).fit(b).kneighbors(a)[0][:, 0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(REPO, "training", "out", "gan-eeg"))
    ap.add_argument("--set", default="base", choices=ed.MAP_SETS, help="map set the generators were trained on (eeg_wgan.py --set)")
    ap.add_argument("--variant", default="float32", choices=["float32", "int8"])
    ap.add_argument("--out", default=None)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only-fold", type=int, default=None, help="one fold only (a quick look; no person-level tables)")
    args = ap.parse_args()
    out_path = args.out or os.path.join(ed.model_dir_for(args.set), f"eval-{args.variant}.json")
    ds = ed.load(set_name=args.set)
    interp = ds["interp"]
    folds = ed.folds(ds)
    n = len(ds["y"])
    p_trtr, p_tstr, p_aug, p_gauss = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    per_fold = []
    t0 = time.time()
    for k, held in enumerate(folds):
        if args.only_fold is not None and k != args.only_fold:
            continue
        path = os.path.join(args.work, f"fold{k}", f"generator-{args.variant}.tflite")
        test = np.isin(ds["subject"], held)
        tr = ~test
        v_tr, c_tr, y_tr = ds["v"][tr].astype(np.float64), ds["cond"][tr], ds["y"][tr]
        v_te, c_te = ds["v"][test].astype(np.float64), ds["cond"][test]
        seed = args.seed + 1000 * k
        # synthetic twin of the training set (same count per condition), and an independent one
        s_a = sample(path, c_tr, seed)
        s_b = sample(path, c_te, seed + 1)
        y_s = (c_tr < 2).astype(int)  # conditions 0, 1 = MDD
        # utility
        p_trtr[test] = predict(baseline(ds["relpow"][tr], y_tr, seed), ds["relpow"][test])
        p_tstr[test] = predict(baseline(ed.values_to_relpow(s_a), y_s, seed), ds["relpow"][test])
        counts = np.bincount(c_tr, minlength=N_COND)
        extra_c = np.concatenate([np.full(max(0, counts[m] - counts[h]), h) for m, h in ((0, 2), (1, 3))]).astype(np.int64)
        s_x = sample(path, extra_c, seed + 2) if len(extra_c) else np.zeros((0, v_tr.shape[1]))
        aug_rel = np.concatenate([ds["relpow"][tr], ed.values_to_relpow(s_x)])
        aug_y = np.r_[y_tr, np.zeros(len(s_x), int)]
        p_aug[test] = predict(baseline(aug_rel, aug_y, seed), ds["relpow"][test])
        g_a = gaussian_twin(v_tr, c_tr, c_tr, seed + 3)
        g_b = gaussian_twin(v_tr, c_tr, c_te, seed + 4)
        p_gauss[test] = predict(baseline(ed.values_to_relpow(g_a), y_s, seed), ds["relpow"][test])
        # fidelity
        ts = two_sample_auc(v_tr, s_a, c_tr, c_tr, v_te, s_b, c_te, c_te, seed)
        ts_g = two_sample_auc(v_tr, g_a, c_tr, c_tr, v_te, g_b, c_te, c_te, seed)
        # privacy (standardised by the training persons)
        mu, sd = v_tr.mean(0), v_tr.std(0) + 1e-9
        z = lambda v: (v - mu) / sd  # noqa: E731
        d_member = nearest(z(v_tr), z(s_a))
        d_non = nearest(z(v_te), z(s_a))
        mia = mc.roc_auc(np.r_[np.ones(len(d_member)), np.zeros(len(d_non))].astype(int), -np.r_[d_member, d_non])
        s2t = nearest(z(s_b), z(v_tr))
        t2t = nearest(z(v_te), z(v_tr))
        member = np.r_[np.ones(len(d_member)), np.zeros(len(d_non))].astype(int)
        g_member, g_non = nearest(z(v_tr), z(g_a)), nearest(z(v_te), z(g_a))
        mia_g = mc.roc_auc(member, -np.r_[g_member, g_non])
        # what the GAN leaks beyond a population model: closer to the GAN's samples than to the reference's
        mia_rel = mc.roc_auc(member, np.r_[g_member / d_member, g_non / d_non])
        g2t = nearest(z(g_b), z(v_tr))
        fold = {"fold": k, "heldOut": held, "trainEpochs": int(tr.sum()), "testEpochs": int(test.sum()),
                "augmentedEpochs": {n_: int((extra_c == i).sum()) for i, n_ in enumerate(ed.COND_NAMES)},
                "twoSampleAuc": ts, "membershipAuc": mia, "dcrMedian": {"synthToTrain": float(np.median(s2t)), "testToTrain": float(np.median(t2t))},
                "dcrRatio": float(np.median(s2t) / np.median(t2t)),
                "membershipAucRelativeToGaussian": mia_rel,
                "gaussianReference": {"twoSampleAuc": ts_g, "membershipAuc": mia_g, "dcrRatio": float(np.median(g2t) / np.median(t2t))},
                "dcrShareSynthCloserThanTest5pct": float((s2t < np.percentile(t2t, 5)).mean()),
                "mapsVsTrain": {c: map_stats(v_tr[c_tr == i], s_a[c_tr == i], interp) for i, c in enumerate(ed.COND_NAMES)},
                "epochAccuracy": {"trtr": float(((p_trtr[test] >= 0.5) == ds["y"][test]).mean()), "tstr": float(((p_tstr[test] >= 0.5) == ds["y"][test]).mean()),
                                  "augmented": float(((p_aug[test] >= 0.5) == ds["y"][test]).mean()),
                                  "tstrGaussian": float(((p_gauss[test] >= 0.5) == ds["y"][test]).mean())}}
        per_fold.append(fold)
        log(f"fold {k + 1}/6 ({args.variant}): two-sample AUC gbt {ts['gbt']:.3f} logistic {ts['logistic']:.3f}; MIA AUC {mia:.3f}; DCR ratio {fold['dcrRatio']:.3f}; "
            f"epoch acc TRTR {fold['epochAccuracy']['trtr']:.3f} TSTR {fold['epochAccuracy']['tstr']:.3f} aug {fold['epochAccuracy']['augmented']:.3f}; "
            f"MIA vs Gaussian {mia_rel:.3f}; Gaussian reference: two-sample {ts_g['gbt']:.3f}/{ts_g['logistic']:.3f} MIA {mia_g:.3f} DCR ratio {fold['gaussianReference']['dcrRatio']:.3f} ({time.time() - t0:.0f} s)")
    if args.only_fold is not None:
        return
    res = {"variant": args.variant, "folds": folds, "seed": args.seed, "perFold": per_fold,
           "trtr": person_eval(ds, p_trtr), "tstr": person_eval(ds, p_tstr), "augmented": person_eval(ds, p_aug),
           "tstrGaussian": person_eval(ds, p_gauss)}
    keys = ["twoSampleAuc.gbt", "twoSampleAuc.logistic", "membershipAuc", "dcrRatio", "membershipAucRelativeToGaussian",
            "gaussianReference.twoSampleAuc.gbt", "gaussianReference.twoSampleAuc.logistic", "gaussianReference.membershipAuc", "gaussianReference.dcrRatio"]

    def get(f, key):
        for part in key.split("."):
            f = f[part]
        return f

    res["summary"] = {key: {"mean": float(np.mean([get(f, key) for f in per_fold])), "min": float(np.min([get(f, key) for f in per_fold])),
                            "max": float(np.max([get(f, key) for f in per_fold]))} for key in keys}
    final = os.path.join(args.work, "final", f"generator-{args.variant}.tflite")
    if os.path.exists(final):
        s = sample(final, ds["cond"], args.seed + 99)
        res["finalMapsVsAll"] = {c: map_stats(ds["v"][ds["cond"] == i].astype(np.float64), s[ds["cond"] == i], interp) for i, c in enumerate(ed.COND_NAMES)}
    for name in ("trtr", "tstr", "augmented", "tstrGaussian"):
        for which in mc.CONDITIONS:
            m = res[name][which]
            log(f"  {name:<9} {which:<4} balacc {mc.fmt_ci(m, 'balancedAccuracy')} acc {mc.fmt_ci(m, 'accuracy')} sens {mc.fmt_ci(m, 'sensitivity')} spec {mc.fmt_ci(m, 'specificity')} AUC {m['auc']:.3f}")
    for key, s in res["summary"].items():
        log(f"  {key}: mean {s['mean']:.3f} [{s['min']:.3f}, {s['max']:.3f}] over folds")
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as fh:
        json.dump(res, fh, indent=1)
    log(f"-> {out_path}")


if __name__ == "__main__":
    main()
