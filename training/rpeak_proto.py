"""Trains and exports the R-peak prototype (1-D conv, per-sample R-peak probability).

Usage (from the repo root, after `bash training/setup.sh`):
    training/.venv/bin/python training/rpeak_proto.py            # train + export + metrics
Artifacts go to models/rpeak-proto/ (see its README.md, the model card).
Seeded and single-threaded-deterministic; see docs/training.md.
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
# Before TensorFlow loads: oneDNN reorders float sums, which breaks run-to-run reproducibility.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import rpeak_common as rc  # noqa: E402
import rpeak_data as rd  # noqa: E402
import rpeak_model as rm  # noqa: E402
import make_goldens  # noqa: E402
import tflite_run  # noqa: E402

ALLOWED_OPS = {
    "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "RELU", "RELU6", "LOGISTIC", "RESHAPE", "PAD",
    "CONCATENATION", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN", "FULLY_CONNECTED", "MUL",
    "QUANTIZE", "DEQUANTIZE",
}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=os.path.join(REPO, "..", "shared", "data", "mitdb-train"))
    ap.add_argument("--noise-dir", default=os.path.join(REPO, "..", "shared", "data", "noise"))
    ap.add_argument("--out", default=os.path.join(REPO, "models", "rpeak-proto"))
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--windows-per-record", type=int, default=1000)
    ap.add_argument("--noise-prob", type=float, default=0.3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--learning-rate", type=float, default=3e-3)
    ap.add_argument("--channels", type=int, default=rm.CHANNELS)
    ap.add_argument("--dw-kernel", type=int, default=rm.DW_KERNEL)
    ap.add_argument("--blocks", type=int, default=rm.NUM_BLOCKS)
    ap.add_argument("--skip-aiedge", action="store_true", help="do not run ai-edge-quantizer")
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    import tensorflow as tf  # noqa: E402  (after env setup)
    import keras  # noqa: E402

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(2)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()

    train_sig = rc.load_signals(args.data_dir, rc.TRAIN_RECORDS)
    val_sig = rc.load_signals(args.data_dir, rc.VAL_RECORDS)
    noise = rd.load_noise(args.noise_dir) if args.noise_prob > 0 else []
    rng_train = np.random.default_rng(args.seed)
    x_tr, y_tr, _ = rd.make_windows(rng_train, train_sig, args.windows_per_record, noise, args.noise_prob)
    rng_mon = np.random.default_rng(args.seed + 1)
    x_mon, y_mon, _ = rd.make_windows(rng_mon, val_sig, 100)
    print(f"train windows {len(x_tr)}, monitor windows {len(x_mon)}, data {time.time() - t0:.1f}s", flush=True)

    model = rm.build_model(keras, args.channels, args.dw_kernel, args.blocks)
    steps = args.epochs * int(np.ceil(len(x_tr) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, steps, alpha=0.05)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy")
    t_fit = time.time()
    hist = model.fit(
        rc.to_model_input(x_tr), y_tr.reshape(-1, 1, rc.WINDOW_SAMPLES, 1),
        validation_data=(rc.to_model_input(x_mon), y_mon.reshape(-1, 1, rc.WINDOW_SAMPLES, 1)),
        batch_size=args.batch_size, epochs=args.epochs, shuffle=True, verbose=2,
    )
    fit_s = time.time() - t_fit

    # Calibration (train records only) and the committed validation sample.
    rng_cal = np.random.default_rng(args.seed + 2)
    x_cal, _, cal_meta = rd.make_windows(rng_cal, train_sig, 19)
    pick = np.sort(rng_cal.permutation(len(x_cal))[:300])
    x_cal = x_cal[pick]
    rng_val = np.random.default_rng(args.seed + 3)
    x_val, _, val_meta = rd.make_windows(rng_val, val_sig, 34)
    pick = np.sort(rng_val.permutation(len(x_val))[:200])
    x_val, val_meta = x_val[pick], [val_meta[int(i)] for i in pick]
    cal_in, val_in = rc.to_model_input(x_cal), rc.to_model_input(x_val)
    np.save(os.path.join(args.out, "calib.npy"), cal_in)
    np.save(os.path.join(args.out, "val-inputs.npy"), val_in)
    with open(os.path.join(args.out, "val-meta.json"), "w") as fh:
        json.dump({"note": "beats: reference beat positions relative to the window start, 250 Hz, "
                   "within [-37, 662)", "windows": val_meta}, fh)

    paths = {
        "float32": os.path.join(args.out, "float32.tflite"),
        "int8-tfconverter": os.path.join(args.out, "int8-tfconverter.tflite"),
        "int8io-tfconverter": os.path.join(args.out, "int8io-tfconverter.tflite"),
        "int8-aiedge": os.path.join(args.out, "int8-aiedge.tflite"),
    }
    with open(paths["float32"], "wb") as fh:
        fh.write(rm.export_float(tf, model))
    with open(paths["int8-tfconverter"], "wb") as fh:
        fh.write(rm.export_int8(tf, model, x_cal))
    with open(paths["int8io-tfconverter"], "wb") as fh:
        fh.write(rm.export_int8(tf, model, x_cal, int8_io=True))
    aiedge_error = None
    if not args.skip_aiedge:
        try:
            rm.export_aiedge_int8(paths["float32"], x_cal, paths["int8-aiedge"])
        except Exception as exc:  # reported in metrics.json; the other artifacts stay valid
            aiedge_error = f"{type(exc).__name__}: {exc}"
            print("ai-edge-quantizer failed:", aiedge_error, flush=True)
    present = {k: p for k, p in paths.items() if os.path.exists(p) and (k != "int8-aiedge" or not args.skip_aiedge)}

    ops = {k: tflite_run.op_names(p) for k, p in present.items()}
    for k, names in ops.items():
        bad = sorted(set(names) - ALLOWED_OPS)
        if bad:
            print(f"WARNING {k}: ops outside the supported set: {bad}", flush=True)

    # Outputs on the committed validation sample.
    keras_val = model.predict(val_in, batch_size=50, verbose=0).astype(np.float32)
    np.save(os.path.join(args.out, "val-outputs-keras.npy"), keras_val)
    py_out = {k: tflite_run.run_batch(p, val_in) for k, p in present.items()}
    out_files = {"float32": "val-outputs-float-py.npy", "int8-tfconverter": "val-outputs-int8tf-py.npy",
                 "int8-aiedge": "val-outputs-int8aiedge-py.npy"}
    for k, fname in out_files.items():
        if k in py_out:
            np.save(os.path.join(args.out, fname), py_out[k]["outputs"])
    runtime = next(iter(py_out.values()))["runtime"]

    # Task metric on full validation records (stitched) and on the committed windows.
    rec_inputs = {n: rc.record_windows(s) for n, s in val_sig.items()}
    metrics_records = {"keras": rc.score_records(
        {n: rc.from_model_output(model.predict(rc.to_model_input(w), batch_size=256, verbose=0))
         for n, (w, _) in rec_inputs.items()}, val_sig)}
    for k, p in present.items():
        metrics_records[k] = rc.score_records(
            {n: rc.from_model_output(tflite_run.run_batch(p, rc.to_model_input(w))["outputs"])
             for n, (w, _) in rec_inputs.items()}, val_sig)
    metrics_windows = {"keras": rc.score_windows(rc.from_model_output(keras_val), val_meta)}
    for k in present:
        metrics_windows[k] = rc.score_windows(rc.from_model_output(py_out[k]["outputs"]), val_meta)
    train_records = {"keras": rc.score_records(
        {n: rc.from_model_output(model.predict(rc.to_model_input(rc.record_windows(s)[0]), batch_size=256, verbose=0))
         for n, s in train_sig.items()}, train_sig)["total"]}

    kf = keras_val.reshape(-1)
    diffs = {k: {"max_abs_vs_keras": float(np.max(np.abs(v["outputs"].reshape(-1) - kf))),
                 "mean_abs_vs_keras": float(np.mean(np.abs(v["outputs"].reshape(-1) - kf)))}
             for k, v in py_out.items()}
    import ai_edge_litert  # type: ignore

    report = {
        "seed": args.seed, "epochs": args.epochs, "windows_per_record": args.windows_per_record,
        "noise_prob": args.noise_prob, "batch_size": args.batch_size, "learning_rate": args.learning_rate,
        "train_records": list(rc.TRAIN_RECORDS), "val_records": list(rc.VAL_RECORDS),
        "params": int(model.count_params()), "macs_per_window": rm.macs_per_window(args.channels, args.dw_kernel, args.blocks),
        "architecture": {"channels": args.channels, "dw_kernel": args.dw_kernel, "blocks": args.blocks,
                         "stem_kernel": rm.STEM_KERNEL,
                         "receptive_field_samples": rm.receptive_field_samples(args.dw_kernel, args.blocks)},
        "fit_seconds": round(fit_s, 1), "total_seconds": round(time.time() - t0, 1),
        "final_loss": float(hist.history["loss"][-1]), "final_monitor_loss": float(hist.history["val_loss"][-1]),
        "ops": ops, "interpreter": runtime, "aiedge_error": aiedge_error,
        "val_records_metric": metrics_records, "val_windows_metric": metrics_windows,
        "train_records_metric": train_records, "val_output_diffs": diffs,
        "io": {k: {"input": [str(v["input"]["dtype"].__name__), [int(s) for s in v["input"]["shape"]],
                             [float(q) for q in v["input"]["quantization"]]],
                   "output": [str(v["output"]["dtype"].__name__), [int(s) for s in v["output"]["shape"]],
                              [float(q) for q in v["output"]["quantization"]]]} for k, v in py_out.items()},
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                     "numpy": np.__version__, "ai_edge_litert": getattr(ai_edge_litert, "__version__", "?")},
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as fh:
        json.dump(report, fh, indent=1)
    make_goldens.write(args.out, args.data_dir)
    for k, v in metrics_records.items():
        t = v["total"]
        print(f"{k:20s} Se {t['se']:.4f} +P {t['ppv']:.4f} (TP {t['tp']} FN {t['fn']} FP {t['fp']})")
    print(f"params {report['params']}, MACs/window {report['macs_per_window']}, fit {fit_s:.0f}s, "
          f"total {report['total_seconds']:.0f}s", flush=True)


if __name__ == "__main__":
    main()
