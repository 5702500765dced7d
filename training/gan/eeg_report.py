"""Markdown tables for docs/models/gan-eeg-maps.md from models/gan-eeg-maps/eval-{float32,int8}.json
(or another generator folder's, e.g. models/gan-eeg-maps-cyton8 for docs/models/gan-eeg-maps-cyton8.md).

    training/.venv/bin/python training/gan/eeg_report.py [models/gan-eeg-maps-cyton8]
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "models", "gan-eeg-maps")


def pct(m: dict, key: str) -> str:
    ci = m.get(key + "Ci")
    return f"{100 * m[key]:.1f} [{100 * ci[0]:.0f}-{100 * ci[1]:.0f}]" if ci else f"{100 * m[key]:.1f}"


def auc(m: dict) -> str:
    ci = m.get("aucCi")
    return f"{m['auc']:.3f} [{ci[0]:.2f}-{ci[1]:.2f}]" if ci else f"{m['auc']:.3f}"


def main() -> None:
    runs = {v: json.load(open(os.path.join(DIR, f"eval-{v}.json"))) for v in ("float32", "int8") if os.path.exists(os.path.join(DIR, f"eval-{v}.json"))}
    print("| trained on (LR baseline) | generator | condition | persons | balanced accuracy % | sensitivity % | specificity % | ROC AUC |")
    print("|---|---|---|---|---|---|---|---|")
    for v, r in runs.items():
        rows = [("real (TRTR)", "trtr"), ("synthetic (TSTR)", "tstr"), ("real + synthetic healthy (augmented)", "augmented"), ("Gaussian reference (TSTR)", "tstrGaussian")]
        for name, key in rows:
            if v == "int8" and key in ("trtr", "tstrGaussian"):
                continue
            for which in ("EC", "EO", "both"):
                m = r[key][which]
                print(f"| {name} | {v if key not in ('trtr', 'tstrGaussian') else '-'} | {which} | {m['n']} ({m['mdd']}/{m['healthy']}) | {pct(m, 'balancedAccuracy')} | "
                      f"{pct(m, 'sensitivity')} | {pct(m, 'specificity')} | {auc(m)} |")
    print()
    print("| measure (per fold: mean [min, max] over the 6 folds) | GAN float32 | GAN our int8 | Gaussian reference | target |")
    print("|---|---|---|---|---|")
    f = runs["float32"]["summary"]
    i = runs.get("int8", {}).get("summary", {})
    cell = lambda s, k: f"{s[k]['mean']:.3f} [{s[k]['min']:.3f}, {s[k]['max']:.3f}]" if k in s else "-"  # noqa: E731
    for label, k, g, target in (("two-sample AUC, gradient-boosted trees", "twoSampleAuc.gbt", "gaussianReference.twoSampleAuc.gbt", "0.5"),
                                ("two-sample AUC, logistic regression", "twoSampleAuc.logistic", "gaussianReference.twoSampleAuc.logistic", "0.5"),
                                ("membership inference AUC (DCR attack)", "membershipAuc", "gaussianReference.membershipAuc", "<= 0.55"),
                                ("DCR ratio (synthetic-to-train / test-to-train, medians)", "dcrRatio", "gaussianReference.dcrRatio", ">= 1"),
                                ("membership AUC of the GAN relative to the Gaussian", "membershipAucRelativeToGaussian", None, "0.5")):
        print(f"| {label} | {cell(f, k)} | {cell(i, k)} | {cell(f, g) if g else '-'} | {target} |")
    print()
    fm = runs["float32"].get("finalMapsVsAll")
    if fm:
        print("| condition | band | mean map r | mean map RMSE | real mean map range | SD map r | real mean SD | synthetic mean SD |")
        print("|---|---|---|---|---|---|---|---|")
        for c, bands in fm.items():
            for b, s in bands.items():
                print(f"| {c} | {b} | {s['meanR']:.3f} | {s['meanRmse']:.3f} | {s['realMeanRange'][0]:.2f} to {s['realMeanRange'][1]:.2f} | {s['sdR']:.3f} | {s['realSdMean']:.3f} | {s['synthSdMean']:.3f} |")
    print()
    for v, r in runs.items():
        ea = [f["epochAccuracy"] for f in r["perFold"]]
        print(f"{v}: per-fold epoch accuracy TRTR " + ", ".join(f"{e['trtr']:.3f}" for e in ea) + "; TSTR " + ", ".join(f"{e['tstr']:.3f}" for e in ea)
              + "; augmented " + ", ".join(f"{e['augmented']:.3f}" for e in ea))
        print(f"{v}: augmented with " + "; ".join(f"fold {f['fold']}: " + ", ".join(f"{n} {c}" for n, c in f["augmentedEpochs"].items() if c) for f in r["perFold"]))


if __name__ == "__main__":
    main()
