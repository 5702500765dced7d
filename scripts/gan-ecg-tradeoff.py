"""Every recorded gan-ecg run (int8, `eval synth ecg`) as one point: TSTR − better TRTR against the two person-level
membership attacks, with Spearman's rho and how many runs meet each target. A diagnostic over runs that were each
declared and scored before; it selects nothing. Sources: docs/models/gan-ecg-eval-int8.json (0.3.0 as shipped) and
every run list in docs/models/gan-ecg-selection-eval.json (attempts 1, 2, 4-10 and the identity-weight-0 diagnostic).
Usage: python3 scripts/gan-ecg-tradeoff.py [--json out.json]"""
import json
import sys

TSTR_TARGET, AUC_TARGET = -3.0, 0.55


def ranks(x: list[float]) -> list[float]:
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    return cov / (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5


def points() -> list[dict]:
    shipped = json.load(open("docs/models/gan-ecg-eval-int8.json"))["checks"]
    out = [{"set": "0.3.0 shipped", "run": "20261201", "tstrGapPoints": shipped[0]["value"],
            "personDcrAuc": shipped[3]["value"], "personDiscAuc": shipped[4]["value"],
            "privacyChecksPassed": sum(c["pass"] for c in shipped[1:])}]
    sel = json.load(open("docs/models/gan-ecg-selection-eval.json"))
    for key, v in sel.items():
        runs = v if isinstance(v, list) else v.get("runs") if isinstance(v, dict) else None
        if not isinstance(runs, list):
            continue
        for r in runs:
            out.append({"set": key, "run": r["run"], "tstrGapPoints": r["tstrGapPoints"], "personDcrAuc": r["personDcrAuc"],
                        "personDiscAuc": r["personDiscAuc"], "privacyChecksPassed": r["privacyChecksPassed"]})
    return out


def main() -> None:
    pts = points()
    tstr = [p["tstrGapPoints"] for p in pts]
    summary = {"runs": len(pts)}
    print(f"{len(pts)} recorded runs (int8)")
    for attack in ("personDcrAuc", "personDiscAuc"):
        auc = [p[attack] for p in pts]
        both = [p for p in pts if p["tstrGapPoints"] >= TSTR_TARGET and p[attack] <= AUC_TARGET]
        rho = spearman(tstr, auc)
        summary[attack] = {"spearmanRhoWithTstrGap": rho, "meetTstr": sum(t >= TSTR_TARGET for t in tstr),
                           "meetAttack": sum(a <= AUC_TARGET for a in auc), "meetBoth": [f'{p["set"]}: {p["run"]}' for p in both]}
        print(f"{attack}: Spearman rho with the TSTR gap {rho:+.2f}; TSTR met {summary[attack]['meetTstr']}, "
              f"attack <= {AUC_TARGET} {summary[attack]['meetAttack']}, both {len(both)}: {summary[attack]['meetBoth']}")
    good = [p for p in pts if p["tstrGapPoints"] >= TSTR_TARGET and p["privacyChecksPassed"] >= 5]
    summary["meetTstrAnd5Checks"] = [f'{p["set"]}: {p["run"]}' for p in good]
    print(f"TSTR met and >= 5 of 6 checks: {len(good)}: {summary['meetTstrAnd5Checks']}")
    print("| set | run | TSTR gap | person DCR | person disc | checks |\n|---|---|---|---|---|---|")
    for p in sorted(pts, key=lambda p: -p["tstrGapPoints"]):
        print(f'| {p["set"]} | {p["run"]} | {p["tstrGapPoints"]:+.1f} | {p["personDcrAuc"]:.3f} | {p["personDiscAuc"]:.3f} | {p["privacyChecksPassed"]} |')
    if "--json" in sys.argv:
        json.dump({"summary": summary, "points": pts}, open(sys.argv[sys.argv.index("--json") + 1], "w"), indent=1)


if __name__ == "__main__":
    main()
