"""Writes tests/fixtures/rpeak-cnn/searchback-203.json: the TS picker must match this Python rule.

    training/.venv/bin/python training/rpeak_cnn_searchback_fixture.py [--seconds 90]

Runs the int8 fold model that held record 203 out (models/rpeak-cnn manifest folds) over the whole
record, stitched like the streaming detector, and keeps the `--seconds` excerpt (whole minutes
from the start of the record) where search-back and the T-wave slope test add the most peaks. Probabilities are rounded to
4 decimals and cast to float32 BEFORE picking, so TS (Float32Array of the same numbers) and Python
pick on identical values; the model-rate ECG (mV, 4 decimals) goes with them for the T-wave rule's
slope test. Peaks are picked without and with training/rpeak_cnn_score.py's SEARCH_BACK, with the
fold's T-wave rule (and its slope fraction, when the manifest has one).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import rpeak_cnn_data as d  # noqa: E402
import rpeak_cnn_score as sc  # noqa: E402
import tflite_run  # noqa: E402
from rpeak_cnn_threshold import REFRACTORY, THRESHOLD, TW_WINDOW, stitched  # noqa: E402

RECORD = "203"


def ts_rule(sb: dict) -> dict:
    return {"factor": sb["factor"], "threshold": sb["threshold"], "rrMinSamples": sb["rr_min"], "rrMaxSamples": sb["rr_max"],
            "rrHistory": sb["history"], "initialRrSamples": sb["initial_rr"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=90)
    args = ap.parse_args()
    out_dir = os.path.join(REPO, "models", "rpeak-cnn")
    manifest = json.load(open(os.path.join(out_dir, "manifest.json")))
    fold = next(f for f in manifest["folds"] if RECORD in f["heldOut"])
    params = {**manifest["params"], **fold.get("params", {})}
    tw = params.get("tWaveThreshold")
    tw = tw if isinstance(tw, (int, float)) and not isinstance(tw, bool) else None
    slope_fraction = params.get("tWaveSlopeFraction") if tw is not None else None
    interp, _ = tflite_run.make_interpreter(os.path.join(out_dir, fold["variants"]["int8"]["file"]))
    interp.allocate_tensors()
    rec = d.load_records(os.path.join(REPO, "..", "shared", "data", "mitdb-train"), [RECORD])[RECORD]
    n = int(np.floor((len(rec.mv) - 1) / 360 * 250)) + 1
    x_all = d.resample_linear(rec.mv, 360.0, 250.0, n)
    p_all = stitched(interp, x_all)
    length = args.seconds * 250
    best = None
    for start in range(0, n - length, 60 * 250):
        p = np.round(p_all[start : start + length], 4).astype(np.float32)
        x = np.round(x_all[start : start + length], 4).astype(np.float32).astype(np.float64)
        without = sc.pick_peaks_windowed(p, THRESHOLD, REFRACTORY, TW_WINDOW, tw, None, x, slope_fraction)
        with_sb = sc.pick_peaks_windowed(p, THRESHOLD, REFRACTORY, TW_WINDOW, tw, sc.SEARCH_BACK, x, slope_fraction)
        prob_only = sc.pick_peaks_windowed(p, THRESHOLD, REFRACTORY, TW_WINDOW, tw, sc.SEARCH_BACK)
        added = len(with_sb) - len(without) + len(with_sb) - len(prob_only)
        if best is None or added > best[0]:
            best = (added, start, p, x, without, with_sb, prob_only)
    added, start, p, x, without, with_sb, prob_only = best
    doc = {"source": f"MIT-BIH {RECORD} (MLII, resampled to 250 Hz) from model sample {start}, {fold['name']} int8 "
                     f"({fold['variants']['int8']['sha256'][:12]}), made by training/rpeak_cnn_searchback_fixture.py; ODC-By 1.0 (PhysioNet)",
           "searchBack": ts_rule(sc.SEARCH_BACK),
           "tWave": ({"windowSamples": TW_WINDOW, "threshold": tw,
                      **({"slopeFraction": slope_fraction} if slope_fraction is not None else {})} if tw is not None else None),
           "probabilities": [float(f"{v:.4f}") for v in p.tolist()],
           "ecgMv": [float(f"{v:.4f}") for v in x.tolist()],
           "peaksWithout": without.tolist(), "peaksWith": with_sb.tolist(),
           "peaksWithProbabilityOnlyTWave": prob_only.tolist()}
    path = os.path.join(REPO, "tests", "fixtures", "rpeak-cnn", f"searchback-{RECORD}.json")
    with open(path, "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))
    print(f"wrote {os.path.relpath(path, REPO)}: {args.seconds} s from sample {start}, search-back adds {len(with_sb) - len(without)} peaks, "
          f"the slope test keeps {len(with_sb) - len(prob_only)} more")


if __name__ == "__main__":
    main()
