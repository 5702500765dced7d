"""MDD screening CNN on EEG band-power topographic maps, subject-wise cross-validation.

Usage (from the repo root; maps first, made by the gateway's own TypeScript features):
    npx tsx scripts/mdd-maps.ts                        # -> training/out/mdd-maps/{base,cyton8,x0.5,x2,shuffled,bandlimited}
    TF_NUM_INTRAOP_THREADS=2 TF_NUM_INTEROP_THREADS=1 \
      training/.venv/bin/python training/mdd_cnn.py     # -> training/out/mdd-cnn/ (models, cv.json)
(--seed-state carry is the code path of mdd-cnn 0.1.0-0.3.0, which were trained with the dropout state carried over;
on this machine on 2026-12-04 it no longer gave their bytes: docs/models/mdd-run-order.md)
Then `bash scripts/mdd-quantize.sh` quantizes with our quantizer and `training/mdd_export.py`
writes models/mdd-cnn/ (manifest, goldens). See docs/models/mdd.md. A clinic's own data:
`weargate model train mdd` runs this script with --maps/--out in its output folder,
--montages 19|8 --ablations '' --no-confounds.

Per montage (19 = 10-20, 8 = Cyton): k folds of persons stratified by label (every file of a
person, EC and EO, in the same fold); per fold a CNN and a logistic-regression baseline on relative
band powers are trained on the other persons only; held-out epochs get P(MDD); a person's score
is the mean P over their epochs (EC, EO, both). Ablations reuse the fold models on maps made from
x0.5 and x2 scaled recordings and from channel-shuffled files. Seeded; progress lines on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import mdd_common as mc  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def build_model(tf, width: int, input_shape=(32, 32, 5)):
    """Stem conv 3x3 -> pool -> residual depthwise-separable block -> pool -> 1x1 widen -> block -> GAP -> dense -> sigmoid."""
    L = tf.keras.layers
    reg = tf.keras.regularizers.l2(1e-4)

    def block(x, ch):
        y = L.DepthwiseConv2D(3, padding="same", use_bias=False, depthwise_regularizer=reg)(x)
        y = L.BatchNormalization()(y)
        y = L.ReLU()(y)
        y = L.Conv2D(ch, 1, use_bias=False, kernel_regularizer=reg)(y)
        y = L.BatchNormalization()(y)
        return L.ReLU()(L.Add()([x, y]))

    inp = L.Input(input_shape, name="maps")
    x = L.Conv2D(width, 3, padding="same", use_bias=False, kernel_regularizer=reg)(inp)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.MaxPooling2D(2)(x)  # 16x16
    x = block(x, width)
    x = L.MaxPooling2D(2)(x)  # 8x8
    x = L.Conv2D(2 * width, 1, use_bias=False, kernel_regularizer=reg)(x)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = block(x, 2 * width)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dropout(0.3)(x)
    out = L.Dense(1, activation="sigmoid", name="p_mdd")(x)
    return tf.keras.Model(inp, out)


_TRAINER: dict = {}
ABLATIONS = ["x0.5", "x2", "shuffled", "bandlimited"]


def train_cnn(tf, x, y, args, seed, reset_seed_state: bool = False):
    """A fresh seeded model per fold. One compiled Keras model is reused (weights from a freshly built
    seeded twin, optimizer slots zeroed) so that its traced train/predict functions are too: tracing
    costs most of a minute on this loaded machine, per model.
    The dropout layer's seed-generator state is not among get_weights(), so without reset_seed_state it
    carries over from the previous training (mdd-cnn 0.1.0-0.3.0 were trained so: each fold and the final
    model depend on the trainings run before them; `--seed-state carry`). reset_seed_state=True copies
    the fresh twin's state too, so that a training depends on its seed and data only (the default of
    this script since 2026-12-04, and of training/gan/eeg_cnn_tstr.py)."""
    tf.keras.utils.set_random_seed(seed)
    fresh = build_model(tf, args.width, x.shape[1:])
    model = _TRAINER.get("model")
    if model is None:
        model = fresh
        model.compile(optimizer=tf.keras.optimizers.Adam(args.learning_rate), loss="binary_crossentropy")
        _TRAINER["model"] = model
    else:
        model.set_weights(fresh.get_weights())
        if reset_seed_state:
            mine = [v for v in model.variables if "seed_generator" in v.path]
            twin = [v for v in fresh.variables if "seed_generator" in v.path]
            if not mine or len(mine) != len(twin) or any(v.shape != w.shape for v, w in zip(mine, twin)):
                raise RuntimeError("no matching dropout seed-generator state to reset")
            for v, w in zip(mine, twin):
                v.assign(w)
        for v in model.optimizer.variables:
            if "learning_rate" not in v.name:  # iterations and the Adam moments; the rate stays
                v.assign(tf.zeros_like(v))
        lr = float(np.array(model.optimizer.learning_rate))
        if abs(lr - args.learning_rate) > 1e-6:
            raise RuntimeError(f"optimizer reset changed the learning rate to {lr}")
    w1 = len(y) / (2 * max(1, y.sum()))
    w0 = len(y) / (2 * max(1, (1 - y).sum()))
    cb = tf.keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: log(f"    epoch {e + 1}/{args.epochs} loss {logs['loss']:.4f}"))
    model.fit(x, y.astype(np.float32), batch_size=args.batch_size, epochs=args.epochs, verbose=0, shuffle=True,
              class_weight={0: w0, 1: w1}, callbacks=[cb])
    return model


def train_baseline(x, y, seed):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000, class_weight="balanced", random_state=seed))
    clf.fit(np.log10(np.maximum(x, 1e-6)), y)
    return clf


def baseline_predict(clf, x):
    return clf.predict_proba(np.log10(np.maximum(x, 1e-6)))[:, 1]


def evaluate(ds, p_epoch, mask) -> dict:
    out = {}
    for which in mc.CONDITIONS:
        persons, labels, scores, counts = mc.person_scores(ds["subject"][mask], ds["condition"][mask], ds["y"][mask], p_epoch[mask], which)
        if not persons:  # no recording of this condition (a labels file without conditions)
            continue
        m = mc.metrics_with_ci(labels, scores)
        m["persons"] = [{"subject": s, "label": int(l), "score": float(sc), "epochs": int(c)} for s, l, sc, c in zip(persons, labels, scores, counts)]
        out[which] = m
    return out


def show(name: str, res: dict) -> None:
    for which in (c for c in mc.CONDITIONS if c in res):
        m = res[which]
        auc = m["auc"]
        ci = m.get("aucCi", [float("nan")] * 2)
        log(f"  {name:<22} {which:<4} n={m['n']:2d} acc {mc.fmt_ci(m, 'accuracy')} sens {mc.fmt_ci(m, 'sensitivity')} "
            f"spec {mc.fmt_ci(m, 'specificity')} balacc {mc.fmt_ci(m, 'balancedAccuracy')} AUC {auc:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]")


def export_tflite(tf, model, path):
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    data = conv.convert()
    with open(path, "wb") as f:
        f.write(data)


def export_tf_int8(tf, model, calib, path):
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: ([c[None].astype(np.float32)] for c in calib)
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with open(path, "wb") as f:
        f.write(conv.convert())


def run_montage(tf, args, set_name: str, tag: str, ablation_sets: list[str]) -> dict:
    ablation_sets = [a for a in ablation_sets if a in args.ablations.split(",")]
    ds = mc.load_set(args.maps, set_name)
    persons = {s: int(ds["y"][ds["subject"] == s][0]) for s in sorted(set(ds["subject"]))}
    folds = mc.make_folds(persons, args.folds, args.seed)
    log(f"{tag}: {len(ds['y'])} clean epochs, {len(persons)} persons ({sum(persons.values())} MDD), folds {folds}")
    out_dir = os.path.join(args.out, tag)
    os.makedirs(out_dir, exist_ok=True)
    abl = {a: mc.load_set(args.maps, a) for a in ablation_sets}
    p_cnn = np.full(len(ds["y"]), np.nan)
    p_lr = np.full(len(ds["y"]), np.nan)
    p_abl = {a: np.full(len(v["y"]), np.nan) for a, v in abl.items()}
    for k, test in enumerate(folds):
        t0 = time.time()
        test_mask = np.isin(ds["subject"], test)
        train_idx = np.where(~test_mask)[0][:: args.train_stride]
        log(f"{tag} fold {k + 1}/{len(folds)}: held out {test}; training on {len(train_idx)} epochs of {len(persons) - len(test)} persons")
        model = train_cnn(tf, ds["x"][train_idx], ds["y"][train_idx], args, args.seed + k, args.seed_state == "reset")
        p_cnn[test_mask] = model.predict(ds["x"][test_mask], batch_size=256, verbose=0)[:, 0]
        clf = train_baseline(ds["relpow"][~test_mask], ds["y"][~test_mask], args.seed + k)
        p_lr[test_mask] = baseline_predict(clf, ds["relpow"][test_mask])
        for a, v in abl.items():
            m = np.isin(v["subject"], test)
            p_abl[a][m] = model.predict(v["x"][m], batch_size=256, verbose=0)[:, 0]
        export_tflite(tf, model, os.path.join(out_dir, f"fold{k}-float32.tflite"))
        calib_idx = np.random.default_rng(args.seed + k).choice(train_idx, size=min(args.calib, len(train_idx)), replace=False)
        np.save(os.path.join(out_dir, f"fold{k}-calib.npy"), ds["x"][calib_idx].astype(np.float32))
        np.save(os.path.join(out_dir, f"fold{k}-keras-test.npy"), p_cnn[test_mask].astype(np.float32))
        log(f"{tag} fold {k + 1} done in {time.time() - t0:.0f} s; held-out epoch accuracy CNN {((p_cnn[test_mask] >= 0.5) == ds['y'][test_mask]).mean():.3f} LR {((p_lr[test_mask] >= 0.5) == ds['y'][test_mask]).mean():.3f}")
    res = {"set": set_name, "folds": folds, "cnn": evaluate(ds, p_cnn, np.ones(len(p_cnn), bool)), "baseline": evaluate(ds, p_lr, np.ones(len(p_lr), bool))}
    res["epochAccuracy"] = {"cnn": float(((p_cnn >= 0.5) == ds["y"]).mean()), "baseline": float(((p_lr >= 0.5) == ds["y"]).mean())}
    show(f"{tag} CNN", res["cnn"])
    show(f"{tag} baseline LR", res["baseline"])
    res["ablations"] = {}
    for a, v in abl.items():
        r = evaluate(v, p_abl[a], np.ones(len(v["y"]), bool))
        base_scores = {q["subject"]: q["score"] for q in res["cnn"]["both"]["persons"]}
        diffs = [abs(q["score"] - base_scores[q["subject"]]) for q in r["both"]["persons"]]
        r["maxPersonScoreDiff"] = float(max(diffs))
        r["cleanEpochs"] = int(len(v["y"]))
        res["ablations"][a] = r
        show(f"{tag} CNN on {a}", r)
        log(f"  {a}: {len(v['y'])} clean epochs (base {len(ds['y'])}), max |person score - base| {max(diffs):.4f}")
    # final model on every person (what ships), with its calibration set
    log(f"{tag}: final model on all {len(persons)} persons")
    idx = np.arange(len(ds["y"]))[:: args.train_stride]
    final = train_cnn(tf, ds["x"][idx], ds["y"][idx], args, args.seed + 100, args.seed_state == "reset")
    export_tflite(tf, final, os.path.join(out_dir, "final-float32.tflite"))
    calib = ds["x"][np.random.default_rng(args.seed).choice(idx, size=min(args.calib, len(idx)), replace=False)].astype(np.float32)
    np.save(os.path.join(out_dir, "final-calib.npy"), calib)
    export_tf_int8(tf, final, calib, os.path.join(out_dir, "final-int8-tfconverter.tflite"))
    final.save(os.path.join(out_dir, "final.keras"))
    res["params"] = int(final.count_params())
    np.save(os.path.join(out_dir, "cv-p-cnn.npy"), p_cnn.astype(np.float32))
    return res


def two_means(v: np.ndarray, iters: int = 50) -> tuple[float, float]:
    """1-D k-means with k = 2 (centres start at the extremes): the two recording setups' centres."""
    lo, hi = float(v.min()), float(v.max())
    for _ in range(iters):
        near_lo = np.abs(v - lo) <= np.abs(v - hi)
        lo, hi = float(v[near_lo].mean()), float(v[~near_lo].mean())
    return lo, hi


