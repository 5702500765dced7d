"""Packs the MDD models into models/mdd-cnn (19 electrodes) and models/mdd-cnn-cyton8 (8 electrodes).

    training/.venv/bin/python training/mdd_cnn.py && bash scripts/mdd-quantize.sh && \
      training/.venv/bin/python training/mdd_export.py

Per montage: the final model (all persons) as float32, our int8 (weargate model quantize) and the
TF converter's int8; the CV fold models (float32 and ours int8) for `weargate eval mdd`; golden
vectors from Python LiteRT; the manifest (src/models/manifest.ts format) with the feature
parameters, the folds and the fold models' sha256; metrics.json with the CV results, the
float-vs-int8 comparison on the CV (each fold's float .tflite and int8 on its held-out epochs) and
the final model's agreement between float, our int8 and the TF converter's int8.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import mdd_common as mc  # noqa: E402
import tflite_run  # noqa: E402

OUT = os.path.join(REPO, "training", "out", "mdd-cnn")
MAPS = os.path.join(REPO, "training", "out", "mdd-maps")
MODELS = os.path.join(REPO, "models")
TRAINED_ON = "Mumtaz W. MDD Patients and Healthy Controls EEG Data (New), figshare 2016, doi:10.6084/m9.figshare.4244171, CC BY 4.0: 36 persons (19 MDD, 17 healthy), eyes closed and open, first 240 s (../shared/data/mumtaz-mdd-train)"
GOLDEN_COUNT = 8


sha = tflite_run.sha256_file
tensors = tflite_run.tensor_decls


def run(path: str, x: np.ndarray) -> np.ndarray:
    return tflite_run.run_batch(path, x)["outputs"].reshape(len(x))


def cv_variants(tag: str, ds: dict, folds: list[list[str]]) -> dict:
    """Each fold's float .tflite and our int8 on its held-out epochs -> person metrics per variant."""
    p = {"float32": np.full(len(ds["y"]), np.nan), "int8": np.full(len(ds["y"]), np.nan)}
    for k, test in enumerate(folds):
        m = np.isin(ds["subject"], test)
        for v in p:
            p[v][m] = run(os.path.join(OUT, tag, f"fold{k}-{v}.tflite"), ds["x"][m])
    res = {}
    for v, pe in p.items():
        res[v] = {}
        for which in mc.CONDITIONS:
            persons, labels, scores, counts = mc.person_scores(ds["subject"], ds["condition"], ds["y"], pe, which)
            if not persons:
                continue
            met = mc.metrics_with_ci(labels, scores)
            met["persons"] = [{"subject": s, "label": int(l), "score": float(sc), "epochs": int(c)} for s, l, sc, c in zip(persons, labels, scores, counts)]
            res[v][which] = met
    diff = np.abs(p["int8"] - p["float32"])
    res["epochAbsDiff"] = {"mean": float(diff.mean()), "max": float(diff.max()), "decisionAgreement": float(((p["int8"] >= 0.5) == (p["float32"] >= 0.5)).mean())}
    return res


