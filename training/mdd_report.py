"""Markdown tables for docs/models/mdd.md from models/mdd-cnn*/metrics.json (made by mdd_export.py).

    training/.venv/bin/python training/mdd_report.py
"""
from __future__ import annotations

import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def pct(m: dict, k: str) -> str:
    ci = m.get(k + "Ci")
    return f"{100 * m[k]:.1f} [{100 * ci[0]:.0f}-{100 * ci[1]:.0f}]" if ci else f"{100 * m[k]:.1f}"


def auc(m: dict) -> str:
    ci = m.get("aucCi")
    return f"{m['auc']:.3f} [{ci[0]:.2f}-{ci[1]:.2f}]" if ci else f"{m['auc']:.3f}"


def row(label: str, which: str, m: dict) -> str:
    return f"| {label} | {which} | {m['n']} ({m['mdd']}/{m['healthy']}) | {pct(m, 'accuracy')} | {pct(m, 'sensitivity')} | {pct(m, 'specificity')} | {pct(m, 'balancedAccuracy')} | {auc(m)} |"


HEAD = "| model | condition | persons (MDD/healthy) | accuracy % | sensitivity % | specificity % | balanced accuracy % | ROC AUC |\n|---|---|---|---|---|---|---|---|"


def show_confounds(c: dict) -> None:
    """The checks that need no model: what the channel set, the amplitude and the setup's filter edges predict."""
    ch, amp = c["channelCount22"], c["amplitude"]
    print("\n### Confounds (no model: what the recordings themselves predict)\n")
    print("| check | value |\n|---|---|")
    print(f"| files with the 3 extra channels | {ch['healthy22']} of {ch['healthy']} healthy, {ch['mdd22']} of {ch['mdd']} MDD persons; AUC of 'no extra channels' {ch['auc']:.3f} |")
    print(f"| median epoch std | MDD {amp['medianStdUvMdd']:.1f} uV, healthy {amp['medianStdUvHealthy']:.1f} uV; AUC {amp['auc']:.3f} |")
    if "setup" in c:
        st = c["setup"]
        print(f"| high-pass edge (log10 density 0.5-1 Hz / 2-4 Hz) | AUC for MDD of a steeper edge {st['lowEdgeAuc']:.3f}; clusters at {st['clusterCentres'][0]:.2f} and {st['clusterCentres'][1]:.2f} |")
        print(f"| low-pass edge (log10 density 40-45 Hz / 20-30 Hz) | AUC {st['highEdgeAuc']:.3f} |")
        print(f"| steep high-pass setup | {st['steepMdd']} of {ch['mdd']} MDD, {st['steepHealthy']} of {ch['healthy']} healthy persons; the setup alone: balanced accuracy {100 * st['setupAloneBalancedAccuracy']:.1f} % |")
        print(f"| setup-discordant persons (a setup detector gets them wrong) | {', '.join(st['discordant'])} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models-dir", default=os.path.join(REPO, "models"))
    ap.add_argument("--name19", default="mdd-cnn")
    ap.add_argument("--name8", default="mdd-cnn-cyton8")
    args = ap.parse_args()
    shown_confounds = False
    for name, tag in ((args.name19, "19 electrodes"), (args.name8, "8 electrodes (Cyton)")):
        path = os.path.join(args.models_dir, name, "metrics.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            m = json.load(f)
        cv = m["cv"]
        if "confounds" in m and not shown_confounds:
            show_confounds(m["confounds"])
            shown_confounds = True
        print(f"\n### {tag}: subject-wise {len(cv['folds'])}-fold CV\n")
        conditions = [c for c in ("EC", "EO", "both") if c in cv["cnn"]]
        print(HEAD)
        for which in conditions:
            print(row(f"CNN (Keras float)", which, cv["cnn"][which]))
        for which in conditions:
            print(row("baseline LR, relative band powers", which, cv["baseline"][which]))
        for which in conditions:
            print(row("CNN float32 .tflite", which, m["cvTflite"]["float32"][which]))
        for which in conditions:
            print(row("CNN our int8 .tflite", which, m["cvTflite"]["int8"][which]))
        print(f"\nepoch-level accuracy: CNN {100 * cv['epochAccuracy']['cnn']:.1f} %, baseline {100 * cv['epochAccuracy']['baseline']:.1f} %; params {cv['params']}")
        e = m["cvTflite"]["epochAbsDiff"]
        print(f"int8 vs float32 (fold models, held-out epochs): mean |dP| {e['mean']:.4f}, max {e['max']:.4f}, same decision {100 * e['decisionAgreement']:.2f} %")
        for k, a in m["finalAgreement"].items():
            print(f"final model, {k} vs float32 over {a['epochs']} epochs: mean |dP| {a['meanAbsDiff']:.4f}, max {a['maxAbsDiff']:.4f}, same decision {100 * a['decisionAgreement']:.2f} %")
        if "discordant" in cv:
            d = cv["discordant"]
            print(f"\nsetup-discordant persons ({', '.join(d['persons'])}): CNN {d['cnn']['correct']} of {d['cnn']['of']} right, baseline {d['baseline']['correct']} of {d['baseline']['of']}")
            print("\n| person | label | CNN score | baseline score |\n|---|---|---|---|")
            for s in d["persons"]:
                lab = next((q["label"] for q in cv["cnn"]["both"]["persons"] if q["subject"] == s), None)
                print(f"| {s} | {'MDD' if lab == 1 else 'healthy'} | {d['cnn']['scores'].get(s, float('nan')):.2f} | {d['baseline']['scores'].get(s, float('nan')):.2f} |")
        for a, r in cv.get("ablations", {}).items():
            print(f"\nablation {a}: {r['cleanEpochs']} clean epochs; max |person score - base| {r['maxPersonScoreDiff']:.4f}\n")
            print(HEAD)
            for which in conditions:
                print(row(f"CNN on {a}", which, r[which]))


if __name__ == "__main__":
    main()
