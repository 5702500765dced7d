"""Golden vectors of the R-peak CNN for the TypeScript tests (tests/models/rpeak-cnn-golden.test.ts).

    training/.venv/bin/python training/rpeak_cnn_goldens.py     (after scripts/rpeak-cnn-build.ts)

models/rpeak-cnn/golden.json:
  resample[]: {name, rate_in_hz, input (mV), output (model rate, float64)}: record 101 MLII
      (first 1,200 samples, 360 Hz) and a synthetic 130 Hz and 500 Hz signal, by resample_linear
  windows[]: {name, mv (768 model-rate mV, float64), input (normalize_window, float32),
      float32 / int8 (outputs of final/float32.tflite and final/int8.tflite in Python LiteRT),
      peaks_float32 / peaks_int8 (pick_peaks_windowed, threshold 0.5, refractory 50)}
models/rpeak-cnn/golden-inputs.npy [4,1,768,1] (the windows' inputs) and golden-outputs-<variant>.npy
  (Python LiteRT outputs of each final/<variant>.tflite): the manifest's golden vectors, checked by
  the gateway at every load (src/models/stage.ts).
"""
from __future__ import annotations

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

OUT = os.path.join(REPO, "models", "rpeak-cnn")
DATA = os.path.join(REPO, "..", "shared", "data", "mitdb-train")
W = 768


def f32(a) -> list[float]:
    return [float(np.format_float_positional(np.float32(v), unique=True, trim="0")) for v in np.asarray(a).reshape(-1)]


def main() -> None:
    rec = d.Rec(DATA, "101")
    rng = np.random.default_rng(5)
    t = np.arange(400)
    resample = [{"name": "mitdb-101", "rate_in_hz": 360.0, "input": rec.mv[:1200].tolist(),
                 "output": d.resample_linear(rec.mv[:1200], 360.0, 250.0, int((1199) / 360 * 250) + 1).tolist()}]
    for hz in (130.0, 500.0):
        x = np.sin(2 * np.pi * 1.3 * t / hz) + 0.1 * rng.standard_normal(len(t))
        n = int(np.floor((len(x) - 1) / hz * 250.0)) + 1
        resample.append({"name": f"synthetic-{int(hz)}", "rate_in_hz": hz, "input": x.tolist(),
                         "output": d.resample_linear(x, hz, 250.0, n).tolist()})

    x250, _ = d.record_model_rate(rec)
    noise = d.load_noise(os.path.join(REPO, "..", "shared", "data", "noise"))
    noisy = sc.add_noise(rec, noise, 0.0, np.random.default_rng(7))
    n250 = d.resample_linear(noisy, 360.0, 250.0, len(x250))
    cases = [("101-at-0s", x250[0:W]), ("101-at-100s", x250[25000 : 25000 + W]), ("101-at-200s-inverted", -x250[50000 : 50000 + W]),
             ("101-ma-0dB-at-300s", n250[75000 : 75000 + W])]
    inputs = np.stack([d.normalize_window(c) for _, c in cases]).reshape(-1, 1, W, 1)
    outs = {}
    np.save(os.path.join(OUT, "golden-inputs.npy"), inputs.astype(np.float32))
    for v in ("float32", "int8", "int8-tfconverter", "int8-aiedge"):
        path = os.path.join(OUT, "final", f"{v}.tflite")
        if os.path.exists(path):
            o = tflite_run.run_batch(path, inputs)["outputs"].astype(np.float32)
            np.save(os.path.join(OUT, f"golden-outputs-{v}.npy"), o.reshape(-1, 1, W, 1))
            outs[v] = o.reshape(-1, W)
    windows = []
    for i, (name, mv) in enumerate(cases):
        windows.append({
            "name": name, "mv": mv.tolist(), "input": f32(inputs[i]),
            "float32": f32(outs["float32"][i]), "int8": f32(outs["int8"][i]),
            "peaks_float32": sc.pick_peaks_windowed(outs["float32"][i], 0.5, 50).tolist(),
            "peaks_int8": sc.pick_peaks_windowed(outs["int8"][i], 0.5, 50).tolist(),
        })
    with open(os.path.join(OUT, "golden.json"), "w") as fh:
        json.dump({"note": __doc__.strip().splitlines()[0], "threshold": 0.5, "refractory_samples": 50,
                   "resample": resample, "windows": windows}, fh)
    print("wrote models/rpeak-cnn/golden.json", {w["name"]: (w["peaks_float32"], w["peaks_int8"]) for w in windows})


if __name__ == "__main__":
    main()