def export(tag: str, name: str, set_name: str, electrodes: list[str], cv: dict, version: str = "0.1.0", trained_on: str = TRAINED_ON, confounds: dict | None = None) -> None:
    src = os.path.join(OUT, tag)
    dst = os.path.join(MODELS, name)
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    os.makedirs(os.path.join(dst, "folds"))
    ds = mc.load_set(MAPS, set_name)
    folds = [list(map(str, f)) for f in cv["folds"]]
    files = {"float32": "final-float32.tflite", "int8": "final-int8.tflite", "int8-tfconverter": "final-int8-tfconverter.tflite"}
    for f in files.values():
        shutil.copy(os.path.join(src, f), os.path.join(dst, f.replace("final-", "")))
    fold_models: dict[str, list[str]] = {"float32": [], "int8": []}
    for k in range(len(folds)):
        for v in fold_models:
            rel = f"folds/fold{k}-{v}.tflite"
            shutil.copy(os.path.join(src, f"fold{k}-{v}.tflite"), os.path.join(dst, rel))
            fold_models[v].append(f"{rel}#{sha(os.path.join(dst, rel))}")
    # golden inputs: the first clean epoch of each of 8 persons (real maps, model layout NHWC)
    persons = sorted(set(ds["subject"]))[:: max(1, len(set(ds["subject"])) // GOLDEN_COUNT)][:GOLDEN_COUNT]
    gx = np.stack([ds["x"][np.where(ds["subject"] == s)[0][0]] for s in persons]).astype(np.float32)
    np.save(os.path.join(dst, "golden-inputs.npy"), gx)
    variants = {}
    agreement = {}
    p_all = {}
    for key, f in files.items():
        path = os.path.join(dst, f.replace("final-", ""))
        out = run(path, gx).reshape(len(gx), 1).astype(np.float32)
        np.save(os.path.join(dst, f"golden-outputs-{key}.npy"), out)
        ins, outs = tensors(path)
        variants[key] = {
            "file": os.path.basename(path), "sha256": sha(path), "precision": "float32" if key == "float32" else "int8",
            **({"quantizer": {"int8": "weargate-quantize (model quantize, minmax, float I/O)", "int8-tfconverter": "tf-converter 2.20.0 full-integer PTQ"}[key]} if key != "float32" else {}),
            "inputs": ins, "outputs": outs,
            "golden": {"inputs": "golden-inputs.npy", "outputs": f"golden-outputs-{key}.npy", "count": len(gx), "absTolerance": 1e-5 if key == "float32" else 0.008},
        }
        p_all[key] = run(path, ds["x"])
    for key in ("int8", "int8-tfconverter"):
        d = np.abs(p_all[key] - p_all["float32"])
        agreement[key] = {"meanAbsDiff": float(d.mean()), "maxAbsDiff": float(d.max()), "decisionAgreement": float(((p_all[key] >= 0.5) == (p_all["float32"] >= 0.5)).mean()), "epochs": int(len(d))}
    meta = ds["meta"]["params"]
    manifest = {
        "name": name, "version": version, "task": "mdd",
        "description": f"Residual CNN ({cv['params']} parameters) on {len(meta['bands'])} band-power topographic maps ({', '.join(b['name'] for b in meta['bands'])}: {min(b['lowHz'] for b in meta['bands']):g}-{max(b['highHz'] for b in meta['bands']):g} Hz; 32x32, {len(electrodes)} electrodes): P(MDD) per 4 s epoch, averaged per session. Research screening signal, NOT a diagnosis, not a medical device.",
        "trainedOn": trained_on,
        "card": "docs/models/mdd.md",
        "defaultVariant": "int8",
        "variants": variants,
        "params": {
            "sampleRateHz": meta["sampleRateHz"], "electrodes": electrodes, "bands": meta["bands"],
            "epochS": meta["epochS"], "hopS": meta["hopS"], "welchSegmentS": meta["welchSegmentS"], "welchOverlapS": meta["welchOverlapS"],
            "gridPx": meta["gridPx"], "normalisation": meta["normalisation"],
            "maxPeakToPeakUv": meta["maxPeakToPeakUv"], "minStdUv": meta["minStdUv"], "maxStdRatio": meta["maxStdRatio"],
            "inputLayout": "NHWC [1, gridPx, gridPx, bands]", "aggregation": "mean of per-epoch P(MDD) over clean epochs", "threshold": 0.5,
            "cv": {"folds": folds, "models": fold_models},
        },
    }
    with open(os.path.join(dst, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    cvv = cv_variants(tag, ds, folds)
    metrics = {"cv": {k: cv[k] for k in ("folds", "cnn", "baseline", "ablations", "discordant", "epochAccuracy", "params") if k in cv},
               "cvTflite": cvv, "finalAgreement": agreement, **({"confounds": confounds} if confounds else {})}
    with open(os.path.join(dst, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    for which in (c for c in mc.CONDITIONS if c in cvv["int8"]):
        a, b = cvv["float32"][which], cvv["int8"][which]
        print(f"{name} {which}: float32 .tflite balacc {100 * a['balancedAccuracy']:.1f} AUC {a['auc']:.3f} | our int8 balacc {100 * b['balancedAccuracy']:.1f} AUC {b['auc']:.3f}")
    print(f"{name}: epoch |P int8 - P float| mean {cvv['epochAbsDiff']['mean']:.4f} max {cvv['epochAbsDiff']['max']:.4f}; final model agreement {json.dumps(agreement)}")


def main() -> None:
    global OUT, MAPS, MODELS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv-dir", default=OUT, help="mdd_cnn.py's --out (cv.json, fold and final models)")
    ap.add_argument("--maps", default=MAPS, help="scripts/mdd-maps.ts's --out")
    ap.add_argument("--models-dir", default=MODELS, help="where the model folders are written (replaced)")
    ap.add_argument("--name19", default="mdd-cnn")
    ap.add_argument("--name8", default="mdd-cnn-cyton8")
    ap.add_argument("--model-version", default="0.1.0")
    ap.add_argument("--trained-on", default=TRAINED_ON)
    args = ap.parse_args()
    OUT, MAPS, MODELS = args.cv_dir, args.maps, args.models_dir
    with open(os.path.join(OUT, "cv.json")) as f:
        cv = json.load(f)
    if "m19" in cv:
        export("m19", args.name19, "base", ["Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz", "C4", "T8", "P7", "P3", "Pz", "P4", "P8", "O1", "O2"], cv["m19"], args.model_version, args.trained_on, cv.get("confounds"))
    if "m8" in cv:
        export("m8", args.name8, "cyton8", ["Fp1", "Fp2", "C3", "C4", "P7", "P8", "O1", "O2"], cv["m8"], args.model_version, args.trained_on, cv.get("confounds"))


if __name__ == "__main__":
    main()
