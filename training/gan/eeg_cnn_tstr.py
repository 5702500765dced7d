"""TSTR with the MDD screening CNN (training/mdd_cnn.py) instead of the logistic baseline: per subject-wise
fold, the CNN of mdd-cnn (same architecture, hyper-parameters, seeds and training stride) is trained on the
fold's real training maps (TRTR: the mdd-cnn CV's recipe, but one thread and every arm from the same state, so
not the card's numbers), on as many synthetic map
stacks from the fold generator (models/gan-eeg-maps/folds/fold<k>, never saw the fold's held-out persons,
same conditions as the real training epochs it replaces) (TSTR), and on as many stacks of the Gaussian
reference of eeg_eval.py (one normal per condition fitted to the fold's training epochs), and tested on the
held-out persons' real maps. Person score = mean P(MDD); metrics and intervals as the MDD card.
Augmentation (the on-device model's): the real training maps plus synthetic healthy stacks (the minority
label), each eyes condition topped up to its MDD count (as eeg_eval.py), against the same top-up with real
healthy maps of that condition drawn again with replacement (duplication, the control).

    TF_NUM_INTRAOP_THREADS=1 nice -n 10 training/.venv/bin/python training/gan/eeg_cnn_tstr.py [--set base|cyton8] \
        [--generators models/gan-eeg-maps[-cyton8]/folds] [--variant float32] [--cnn-seed S] [--out eval-cnn-tstr.json]
--set cyton8: the 8-electrode map set, its generators (models/gan-eeg-maps-cyton8) and mdd-cnn-cyton8's fold models.
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
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

import eeg_data as ed  # noqa: E402
import mdd_cnn  # noqa: E402
import mdd_common as mc  # noqa: E402
import tflite_run  # noqa: E402
from eeg_eval import gaussian_twin, sample  # noqa: E402

ARMS = ("trtr", "tstr", "tstrGaussian", "augmented", "duplicated")
COMMITTED = {"base": os.path.join(REPO, "models", "mdd-cnn", "folds"), "cyton8": os.path.join(REPO, "models", "mdd-cnn-cyton8", "folds")}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def to_nhwc(v: np.ndarray, interp: dict) -> np.ndarray:
    maps = ed.values_to_maps(v, interp)  # [N, bands, grid, grid]
    return np.ascontiguousarray(np.transpose(maps, (0, 2, 3, 1))).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="base", choices=ed.MAP_SETS, help="map set: base (19 electrodes) or cyton8 (8)")
    ap.add_argument("--generators", default="", help="fold generators (default: models/gan-eeg-maps[-cyton8]/folds)")
    ap.add_argument("--variant", default="float32", choices=["float32", "int8"])
    ap.add_argument("--seed", type=int, default=7, help="latents and Gaussian samples (eeg_eval.py's)")
    ap.add_argument("--cnn-seed", type=int, default=None, help="seed of the CNNs (default mdd_cnn.py's, 20261201; fold k uses seed + k)")
    ap.add_argument("--out", default="", help="default: models/gan-eeg-maps[-cyton8]/eval-cnn-tstr.json")
    args = ap.parse_args()
    args.generators = args.generators or os.path.join(ed.model_dir_for(args.set), "folds")
    args.out = args.out or os.path.join(ed.model_dir_for(args.set), "eval-cnn-tstr.json")
    # mdd-cnn's own defaults (epochs, batch, learning rate, width, stride, seed)
    cnn_args = mdd_cnn.parser().parse_args([] if args.cnn_seed is None else ["--seed", str(args.cnn_seed)])
    import tensorflow as tf

    # as mdd_cnn.py: deterministic kernels (the thread count still changes the numbers)
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_intra_op_parallelism_threads(int(os.environ.get("TF_NUM_INTRAOP_THREADS", "2")))
    tf.config.threading.set_inter_op_parallelism_threads(int(os.environ.get("TF_NUM_INTEROP_THREADS", "1")))
    ds = ed.load(set_name=args.set)
    interp = ds["interp"]
    folds = ed.folds(ds)
    cnn_folds = mc.make_folds({s: int(ds["y"][ds["subject"] == s][0]) for s in sorted(set(ds["subject"]))}, cnn_args.folds, 20261201)
    if cnn_folds != folds:
        raise SystemExit(f"the GAN's folds {folds} are not mdd-cnn's {cnn_folds}")
    n = len(ds["y"])
    p = {a: np.full(n, np.nan) for a in ARMS}
    # the shipped mdd-cnn's own fold models (models/mdd-cnn/folds): the card's CV, for comparison with this run's TRTR
    p_committed = np.full(n, np.nan)
    per_fold = []
    t0 = time.time()
    for k, held in enumerate(folds):
        test = np.isin(ds["subject"], held)
        train_idx = np.where(~test)[0][:: cnn_args.train_stride]
        c_tr, y_tr = ds["cond"][train_idx], ds["y"][train_idx]
        y_s = (c_tr < 2).astype(np.int64)  # conditions 0, 1 = MDD
        if not np.array_equal(y_s, y_tr):
            raise SystemExit("condition codes disagree with the labels")
        seed = args.seed + 1000 * k
        gen = os.path.join(args.generators, f"fold{k}", f"generator-{args.variant}.tflite")
        v_all_tr = ds["v"][~test].astype(np.float64)
        counts = np.bincount(c_tr, minlength=4)
        extra_c = np.concatenate([np.full(max(0, counts[m] - counts[h]), h) for m, h in ((0, 2), (1, 3))]).astype(np.int64)
        dup_rng = np.random.default_rng(seed + 5)
        dup_idx = np.array([dup_rng.choice(np.where(c_tr == c)[0]) for c in extra_c], np.int64)
        y_extra = np.zeros(len(extra_c), np.int64)
        sets = {
            "trtr": ds["x"][train_idx],
            "tstr": to_nhwc(sample(gen, c_tr, seed), interp),
            "tstrGaussian": to_nhwc(gaussian_twin(v_all_tr, ds["cond"][~test], c_tr, seed + 3), interp),
            "augmented": np.concatenate([ds["x"][train_idx], to_nhwc(sample(gen, extra_c, seed + 2), interp)]),
            "duplicated": np.concatenate([ds["x"][train_idx], ds["x"][train_idx][dup_idx]]),
        }
        labels = {arm: (np.r_[y_tr, y_extra] if arm in ("augmented", "duplicated") else y_tr) for arm in ARMS}
        acc = {}
        p_committed[test] = tflite_run.run_batch(os.path.join(COMMITTED[args.set], f"fold{k}-float32.tflite"), ds["x"][test])["outputs"].reshape(-1)
        for arm in ARMS:
            # reset_seed_state: every arm starts from the same state, whatever was trained before it
            model = mdd_cnn.train_cnn(tf, sets[arm], labels[arm], cnn_args, cnn_args.seed + k, reset_seed_state=True)
            p[arm][test] = model.predict(ds["x"][test], batch_size=256, verbose=0)[:, 0]
            acc[arm] = float(((p[arm][test] >= 0.5) == ds["y"][test]).mean())
        per_fold.append({"fold": k, "heldOut": held, "trainMaps": int(len(train_idx)), "toppedUp": {ed.COND_NAMES[c]: int((extra_c == c).sum()) for c in (2, 3)}, "generator": os.path.relpath(gen, REPO), "epochAccuracy": acc})
        log(f"fold {k + 1}/{len(folds)}: {len(train_idx)} training maps per arm; held-out epoch accuracy "
            + ", ".join(f"{a} {v:.3f}" for a, v in acc.items()) + f" ({time.time() - t0:.0f} s)")
    mask = np.ones(n, bool)
    res = {a: mdd_cnn.evaluate(ds, p[a], mask) for a in ARMS}
    res["trtrCommitted"] = mdd_cnn.evaluate(ds, p_committed, mask)
    gap = {c: {"balancedAccuracyPoints": 100 * (res["tstr"][c]["balancedAccuracy"] - res["trtr"][c]["balancedAccuracy"])} for c in res["trtr"]}
    for c in gap:
        gap[c]["withinTarget"] = gap[c]["balancedAccuracyPoints"] >= -3
        gap[c]["augmentedMinusTrtrPoints"] = 100 * (res["augmented"][c]["balancedAccuracy"] - res["trtr"][c]["balancedAccuracy"])
        gap[c]["augmentedMinusDuplicatedPoints"] = 100 * (res["augmented"][c]["balancedAccuracy"] - res["duplicated"][c]["balancedAccuracy"])
    out = {"mapSet": args.set, "variant": args.variant, "resetSeedState": True, "generators": os.path.relpath(args.generators, REPO), "seed": args.seed, "cnn": {k: v for k, v in vars(cnn_args).items() if k in ("epochs", "batch_size", "learning_rate", "width", "train_stride", "seed")},
           "folds": folds, "perFold": per_fold, **res, "gap": gap,
           "notes": ["TRTR: the mdd-cnn CV's recipe retrained in this run (same folds, seeds, stride; one thread, dropout state reset per arm, so not the card's numbers); TSTR: the same CNN trained on synthetic maps of the same conditions and count; trtrCommitted: the shipped mdd-cnn (or mdd-cnn-cyton8) fold models, the card's CV",
                     "research screening signal, not a diagnosis"]}
    for arm in (*ARMS, "trtrCommitted"):
        log(f"{arm}: " + "; ".join(f"{c} BA {100 * res[arm][c]['balancedAccuracy']:.1f} % AUC {res[arm][c]['auc']:.3f}" for c in res[arm]))
    log("TSTR - TRTR, points: " + ", ".join(f"{c} {g['balancedAccuracyPoints']:+.1f}" for c, g in gap.items()))
    log("augmented - TRTR, points: " + ", ".join(f"{c} {g['augmentedMinusTrtrPoints']:+.1f}" for c, g in gap.items())
        + "; augmented - duplicated: " + ", ".join(f"{c} {g['augmentedMinusDuplicatedPoints']:+.1f}" for c, g in gap.items()))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    log(f"-> {args.out}")


if __name__ == "__main__":
    main()
