"""Trains the R-peak CNN: leave-records-out folds + one final model on all 22 records.

Usage (repo root; see docs/training.md and docs/models/rpeak-cnn.md):
    TF_NUM_INTRAOP_THREADS=2 TF_NUM_INTEROP_THREADS=1 \
      nohup training/.venv/bin/python training/rpeak_cnn.py > training/out/rpeak-cnn.log 2>&1 &
Writes models/rpeak-cnn/{final,fold-K}/float32.tflite (+ TF converter and ai-edge-quantizer int8),
models/rpeak-cnn/calib.npy (final model's calibration, training windows), train-report.json
(rewritten after every model: partial results survive), and per-fold calibration windows under
training/out/rpeak-cnn/ (gitignored; `weargate model quantize` reads them). The int8 models we
ship are made afterwards by our TypeScript quantizer (scripts in the model card).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import rpeak_cnn_data as d  # noqa: E402
import rpeak_cnn_model as m  # noqa: E402
import rpeak_cnn_score as sc  # noqa: E402

WINDOW = 768  # 3.072 s at 250 Hz
HOP = 256
MARGIN = (WINDOW - HOP) // 2  # 256: each window's trusted centre is [256, 512)
THRESHOLD = 0.5
REFRACTORY = 50  # 200 ms at 250 Hz
AUG = dict(noise_prob=0.6, snr_db=(-2.0, 20.0), amp_prob=0.5, polarity_prob=0.2, baseline_prob=0.5, resample_prob=0.5,
           ectopic_prob=0.3)


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=os.path.join(REPO, "..", "shared", "data", "mitdb-train"))
    ap.add_argument("--noise-dir", default=os.path.join(REPO, "..", "shared", "data", "noise"))
    ap.add_argument("--out", default=os.path.join(REPO, "models", "rpeak-cnn"))
    ap.add_argument("--work", default=os.path.join(REPO, "training", "out", "rpeak-cnn"))
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only", default="final,0,1,2,3,4", help="models to train, in order (final and/or fold numbers)")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--windows-per-epoch", type=int, default=4000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--learning-rate", type=float, default=3e-3)
    ap.add_argument("--calib-windows", type=int, default=128)
    ap.add_argument("--skip-aiedge", action="store_true")
    ap.add_argument("--monitor", action="store_true", help="also score held-out records in Python after each fold (slow)")
    return ap.parse_args()


def fold_split(seed: int, folds: int) -> list[list[str]]:
    """Records shuffled with the seed, dealt round-robin into `folds` held-out groups."""
    order = list(np.random.default_rng(seed).permutation(len(d.ALL_RECORDS)))
    groups: list[list[str]] = [[] for _ in range(folds)]
    for i, k in enumerate(order):
        groups[i % folds].append(d.ALL_RECORDS[int(k)])
    return [sorted(g) for g in groups]


def train_one(args, tf, keras, tag: str, train_names: list[str], held: list[str], recs, noise, seed: int) -> dict:
    keras.utils.set_random_seed(seed)
    t0 = time.time()
    train = {n: recs[n] for n in train_names}
    model = m.build_model(keras, None)
    steps = args.epochs * int(np.ceil(args.windows_per_epoch / args.batch_size))
    sched = keras.optimizers.schedules.CosineDecay(args.learning_rate, steps, alpha=0.05)
    model.compile(optimizer=keras.optimizers.Adam(sched), loss="binary_crossentropy")
    rng = np.random.default_rng(seed)
    losses = []
    for ep in range(args.epochs):
        x, y = d.make_windows(rng, train, args.windows_per_epoch, WINDOW, noise, AUG)
        h = model.fit(x.reshape(-1, 1, WINDOW, 1), y.reshape(-1, 1, WINDOW, 1), batch_size=args.batch_size,
                      epochs=1, shuffle=True, verbose=0)
        losses.append(float(h.history["loss"][-1]))
        print(f"[{tag}] epoch {ep + 1}/{args.epochs} loss {losses[-1]:.4f} ({time.time() - t0:.0f} s)", flush=True)
    fit_s = time.time() - t0

    out_dir = os.path.join(args.out, tag)
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)
    crng = np.random.default_rng(seed + 7)
    x_cal, _ = d.make_windows(crng, train, args.calib_windows, WINDOW, noise, AUG)
    x_cal = x_cal.reshape(-1, 1, WINDOW, 1)
    cal_path = os.path.join(args.out if tag == "final" else args.work, "calib.npy" if tag == "final" else f"{tag}-calib.npy")
    np.save(cal_path, x_cal)
    files = {"float32": os.path.join(out_dir, "float32.tflite"), "int8-tfconverter": os.path.join(out_dir, "int8-tfconverter.tflite")}
    with open(files["float32"], "wb") as fh:
        fh.write(m.export_float(tf, keras, model, WINDOW))
    with open(files["int8-tfconverter"], "wb") as fh:
        fh.write(m.export_int8_tf(tf, keras, model, WINDOW, x_cal))
    aiedge_error = None
    if not args.skip_aiedge:
        try:
            files["int8-aiedge"] = os.path.join(out_dir, "int8-aiedge.tflite")
            m.export_aiedge_int8(files["float32"], x_cal, files["int8-aiedge"], WINDOW)
        except Exception as exc:  # noqa: BLE001 (reported, the other files stay valid)
            aiedge_error = f"{type(exc).__name__}: {exc}"
            files.pop("int8-aiedge", None)
            print(f"[{tag}] ai-edge-quantizer failed: {aiedge_error}", flush=True)
    model.save_weights(os.path.join(args.work, f"{tag}.weights.h5"))

    # Quick Python check on the held-out records (whole-record Keras pass; the official numbers
    # come from `weargate eval rpeaks --detector cnn`).
    quick = {}
    if held and args.monitor:
        for cond in ("clean", "ma6"):
            quick[cond] = sc.score_model(model, {n: recs[n] for n in held}, noise if cond != "clean" else None,
                                         snr_db=6.0, threshold=THRESHOLD, refractory=REFRACTORY, seed=seed)
            t = quick[cond]["total"]
            print(f"[{tag}] held-out {cond}: Se {t['se']:.4f} +P {t['ppv']:.4f} F1 {t['f1']:.4f}", flush=True)
    return {"tag": tag, "held_out": held, "train_records": train_names, "seed": seed, "losses": losses,
            "fit_seconds": round(fit_s, 1), "total_seconds": round(time.time() - t0, 1),
            "files": {k: os.path.relpath(v, args.out) for k, v in files.items()},
            "calib": os.path.relpath(cal_path, REPO), "aiedge_error": aiedge_error, "quick_python": quick}


def main() -> None:
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(int(os.environ.get("TF_NUM_INTRAOP_THREADS", "1")))
    os.makedirs(args.out, exist_ok=True)
    recs = d.load_records(args.data_dir, d.ALL_RECORDS)
    noise = d.load_noise(args.noise_dir)
    folds = fold_split(args.seed, args.folds)
    report_path = os.path.join(args.out, "train-report.json")
    report = json.load(open(report_path)) if os.path.exists(report_path) else {"models": {}}
    report.update({
        "seed": args.seed, "folds": folds, "window_samples": WINDOW, "hop_samples": HOP, "sample_rate_hz": d.MODEL_RATE_HZ,
        "epochs": args.epochs, "windows_per_epoch": args.windows_per_epoch, "batch_size": args.batch_size,
        "learning_rate": args.learning_rate, "augmentation": AUG,
        "target": {"sigma_samples": d.TARGET_SIGMA_SAMPLES, "half_width_samples": d.TARGET_HALF_WIDTH_SAMPLES},
        "architecture": {"channels": m.CHANNELS, "stem_kernel": m.STEM_KERNEL, "dw_kernel": m.DW_KERNEL,
                         "dilations": list(m.DILATIONS), "receptive_field_samples": m.receptive_field_samples(),
                         "macs_per_sample": m.macs_per_sample(), "macs_per_window": m.macs_per_sample() * WINDOW},
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                     "numpy": np.__version__},
    })
    print(f"folds (held out): {folds}", flush=True)
    mine: dict[str, dict] = {}
    for item in args.only.split(","):
        item = item.strip()
        if item == "final":
            res = train_one(args, tf, keras, "final", list(d.ALL_RECORDS), [], recs, noise, args.seed)
        else:
            k = int(item)
            held = folds[k]
            res = train_one(args, tf, keras, f"fold-{k}", [n for n in d.ALL_RECORDS if n not in held], held, recs,
                            noise, args.seed + 100 * (k + 1))
        report["params"] = int(m.build_model(keras, WINDOW).count_params())
        # Re-read before writing: another training process (other folds) may have added its models.
        on_disk = json.load(open(report_path)) if os.path.exists(report_path) else {"models": {}}
        res["epochs"] = args.epochs
        mine[res["tag"]] = res
        # Only this process's own models override what is on disk (another process may be training
        # other folds at the same time; its entries must survive).
        report["models"] = {**on_disk.get("models", {}), **mine}
        tmp = f"{report_path}.{os.getpid()}.tmp"
        with open(tmp, "w") as fh:
            json.dump(report, fh, indent=1)
        os.replace(tmp, report_path)
        print(f"[{res['tag']}] done in {res['total_seconds']:.0f} s; report written", flush=True)


if __name__ == "__main__":
    main()
