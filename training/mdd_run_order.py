"""How far the run order alone moves mdd-cnn's CV numbers (docs/models/mdd-run-order.md): two runs of the 0.3.0
command, `--seed-state carry` (as 0.3.0 was trained) and `--seed-state reset`, compared with each other and the carry
run's models byte for byte with the committed 0.3.0 files. Reads only; no TensorFlow.
Usage: training/.venv/bin/python training/mdd_run_order.py [--carry training/out/mdd-cnn-carry]
         [--reset training/out/mdd-cnn-reset] [--json docs/models/mdd-run-order.json]"""
from __future__ import annotations

import argparse
import hashlib
import json
import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MONTAGES = {"m19": "mdd-cnn", "m8": "mdd-cnn-cyton8"}
CONDITIONS = ("EC", "EO", "both")


def sha(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def reproduction(carry_dir: str) -> dict:
    """Per montage: which of the carry run's float32 models equal the committed 0.3.0 files."""
    out = {}
    for tag, name in MONTAGES.items():
        committed = os.path.join(REPO, "models", name)
        pairs = {f"fold{k}": (os.path.join(carry_dir, tag, f"fold{k}-float32.tflite"), os.path.join(committed, "folds", f"fold{k}-float32.tflite")) for k in range(6)}
        pairs["final"] = (os.path.join(carry_dir, tag, "final-float32.tflite"), os.path.join(committed, "float32.tflite"))
        out[tag] = {k: sha(a) == sha(b) for k, (a, b) in pairs.items()}
    return out


def metrics(cv: dict, tag: str) -> dict:
    return {c: {"balancedAccuracy": cv[tag]["cnn"][c]["balancedAccuracy"], "auc": cv[tag]["cnn"][c]["auc"]} for c in CONDITIONS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--carry", default=os.path.join(REPO, "training", "out", "mdd-cnn-carry"))
    ap.add_argument("--reset", default=os.path.join(REPO, "training", "out", "mdd-cnn-reset"))
    ap.add_argument("--json")
    args = ap.parse_args()
    cv = {s: json.load(open(os.path.join(d, "cv.json"))) for s, d in (("carry", args.carry), ("reset", args.reset))}
    for s in cv:
        if cv[s]["args"].get("seed_state") != s:
            raise SystemExit(f"{s}: cv.json was made with seed state {cv[s]['args'].get('seed_state')!r}")
    report = {"what": "mdd_cnn.py (0.3.0 command) with --seed-state carry and reset; Keras CNN person-level CV metrics; docs/models/mdd-run-order.md",
              "reproduction": reproduction(args.carry), "montages": {}}
    for tag in MONTAGES:
        a, b = metrics(cv["carry"], tag), metrics(cv["reset"], tag)
        d = {c: {k: b[c][k] - a[c][k] for k in ("balancedAccuracy", "auc")} for c in CONDITIONS}
        pa = {p["subject"]: p["score"] for p in cv["carry"][tag]["cnn"]["both"]["persons"]}
        pb = {p["subject"]: p["score"] for p in cv["reset"][tag]["cnn"]["both"]["persons"]}
        flips = sorted(s for s in pa if (pa[s] >= 0.5) != (pb[s] >= 0.5))
        report["montages"][tag] = {"carry": a, "reset": b, "resetMinusCarry": d, "maxPersonScoreDiff": max(abs(pa[s] - pb[s]) for s in pa),
                                   "personsWhoseDecisionChanges": flips}
        rep = report["reproduction"][tag]
        print(f"{tag}: carry run equals committed 0.3.0 float32: {sum(rep.values())} of {len(rep)} ({', '.join(k for k, v in rep.items() if not v) or 'all'}{' differ' if not all(rep.values()) else ''})")
        for c in CONDITIONS:
            print(f"  {c:<4} BA carry {100 * a[c]['balancedAccuracy']:.1f} reset {100 * b[c]['balancedAccuracy']:.1f} ({100 * d[c]['balancedAccuracy']:+.1f} points); "
                  f"AUC carry {a[c]['auc']:.3f} reset {b[c]['auc']:.3f} ({d[c]['auc']:+.3f})")
        print(f"  both: max |person score reset - carry| {report['montages'][tag]['maxPersonScoreDiff']:.3f}; decisions changed: {flips or 'none'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
