"""Chooses the T-wave rule of each R-peak CNN model on ITS OWN TRAINING records (never held-out ones).

    training/.venv/bin/python training/rpeak_cnn_threshold.py [--minutes 10] [--tags final,fold-0,...]

For each model (final, fold-K) of models/rpeak-cnn/train-report.json: our int8 model
(<tag>/int8.tflite, else float32) is run over the first `--minutes` of every record the model was
trained on, clean and with NSTDB ma noise at 6 dB (seeded), windows stitched as the streaming
detector does (768-sample windows every 256, centre [256, 512)); peaks are picked with the
detector's rule (threshold 0.5, refractory 200 ms, both fixed beforehand) plus a T-wave rule as
Pan-Tompkins has one: within 360 ms (90 samples, fixed) of the last peak a candidate needs
p >= tWaveThreshold unless its steepest slope (Pan-Tompkins' derivative of the ECG) is at least
half that of the last peak (Pan-Tompkins' own test; `--no-slope` for probability only), and
Pan-Tompkins search-back with its published constants (on by default, rpeak_cnn_score.SEARCH_BACK;
`--no-search-back` to choose without it). The tWaveThreshold of the grid
(none = off, 0.6 .. 0.95) with the best mean F1 over the two conditions is written to
models/rpeak-cnn/thresholds.json with the search-back rule, which scripts/rpeak-cnn-build.ts copies
into the manifest (a fold's into its `folds[].params`).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import rpeak_cnn_data as d  # noqa: E402
import rpeak_cnn_score as sc  # noqa: E402
import tflite_run  # noqa: E402

OUT = os.path.join(REPO, "models", "rpeak-cnn")
THRESHOLD = 0.5
REFRACTORY = 50
TW_WINDOW = 90  # 360 ms at 250 Hz (Pan-Tompkins T-wave discrimination)
GRID = [None, 0.6, 0.7, 0.8, 0.9, 0.95]  # tWaveThreshold; None = no T-wave rule
TW_SLOPE_FRACTION = 0.5  # Pan-Tompkins: a T wave has less than half the slope of the QRS before it


def stitched(interp, x250: np.ndarray) -> np.ndarray:
    inp = interp.get_input_details()[0]
    out = interp.get_output_details()[0]
    n = len(x250)
    probs = np.zeros(n, np.float32)
    padded = np.concatenate([np.full(256, np.nan), x250, np.full(768, np.nan)])
    for s in range(0, n, 256):  # window k covers model samples [s - 256, s + 512)
        w = padded[s : s + 768]
        ok = ~np.isnan(w)
        z = np.zeros(768, np.float32)
        if ok.any():
            c = w[ok] - w[ok].mean()
            rms = np.sqrt((c * c).mean())
            z[ok] = np.clip(c / max(rms, d.NORM_FLOOR_MV), -d.NORM_CLIP, d.NORM_CLIP)
        xin = z.reshape(1, 1, 768, 1)
        if inp["dtype"] == np.int8:
            scale, zp = inp["quantization"]
            xin = np.clip(np.round(xin / scale) + zp, -128, 127).astype(np.int8)
        interp.set_tensor(inp["index"], xin)
        interp.invoke()
        o = interp.get_tensor(out["index"]).reshape(-1).astype(np.float32)
        if out["dtype"] == np.int8:
            scale, zp = out["quantization"]
            o = (o - zp) * scale
        probs[s : min(n, s + 256)] = o[256 : 256 + min(256, n - s)]
    return probs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--tags", default="")
    ap.add_argument("--no-search-back", action="store_true")
    ap.add_argument("--no-slope", action="store_true")
    args = ap.parse_args()
    report = json.load(open(os.path.join(OUT, "train-report.json")))
    path = os.path.join(OUT, "thresholds.json")
    result = json.load(open(path)) if os.path.exists(path) else {}
    data_dir = os.path.join(REPO, "..", "shared", "data", "mitdb-train")
    recs = d.load_records(data_dir, d.ALL_RECORDS)
    noise = d.load_noise(os.path.join(REPO, "..", "shared", "data", "noise"))
    tags = [t for t in (args.tags.split(",") if args.tags else report["models"]) if t]
    n360 = int(args.minutes * 60 * 360)
    search_back = None if args.no_search_back else sc.SEARCH_BACK
    slope_fraction = None if args.no_slope else TW_SLOPE_FRACTION
    for tag in tags:
        t0 = time.time()
        m = report["models"][tag]
        model_path = os.path.join(OUT, tag, "int8.tflite")
        if not os.path.exists(model_path):
            model_path = os.path.join(OUT, tag, "float32.tflite")
        interp, _ = tflite_run.make_interpreter(model_path)
        interp.allocate_tensors()
        counts = {c: np.zeros((len(GRID), 3), np.int64) for c in ("clean", "ma6")}
        rng = np.random.default_rng(20261201)
        for name in m["train_records"]:
            rec = recs[name]
            short = d.Rec.__new__(d.Rec)
            short.name, short.mv, short.beats = name, rec.mv[:n360], rec.beats[rec.beats < n360]
            for cond in ("clean", "ma6"):
                mv = short.mv if cond == "clean" else sc.add_noise(short, noise, 6.0, rng)
                n = int(np.floor((len(mv) - 1) / 360 * 250)) + 1
                x250 = d.resample_linear(mv, 360.0, 250.0, n)
                p = stitched(interp, x250)
                ref = short.beats / 360 * 250
                ref = ref[(ref >= 40) & (ref < n - 40)]
                for gi, tw in enumerate(GRID):
                    det = sc.pick_peaks_windowed(p, THRESHOLD, REFRACTORY, TW_WINDOW, tw, search_back, x250, slope_fraction)
                    det = det[(det >= 40) & (det < n - 40)]
                    counts[cond][gi] += sc.match(ref, det.astype(np.float64), 37.5)
        f1 = {}
        for cond, c in counts.items():
            tp, fn, fp = c[:, 0], c[:, 1], c[:, 2]
            f1[cond] = (2 * tp / np.maximum(1, 2 * tp + fn + fp)).tolist()
        mean = [(a + b) / 2 for a, b in zip(f1["clean"], f1["ma6"])]
        best = int(np.argmax(mean))
        result[tag] = {"threshold": THRESHOLD, "refractorySamples": REFRACTORY, "tWaveWindowSamples": TW_WINDOW,
                       "tWaveThreshold": GRID[best], "tWaveSlopeFraction": slope_fraction, "searchBack": search_back,
                       "grid_tWaveThreshold": GRID, "f1_clean": f1["clean"],
                       "f1_ma6": f1["ma6"], "model": os.path.relpath(model_path, OUT), "records": m["train_records"],
                       "minutes": args.minutes}
        print(f"[{tag}] tWaveThreshold {GRID[best]} (F1 clean {f1['clean'][best]:.4f}, ma6 {f1['ma6'][best]:.4f}; "
              f"without the rule: {f1['clean'][0]:.4f} / {f1['ma6'][0]:.4f}) {time.time() - t0:.0f} s", flush=True)
        with open(path, "w") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
