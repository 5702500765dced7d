"""How far the run order alone moves mdd-cnn's CV numbers (docs/models/mdd-run-order.md): two runs of the 0.3.0
command, `--seed-state carry` (as 0.3.0 was trained) and `--seed-state reset`, compared with each other and the carry
run's models byte for byte with the committed 0.3.0 files. Reads only; no TensorFlow.
With --seeds (check 2), also the repeated CV: the CNN's and the baseline's person-level metrics per seed run, with
their mean, minimum and maximum.
Usage: training/.venv/bin/python training/mdd_run_order.py [--carry training/out/mdd-cnn-carry]
         [--reset training/out/mdd-cnn-reset] [--seeds <run dir>,<run dir>,...] [--json docs/models/mdd-run-order.json]"""
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


def repeated_cv(dirs: list[str]) -> dict:
    """Check 2: per montage, condition and model (cnn, baseline), balanced accuracy and AUC of every seed's run."""
    runs = [json.load(open(os.path.join(d, "cv.json"))) for d in dirs]
    for d, r in zip(dirs, runs):
        if r["args"].get("seed_state") != "reset":
            raise SystemExit(f"{d}: not a --seed-state reset run")
    out = {"seeds": [r["seed"] for r in runs], "montages": {}}
    if len(set(out["seeds"])) != len(runs):
        raise SystemExit(f"repeated CV: a seed appears twice ({out['seeds']})")
    for tag in MONTAGES:
        per = {}
        for model in ("cnn", "baseline"):
            for c in CONDITIONS:
                for k in ("balancedAccuracy", "auc"):
                    v = [r[tag][model][c][k] for r in runs]
                    per.setdefault(model, {}).setdefault(c, {})[k] = {"perSeed": v, "mean": sum(v) / len(v), "min": min(v), "max": max(v)}
        out["montages"][tag] = per
        print(f"{tag}, repeated CV over seeds {out['seeds']}:")
        for c in CONDITIONS:
            a, b = per["cnn"][c], per["baseline"][c]
            diff = [x - y for x, y in zip(a["balancedAccuracy"]["perSeed"], b["balancedAccuracy"]["perSeed"])]
            print(f"  {c:<4} CNN BA {100 * a['balancedAccuracy']['mean']:.1f} [{100 * a['balancedAccuracy']['min']:.1f}-{100 * a['balancedAccuracy']['max']:.1f}] "
                  f"AUC {a['auc']['mean']:.3f} [{a['auc']['min']:.3f}-{a['auc']['max']:.3f}]; baseline BA {100 * b['balancedAccuracy']['mean']:.1f} "
                  f"[{100 * b['balancedAccuracy']['min']:.1f}-{100 * b['balancedAccuracy']['max']:.1f}] AUC {b['auc']['mean']:.3f}; "
                  f"CNN - baseline BA per seed {', '.join(f'{100 * x:+.1f}' for x in diff)}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--carry", default=os.path.join(REPO, "training", "out", "mdd-cnn-carry"))
    ap.add_argument("--reset", default=os.path.join(REPO, "training", "out", "mdd-cnn-reset"))
    ap.add_argument("--seeds", help="check 2: comma-separated run folders of the repeated CV (--seed-state reset, one seed each)")
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
    if args.seeds:
        report["repeatedCv"] = repeated_cv(args.seeds.split(","))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
