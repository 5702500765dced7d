"""Trains the ECG similarity encoder (Siamese: one shared encoder, cosine of two embeddings).

Usage (from the repo root, after `bash training/setup.sh` and
`npx tsx scripts/similarity-segments.ts`, which writes training/out/similarity/):
    training/.venv/bin/python training/similarity.py            # 5 CV folds + final model, export
Identities: the 45 ECG-ID persons (both records) and the 22 MIT-BIH DS1 records (one identity
each, always in training). Cross-validation: 5 folds over the ECG-ID persons (9 held out each,
persons shuffled with the seed); one model per fold, and a final model on every identity.
Writes models/similarity/: fold-K-float32.tflite, fold-K-int8-tfconverter.tflite,
final-float32.tflite, final-int8-tfconverter.tflite, train-report.json; calibration sets to
training/out/similarity/calib-*.npy (our int8 is made by `weargate model quantize`, see the card).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import similarity_model as sm  # noqa: E402
import tflite_run  # noqa: E402

ALLOWED_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "MEAN", "FULLY_CONNECTED", "RESHAPE", "QUANTIZE", "DEQUANTIZE"}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(REPO, "training", "out", "similarity"))
    ap.add_argument("--out", default=os.path.join(REPO, "models", "similarity"))
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch-size", type=int, default=96)
    ap.add_argument("--learning-rate", type=float, default=3e-3)
    ap.add_argument("--scale", type=float, default=16.0)
    ap.add_argument("--margin", type=float, default=0.25)
    ap.add_argument("--ecgid-share", type=float, default=0.6, help="share of each batch drawn from ECG-ID identities")
    ap.add_argument("--only", default="", help="comma list of folds to run (e.g. 0,final); default all")
    return ap.parse_args()


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def person_folds(persons: list[str], folds: int, seed: int) -> list[list[str]]:
    order = list(persons)
    np.random.default_rng(seed).shuffle(order)
    return [sorted(order[k::folds]) for k in range(folds)]


def train_one(tf, keras, x, y_ids, ecgid_mask, args, seed: int, noise):
    keras.utils.set_random_seed(seed)
    classes = sorted(set(y_ids))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[c] for c in y_ids])
    by_class = [np.flatnonzero(y == i) for i in range(len(classes))]
    ecg_classes = np.array([i for i, c in enumerate(classes) if ecgid_mask[c]])
    mit_classes = np.array([i for i, c in enumerate(classes) if not ecgid_mask[c]])
    enc = sm.build_encoder(keras)
    head = sm.AmSoftmax(tf, len(classes), sm.EMBEDDING, args.scale, args.margin, seed)
    sched = keras.optimizers.schedules.CosineDecay(args.learning_rate, args.steps, alpha=0.05)
    opt = keras.optimizers.Adam(sched)
    variables = enc.trainable_variables + [head.weights]

    @tf.function(reduce_retracing=True)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = head.loss(enc(xb, training=True), yb)
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    rng = np.random.default_rng(seed)
    aug = sm.Augmenter(noise, rng)
    t0 = time.time()
    run = 0.0
    for s in range(args.steps):
        n_ecg = int(round(args.batch_size * args.ecgid_share)) if len(mit_classes) else args.batch_size
        cls = np.concatenate([rng.choice(ecg_classes, n_ecg), rng.choice(mit_classes, args.batch_size - n_ecg)])
        idx = np.array([rng.choice(by_class[c]) for c in cls])
        xb = aug(x[idx]).reshape(-1, 1, sm.SEGMENT_SAMPLES, 1)
        loss = float(step(tf.constant(xb), tf.constant(y[idx], tf.int32)))
        run = loss if s == 0 else 0.98 * run + 0.02 * loss
        if (s + 1) % 250 == 0:
            log(f"  step {s + 1}/{args.steps} loss {run:.3f} ({time.time() - t0:.0f} s)")
    return enc


def embed(enc, x):
    return enc.predict(x.reshape(-1, 1, sm.SEGMENT_SAMPLES, 1), batch_size=256, verbose=0)


def evaluate(emb, labels, persons):
    """rec_1 enrolls, rec_2 trials: per 2-s segment and per record (mean of its segments)."""
    enroll, seg_trials, rec_trials = {}, {}, {}
    for p in persons:
        e = [i for i, l in enumerate(labels) if l["identity"] == p and l["record"] == "rec_1m"]
        t = [i for i, l in enumerate(labels) if l["identity"] == p and l["record"] == "rec_2m"]
        if not e or not t:
            continue
        enroll[p] = emb[e]
        seg_trials[p] = [emb[i] for i in t]
        rec_trials[p] = [sm.l2n(sm.l2n(emb[t]).mean(axis=0))]
    return {"segment": sm.verification(enroll, seg_trials), "record": sm.verification(enroll, rec_trials)}


def summarize(parts):
    g = np.concatenate([p[0] for p in parts])
    im = np.concatenate([p[1] for p in parts])
    e, thr = sm.eer(g, im)
    correct = sum(p[2] for p in parts)
    total = sum(p[3] for p in parts)
    return {"eer": e, "threshold": thr, "rank1": correct / max(1, total), "genuine": int(len(g)), "impostor": int(len(im)), "trials": total}


def export(tf, keras, enc, calib, out_float, out_int8):
    clean = keras.models.clone_model(enc)
    clean.set_weights(enc.get_weights())
    saved = tempfile.mkdtemp(prefix="similarity-savedmodel-")
    clean.export(saved, format="tf_saved_model", verbose=False,
                 input_signature=[tf.TensorSpec([1, 1, sm.SEGMENT_SAMPLES, 1], tf.float32, name=sm.INPUT_NAME)])
    with open(out_float, "wb") as fh:
        fh.write(tf.lite.TFLiteConverter.from_saved_model(saved).convert())
    conv = tf.lite.TFLiteConverter.from_saved_model(saved)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: ([c.reshape(1, 1, sm.SEGMENT_SAMPLES, 1).astype(np.float32)] for c in calib)
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with open(out_int8, "wb") as fh:
        fh.write(conv.convert())
    ops = set(tflite_run.op_names(out_float)) | set(tflite_run.op_names(out_int8))
    if not ops <= ALLOWED_OPS:
        raise SystemExit(f"exported ops outside our quantizer's set: {sorted(ops - ALLOWED_OPS)}")


def main() -> None:
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    import tensorflow as tf  # noqa: E402
    import keras  # noqa: E402

    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(2)
    x = np.load(os.path.join(args.data, "segments.npy")).astype(np.float32)
    meta = json.load(open(os.path.join(args.data, "labels.json")))
    labels = meta["labels"]
    assert meta["segmentSamples"] == sm.SEGMENT_SAMPLES and meta["rateHz"] == sm.RATE_HZ
    noise = {k: np.load(os.path.join(args.data, f"noise-{k}.npy")) for k in ("bw", "ma")}
    ids = np.array([l["identity"] for l in labels])
    is_ecgid = {l["identity"]: l["source"] == "ecgid" for l in labels}
    persons = sorted(p for p, e in is_ecgid.items() if e)
    folds = person_folds(persons, args.folds, args.seed)
    os.makedirs(args.out, exist_ok=True)
    wanted = set(args.only.split(",")) if args.only else None
    log(f"{len(x)} segments, {len(is_ecgid)} identities ({len(persons)} ECG-ID persons), {args.folds} folds")

    report = {"seed": args.seed, "args": vars(args), "folds": [], "trainingPersons": persons, "embeddingSize": sm.EMBEDDING, "versions": {"tensorflow": tf.__version__, "numpy": np.__version__}}
    parts = {"segment": [], "record": []}
    jobs = [(k, fold) for k, fold in enumerate(folds)] + [("final", [])]
    for k, held in jobs:
        name = f"fold-{k}" if k != "final" else "final"
        if wanted is not None and str(k) not in wanted:
            continue
        train_mask = ~np.isin(ids, held)
        log(f"{name}: held out {held if held else 'none'}; training on {int(train_mask.sum())} segments")
        t0 = time.time()
        enc = train_one(tf, keras, x[train_mask], list(ids[train_mask]), is_ecgid, args,
                        args.seed + (100 if k == "final" else k), noise)
        calib_idx = np.random.default_rng(args.seed + 5).choice(np.flatnonzero(train_mask), 200, replace=False)
        calib = x[calib_idx]
        np.save(os.path.join(args.data, f"calib-{name}.npy"), calib.reshape(-1, 1, sm.SEGMENT_SAMPLES, 1))
        export(tf, keras, enc, calib, os.path.join(args.out, f"{name}-float32.tflite"),
               os.path.join(args.out, f"{name}-int8-tfconverter.tflite"))
        entry = {"name": name, "heldOut": held, "trainSeconds": round(time.time() - t0, 1)}
        if held:
            sel = np.flatnonzero(np.isin(ids, held))
            res = evaluate(embed(enc, x[sel]), [labels[i] for i in sel], held)
            for kind in parts:
                parts[kind].append(res[kind])
                entry[kind] = summarize([res[kind]])
            log(f"{name}: keras EER record {100 * entry['record']['eer']:.1f} %, segment {100 * entry['segment']['eer']:.1f} %, "
                f"rank-1 record {100 * entry['record']['rank1']:.1f} % ({entry['trainSeconds']} s)")
        report["folds"].append(entry)
    if parts["record"]:
        report["pooled"] = {kind: summarize(p) for kind, p in parts.items()}
        log(f"pooled keras: {json.dumps(report['pooled'])}")
    with open(os.path.join(args.out, "train-report.json"), "w") as fh:
        json.dump(report, fh, indent=2)
        fh.write("\n")


if __name__ == "__main__":
    main()
