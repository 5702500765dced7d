"""Writes golden vectors so the TypeScript side can check its pre- and post-processing exactly.

    training/.venv/bin/python training/make_goldens.py     (numpy only; needs the model artifacts)

models/rpeak-proto/preproc-golden.json:
  cases[]: {name, adu360?, baseline_adu, gain_adu_per_mv, mv250 (float64), window (float32 values)}
    - "mitdb-101": the first 901 ADU samples (360 Hz) of record 101 MLII -> 626 samples at 250 Hz,
      `window` = normalize_window(mv250[0:625])
    - "flat", "spike": synthetic 625-sample windows (mv250 given directly) for the RMS floor and clip
models/rpeak-proto/postproc-golden.json:
  windows[]: {index, peaks, tp, fn, fp} for the first 40 windows of val-outputs-float-py.npy,
  with the beats of val-meta.json; plus the totals over all 200 windows.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import mitdb  # noqa: E402
import rpeak_common as rc  # noqa: E402

MODEL_DIR = os.path.join(REPO, "models", "rpeak-proto")
DATA_DIR = os.path.join(REPO, "..", "shared", "data", "mitdb-train")


def floats(a: np.ndarray) -> list[float]:
    return [float(v) for v in np.asarray(a).reshape(-1)]


def preproc_cases(data_dir: str) -> list[dict]:
    hdr = mitdb.read_header(os.path.join(data_dir, "101.hea"))
    adu = mitdb.read_format212(os.path.join(data_dir, "101.dat"), len(hdr.signals), hdr.num_samples)
    spec = hdr.signals[0]
    adu360 = adu[:901, 0].astype(np.int64)
    mv360 = (adu360.astype(np.float64) - spec.baseline_adu) / spec.gain_adu_per_mv
    mv250 = rc.resample_360_to_250(mv360)
    cases = [{
        "name": "mitdb-101", "adu360": [int(v) for v in adu360], "baseline_adu": spec.baseline_adu,
        "gain_adu_per_mv": spec.gain_adu_per_mv, "mv250": floats(mv250),
        "window": floats(rc.normalize_window(mv250[: rc.WINDOW_SAMPLES])),
    }]
    flat = np.full(rc.WINDOW_SAMPLES, 0.3) + 0.001 * np.sin(np.arange(rc.WINDOW_SAMPLES) / 7.0)
    spike = 0.05 * np.sin(np.arange(rc.WINDOW_SAMPLES) / 11.0)
    spike[300] = 40.0  # far beyond 8 RMS: clipped
    for name, w in (("flat", flat), ("spike", spike)):
        cases.append({"name": name, "mv250": floats(w), "window": floats(rc.normalize_window(w))})
    return cases


def postproc(model_dir: str) -> dict:
    with open(os.path.join(model_dir, "val-meta.json")) as fh:
        meta = json.load(fh)["windows"]
    probs = rc.from_model_output(np.load(os.path.join(model_dir, "val-outputs-float-py.npy")))
    out = []
    for k in range(40):
        peaks = rc.pick_peaks(probs[k])
        tp, fn, fp = rc.match_counts(np.asarray(meta[k]["beats"]), peaks, rc.WINDOW_SAMPLES)
        out.append({"index": k, "peaks": [int(p) for p in peaks], "tp": tp, "fn": fn, "fp": fp})
    return {"source": "val-outputs-float-py.npy", "threshold": rc.PEAK_THRESHOLD,
            "refractory_samples": rc.REFRACTORY_SAMPLES, "tolerance_samples": rc.MATCH_TOLERANCE_SAMPLES,
            "guard_samples": rc.GUARD_SAMPLES, "windows": out, "total_200": rc.score_windows(probs, meta)}


def write(model_dir: str = MODEL_DIR, data_dir: str = DATA_DIR) -> None:
    with open(os.path.join(model_dir, "preproc-golden.json"), "w") as fh:
        json.dump({"note": "see training/make_goldens.py", "cases": preproc_cases(data_dir)}, fh)
    with open(os.path.join(model_dir, "postproc-golden.json"), "w") as fh:
        json.dump(postproc(model_dir), fh)
    print("wrote preproc-golden.json and postproc-golden.json to", model_dir)


if __name__ == "__main__":
    write()