def confounds(args) -> dict:
    """What predicts the label WITHOUT the model: channel count of the file, recording amplitude, and the
    recording setup's filter edges (power below 1 Hz and above 40 Hz, src/models/mdd/setup-signature.ts)."""
    ds = mc.load_set(args.maps, "base")
    recs = ds["meta"]["recordings"]
    persons = sorted({r["subject"] for r in recs})
    y = np.array([1 if next(r for r in recs if r["subject"] == s)["label"] == "MDD" else 0 for s in persons])
    extra = np.array([float(np.mean([len(r["channelLabels"]) > 20 for r in recs if r["subject"] == s])) for s in persons])
    amp = np.array([float(np.median([r["medianStdUv"] for r in recs if r["subject"] == s])) for s in persons])
    low = np.array([float(np.mean([r["setup"]["lowEdgeLog10"] for r in recs if r["subject"] == s])) for s in persons])
    high = np.array([float(np.mean([r["setup"]["highEdgeLog10"] for r in recs if r["subject"] == s])) for s in persons])
    # the setups: two clusters of the high-pass edge; a person is "discordant" when recorded with the
    # setup most persons of the OTHER group were recorded with (a setup detector gets them all wrong)
    c_lo, c_hi = two_means(low)
    steep = np.abs(low - c_lo) <= np.abs(low - c_hi)  # the steep high-pass setup
    mdd_setup_steep = (steep & (y == 1)).sum() >= (~steep & (y == 1)).sum()
    discordant = [s for s, st, l in zip(persons, steep, y) if (st == mdd_setup_steep) != (l == 1)]
    out = {"channelCount22": {"auc": mc.roc_auc(y, 1 - extra), "mdd22": int(((extra > 0) & (y == 1)).sum()), "healthy22": int(((extra > 0) & (y == 0)).sum()),
                              "mdd": int(y.sum()), "healthy": int((1 - y).sum())},
           "amplitude": {"auc": mc.roc_auc(y, amp), "medianStdUvMdd": float(np.median(amp[y == 1])), "medianStdUvHealthy": float(np.median(amp[y == 0]))},
           "setup": {"lowEdgeAuc": mc.roc_auc(y, -low), "highEdgeAuc": mc.roc_auc(y, -high), "clusterCentres": [c_lo, c_hi],
                     "steepMdd": int((steep & (y == 1)).sum()), "steepHealthy": int((steep & (y == 0)).sum()),
                     "setupAloneBalancedAccuracy": mc.point_metrics(y, (steep == mdd_setup_steep).astype(float))["balancedAccuracy"],
                     "discordant": discordant,
                     "persons": [{"subject": s, "label": int(l), "lowEdgeLog10": float(a), "highEdgeLog10": float(b)} for s, l, a, b in zip(persons, y, low, high)]}}
    st = out["setup"]
    log(f"confounds: 22-channel files: {out['channelCount22']['mdd22']} of {out['channelCount22']['mdd']} MDD persons, {out['channelCount22']['healthy22']} of {out['channelCount22']['healthy']} healthy; "
        f"AUC of 'has no extra channels' for MDD {out['channelCount22']['auc']:.3f}; AUC of median epoch std (uV) {out['amplitude']['auc']:.3f} "
        f"(MDD {out['amplitude']['medianStdUvMdd']:.1f} uV, healthy {out['amplitude']['medianStdUvHealthy']:.1f} uV)")
    log(f"confounds: setup filter edges: AUC of the high-pass edge {st['lowEdgeAuc']:.3f}, of the low-pass edge {st['highEdgeAuc']:.3f}; "
        f"steep high-pass setup (centres {c_lo:.2f} / {c_hi:.2f} log10): {st['steepMdd']} of {out['channelCount22']['mdd']} MDD, {st['steepHealthy']} of "
        f"{out['channelCount22']['healthy']} healthy persons; the setup alone: balanced accuracy {100 * st['setupAloneBalancedAccuracy']:.1f} %; discordant persons {discordant}")
    return out


