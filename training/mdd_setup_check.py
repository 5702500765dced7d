"""Does a trained MDD model read the recording setup? Its fold models (each on the persons it held
out) on the same recordings with and without a common 1.5-35 Hz band-pass (the `bandlimited` map
set of scripts/mdd-maps.ts), which hides the amplifier filter edges that differ between setups
(src/models/mdd/setup-signature.ts). A model that reads only frequencies both setups pass alike
barely moves; one that learned the edges moves a lot.

    # mdd-cnn 0.2.0 (delta..gamma bands, from git), against the current models:
    npx tsx scripts/mdd-maps.ts --set base,bandlimited --bands delta:1-4,theta:4-8,alpha:8-13,beta:13-30,gamma:30-45 --out training/out/mdd-maps-0.2.0
    training/.venv/bin/python training/mdd_setup_check.py --folds-dir <0.2.0 models/mdd-cnn/folds> --maps training/out/mdd-maps-0.2.0
    training/.venv/bin/python training/mdd_setup_check.py --folds-dir models/mdd-cnn/folds --maps training/out/mdd-maps

Person score = mean P(MDD) of the fold's float32 .tflite over the person's clean epochs (both
conditions); folds from the fold models' manifest next to them (params.cv.folds).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import mdd_common as mc  # noqa: E402
import tflite_run  # noqa: E402


def person_results(folds_dir: str, folds: list[list[str]], ds: dict, variant: str) -> dict:
    p = np.full(len(ds["y"]), np.nan)
    for k, test in enumerate(folds):
        m = np.isin(ds["subject"], test)
        p[m] = tflite_run.run_batch(os.path.join(folds_dir, f"fold{k}-{variant}.tflite"), ds["x"][m])["outputs"].reshape(int(m.sum()))
    persons, labels, scores, _ = mc.person_scores(ds["subject"], ds["condition"], ds["y"], p, "both")
    return {"persons": persons, "labels": labels, "scores": scores, "metrics": mc.point_metrics(labels, scores)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds-dir", required=True, help="a model's folds/ (fold<k>-float32.tflite), with manifest.json one level up")
    ap.add_argument("--maps", required=True, help="scripts/mdd-maps.ts --out with the base and bandlimited sets (the model's bands)")
    ap.add_argument("--variant", default="float32", choices=["float32", "int8"])
    ap.add_argument("--discordant", default="P14,P17,P22,P38", help="the setup-discordant persons (training/mdd_cnn.py prints them)")
    args = ap.parse_args()
    with open(os.path.join(args.folds_dir, "..", "manifest.json")) as f:
        manifest = json.load(f)
    folds = manifest["params"]["cv"]["folds"]
    res = {name: person_results(args.folds_dir, folds, mc.load_set(args.maps, name), args.variant) for name in ("base", "bandlimited")}
    print(f"{manifest['name']} {manifest['version']} ({', '.join(b['name'] for b in manifest['params']['bands'])}), fold {args.variant} models, both conditions:")
    for name, r in res.items():
        m = r["metrics"]
        print(f"  {name:<12} balanced accuracy {100 * m['balancedAccuracy']:.1f} %, AUC {m['auc']:.3f}, sensitivity {100 * m['sensitivity']:.1f} %, specificity {100 * m['specificity']:.1f} %")
    base = dict(zip(res["base"]["persons"], res["base"]["scores"]))
    lim = dict(zip(res["bandlimited"]["persons"], res["bandlimited"]["scores"]))
    diffs = {s: lim[s] - base[s] for s in base if s in lim}
    flips = [s for s in diffs if (base[s] >= 0.5) != (lim[s] >= 0.5)]
    print(f"  person score change: mean |d| {np.mean(np.abs(list(diffs.values()))):.3f}, max {max(np.abs(list(diffs.values()))):.3f}; decisions changed: {len(flips)} of {len(diffs)} ({', '.join(flips) or 'none'})")
    disc = [s for s in args.discordant.split(",") if s in base]
    print("  setup-discordant persons (base -> bandlimited): " + ", ".join(f"{s} {base[s]:.2f} -> {lim[s]:.2f}" for s in disc))


if __name__ == "__main__":
    main()
