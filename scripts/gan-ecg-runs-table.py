"""One row per `eval synth ecg` report: the columns of docs/models/gan-ecg.md's seed tables, as Markdown, and the
reports' key numbers as one JSON (for docs/models/gan-ecg-*-eval.json).
Usage: python3 scripts/gan-ecg-runs-table.py <label>=<report.json> ... [--json out.json]"""
import json
import sys


def row(label: str, path: str) -> dict:
    r = json.load(open(path))
    p, checks = r["privacy"], r["checks"]
    reid = p["reidentification"]
    aug = next((a for a in r["augmentation"] if abs(a["realVShare"] - 0.1) < 1e-9), None)
    return {
        "run": label, "report": path,
        "tstrGapPoints": checks[0]["value"],
        "beatDcrAuc": p["beatLevel"]["dcr"]["auc"], "beatDiscAuc": p["beatLevel"]["discriminator"]["auc"],
        "personDcrAuc": p["personLevel"]["dcr"]["auc"], "personDiscAuc": p["personLevel"]["discriminator"]["auc"],
        "calibratedPersonAuc": p["population"]["personLevel"]["calibrated"]["auc"],
        "reidMatches": f'{reid["matches"]["synthetic"]} of {reid["strips"]["synthetic"]}', "reidP": reid["p"],
        "privacyChecksPassed": sum(c["pass"] for c in checks[1:]), "privacyChecks": len(checks) - 1,
        "augBa10": aug["plusSyntheticV"]["balancedAccuracy"] if aug else None,
        "augDupBa10": aug["plusDuplicatedV"]["balancedAccuracy"] if aug else None,
        "vQrsMedianMs": r["fidelity"]["beats"]["V"]["qrsWidthMs"]["synthetic"]["median"],
        "vQrsRealMedianMs": r["fidelity"]["beats"]["V"]["qrsWidthMs"]["real"]["median"],
    }


def main() -> None:
    args = sys.argv[1:]
    out = None
    if "--json" in args:
        i = args.index("--json")
        out = args[i + 1]
        del args[i:i + 2]
    rows = [row(*a.split("=", 1)) for a in args]
    print("| run | TSTR − better TRTR, points | beat DCR / disc | person DCR / disc | calibrated person AUC | strips matching a training person (Fisher p) | privacy checks passed | aug. at 10 % real V, BA % (dup.) | V QRS ms (real) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for x in rows:
        aug = f'{100 * x["augBa10"]:.1f} ({100 * x["augDupBa10"]:.1f})' if x["augBa10"] is not None else "-"
        print(f'| {x["run"]} | {x["tstrGapPoints"]:+.1f} | {x["beatDcrAuc"]:.3f} / {x["beatDiscAuc"]:.3f} | {x["personDcrAuc"]:.3f} / {x["personDiscAuc"]:.3f} | '
              f'{x["calibratedPersonAuc"]:.3f} | {x["reidMatches"]} ({x["reidP"]:.2f}) | {x["privacyChecksPassed"]} of {x["privacyChecks"]} | {aug} | {x["vQrsMedianMs"]:.0f} ({x["vQrsRealMedianMs"]:.0f}) |')
    if out:
        with open(out, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