def discordant_results(res: dict, discordant: list[str]) -> dict:
    """How the CNN and the baseline score the persons a setup detector gets wrong (all conditions)."""
    out = {"persons": discordant}
    for model in ("cnn", "baseline"):
        rows = [q for q in res[model]["both"]["persons"] if q["subject"] in discordant]
        out[model] = {"correct": int(sum((q["score"] >= 0.5) == (q["label"] == 1) for q in rows)), "of": len(rows),
                      "scores": {q["subject"]: q["score"] for q in rows}}
        log(f"  discordant persons, {model}: {out[model]['correct']} of {len(rows)} right " + ", ".join(f"{q['subject']} (label {q['label']}) {q['score']:.2f}" for q in rows))
    return out


def parser() -> argparse.ArgumentParser:
    """The command's options (also read by training/gan/eeg_cnn_tstr.py for the CNN's defaults)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maps", default=os.path.join(REPO, "training", "out", "mdd-maps"))
    ap.add_argument("--out", default=os.path.join(REPO, "training", "out", "mdd-cnn"))
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--folds", type=int, default=6)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--learning-rate", type=float, default=2e-3)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--train-stride", type=int, default=4, help="every n-th clean epoch for training (epochs overlap 50 %%; 4 = one 4 s epoch every 8 s)")
    ap.add_argument("--calib", type=int, default=256)
    ap.add_argument("--montages", default="19,8", help="montages in run order (19 needs the ablation sets)")
    ap.add_argument("--ablations", default=",".join(ABLATIONS), help="ablation map sets for the 19-electrode montage ('' for none)")
    ap.add_argument("--seed-state", choices=["reset", "carry"], default="reset",
                    help="reset (default): each model's dropout seed-generator state starts from its own seed, so a model depends "
                         "on its seed and data only, not on the trainings before it (the folds, the other montage). carry: the "
                         "state carries over from the previous training, as every model up to 2026-12-04 was trained "
                         "(mdd-cnn 0.1.0-0.3.0's code path)")
    ap.add_argument("--no-confounds", action="store_true", help="skip the Mumtaz confound checks (channel count, amplitude, setup filter edges of the 'base' set)")
    return ap


def main() -> None:
    args = parser().parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    import tensorflow as tf

    # Deterministic kernels: the same seed gives the same models and numbers on a rerun (0.1.0 lacked
    # this; two runs of the same command differed by up to 3 points of balanced accuracy).
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_intra_op_parallelism_threads(int(os.environ.get("TF_NUM_INTRAOP_THREADS", "2")))
    tf.config.threading.set_inter_op_parallelism_threads(int(os.environ.get("TF_NUM_INTEROP_THREADS", "1")))
    import sklearn

    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    result = {"seed": args.seed, "args": vars(args), "versions": {"tensorflow": tf.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__}}
    if not args.no_confounds:
        result["confounds"] = confounds(args)
    discordant = result["confounds"]["setup"]["discordant"] if "confounds" in result else []
    for m in args.montages.split(","):
        tag = {"19": "m19", "8": "m8"}.get(m)
        if tag is None:
            continue
        result[tag] = run_montage(tf, args, "base" if m == "19" else "cyton8", tag, ABLATIONS if m == "19" else [])
        if discordant:
            result[tag]["discordant"] = discordant_results(result[tag], discordant)
        with open(os.path.join(args.out, "cv.json"), "w") as f:
            json.dump(result, f, indent=1)
    result["wallS"] = time.time() - t0
    with open(os.path.join(args.out, "cv.json"), "w") as f:
        json.dump(result, f, indent=1)
    log(f"done in {result['wallS']:.0f} s -> {args.out}/cv.json")


if __name__ == "__main__":
    main()
