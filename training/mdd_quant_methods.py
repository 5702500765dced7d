"""Which activation-range method of our quantizer suits the MDD CNN? (docs/models/mdd-quantization.md)

For each committed fold model of mdd-cnn (19 electrodes) and mdd-cnn-cyton8 (8), rebuilds the fold's
calibration maps by the same seeded draw as training/mdd_cnn.py (256 epochs of its training persons),
quantizes the fold's float32 model with `weargate model quantize --method minmax|percentile|mse`, and
runs float32 and every int8 over all epochs with the Python LiteRT interpreter. minmax must reproduce
the committed fold int8 byte for byte (else the calibration maps are not 0.3.0's and the check stops).

Selection (per montage, training persons only): lowest mean |P int8 - P float32| over each fold's
training-person epochs, averaged over the folds. Reported, not selected on: the same on held-out epochs,
max |dP|, same decisions, and person-level balanced accuracy / AUC per condition (EC, EO, both) with each
person scored by the fold model that held them out, as in the card.

Usage: training/.venv/bin/python training/mdd_quant_methods.py [--json out.json] [--work training/out/mdd-quant]
Needs training/out/mdd-maps (npx tsx scripts/mdd-maps.ts --set base,cyton8). About 1.2 min here.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import mdd_common as mc  # noqa: E402
import tflite_run  # noqa: E402

METHODS = ("minmax", "percentile", "mse")
MONTAGES = {"m19": ("base", "mdd-cnn"), "m8": ("cyton8", "mdd-cnn-cyton8")}
SEED, FOLDS, TRAIN_STRIDE, CALIB = 20261201, 6, 4, 256  # training/mdd_cnn.py's defaults (0.3.0)


def quantize(float_path: str, calib: str, out: str, method: str) -> None:
    cmd = ["npx", "tsx", "src/gateway/cli.ts", "model", "quantize", float_path, "--calib", calib, "--out", out,
           "--quiet", "--name", "mdd-cnn", "--method", method]
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stdout}{r.stderr}")


def predict(path: str, x: np.ndarray) -> np.ndarray:
    return tflite_run.run_batch(path, x)["outputs"].reshape(-1).astype(np.float64)


def person_table(ds: dict, p: np.ndarray) -> dict:
    out = {}
    for which in mc.CONDITIONS:
        persons, labels, scores, _ = mc.person_scores(ds["subject"], ds["condition"], ds["y"], p, which)
        m = mc.point_metrics(labels, scores)
        out[which] = {"balancedAccuracy": m["balancedAccuracy"], "auc": m["auc"], "persons": len(persons),
                      "scores": {str(s): float(v) for s, v in zip(persons, scores)}}
    return out


def run_montage(tag: str, set_name: str, model: str, maps: str, work: str) -> dict:
    ds = mc.load_set(maps, set_name)
    persons = {s: int(ds["y"][ds["subject"] == s][0]) for s in sorted(set(ds["subject"]))}
    folds = mc.make_folds(persons, FOLDS, SEED)
    with open(os.path.join(REPO, "models", model, "manifest.json")) as fh:
        committed = json.load(fh)["params"]["cv"]["folds"]
    if [sorted(f) for f in committed] != folds:
        raise SystemExit(f"{model}: the manifest's folds are not make_folds(seed {SEED})")
    p_float = np.full(len(ds["y"]), np.nan)
    p_int8 = {m: np.full(len(ds["y"]), np.nan) for m in METHODS}
    per_fold = []
    for k, test in enumerate(folds):
        t0 = time.time()
        test_mask = np.isin(ds["subject"], test)
        train_idx = np.where(~test_mask)[0][::TRAIN_STRIDE]
        calib_idx = np.random.default_rng(SEED + k).choice(train_idx, size=min(CALIB, len(train_idx)), replace=False)
        calib = os.path.join(work, f"{tag}-fold{k}-calib.npy")
        np.save(calib, ds["x"][calib_idx].astype(np.float32))
        fdir = os.path.join(REPO, "models", model, "folds")
        float_path = os.path.join(fdir, f"fold{k}-float32.tflite")
        pf = predict(float_path, ds["x"])
        p_float[test_mask] = pf[test_mask]
        entry = {"fold": k, "heldOut": test, "methods": {}}
        for method in METHODS:
            out = os.path.join(work, f"{tag}-fold{k}-{method}.tflite")
            quantize(float_path, calib, out, method)
            if method == "minmax" and tflite_run.sha256_file(out) != tflite_run.sha256_file(os.path.join(fdir, f"fold{k}-int8.tflite")):
                raise SystemExit(f"{tag} fold {k}: minmax on the rebuilt calibration maps is not the committed int8 file")
            pq = predict(out, ds["x"])
            p_int8[method][test_mask] = pq[test_mask]
            d = np.abs(pq - pf)
            entry["methods"][method] = {
                "trainMeanAbsDp": float(d[~test_mask].mean()), "heldOutMeanAbsDp": float(d[test_mask].mean()),
                "heldOutMaxAbsDp": float(d[test_mask].max()),
                "heldOutSameDecision": float(((pq[test_mask] >= 0.5) == (pf[test_mask] >= 0.5)).mean())}
        per_fold.append(entry)
        summary = "  ".join(f"{m} {v['trainMeanAbsDp']:.4f}/{v['heldOutMeanAbsDp']:.4f}" for m, v in entry["methods"].items())
        print(f"{tag} fold {k}: mean |dP| train/held-out  {summary}  ({time.time() - t0:.0f} s)", flush=True)
    result = {"set": set_name, "model": model, "folds": per_fold, "float32": person_table(ds, p_float), "methods": {}}
    near = sorted(str(s) for s, v in result["float32"]["both"]["scores"].items() if abs(v - 0.5) < 0.05)
    result["float32"]["nearThresholdPersons"] = near
    for method in METHODS:
        ms = [f["methods"][method] for f in per_fold]
        d = np.abs(p_int8[method] - p_float)
        result["methods"][method] = {
            "trainMeanAbsDp": float(np.mean([m["trainMeanAbsDp"] for m in ms])),
            "heldOutMeanAbsDp": float(np.mean([m["heldOutMeanAbsDp"] for m in ms])),
            "heldOutMeanAbsDpPooled": float(d.mean()), "heldOutMaxAbsDp": float(d.max()),
            "heldOutSameDecision": float(((p_int8[method] >= 0.5) == (p_float >= 0.5)).mean()),
            "persons": person_table(ds, p_int8[method])}
    selected = min(METHODS, key=lambda m: result["methods"][m]["trainMeanAbsDp"])
    generalises = result["methods"][selected]["heldOutMeanAbsDp"] < result["methods"]["minmax"]["heldOutMeanAbsDp"]
    result["selected"] = selected
    result["decision"] = ("minmax stays" if selected == "minmax" else
                          f"{selected} for the next version (held-out check passed)" if generalises else
                          f"minmax stays ({selected} selected on training persons, not lower on held-out persons)")
    for method, r in result["methods"].items():
        pt = r["persons"]
        print(f"{tag} {method:10s} train {r['trainMeanAbsDp']:.4f} held-out {r['heldOutMeanAbsDp']:.4f} max {r['heldOutMaxAbsDp']:.4f} "
              f"same {100 * r['heldOutSameDecision']:.2f} %  BA EC/EO/both " +
              " / ".join(f"{100 * pt[c]['balancedAccuracy']:.1f}" for c in mc.CONDITIONS) + "  AUC " +
              " / ".join(f"{pt[c]['auc']:.3f}" for c in mc.CONDITIONS))
    ft = result["float32"]
    print(f"{tag} float32    BA EC/EO/both " + " / ".join(f"{100 * ft[c]['balancedAccuracy']:.1f}" for c in mc.CONDITIONS) +
          "  AUC " + " / ".join(f"{ft[c]['auc']:.3f}" for c in mc.CONDITIONS) + f"; within 0.05 of 0.5: {near}")
    print(f"{tag}: selected {selected}; {result['decision']}")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maps", default=os.path.join(REPO, "training", "out", "mdd-maps"))
    ap.add_argument("--work", default=os.path.join(REPO, "training", "out", "mdd-quant"))
    ap.add_argument("--json", help="write the result here")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    res = {"what": "activation-range methods of weargate model quantize on the mdd-cnn fold models (docs/models/mdd-quantization.md)",
           "montages": {tag: run_montage(tag, s, m, args.maps, args.work) for tag, (s, m) in MONTAGES.items()}}
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
